"""Permissions sit in the routes' signatures: every /v1 route but health depends on the
token check, and every error class answers with its own HTTP status."""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from loyalty_gst import errors
from loyalty_gst.api import deps
from loyalty_gst.api.app import create_app
from loyalty_gst.api.routes import ROUTERS
from loyalty_gst.store.testing import create_temp_database


def _calls(d: Dependant) -> set[object]:
    found = {d.call}
    for sub in d.dependencies:
        found |= _calls(sub)
    return found


def test_every_route_but_health_checks_the_token() -> None:
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 14
    for r in routes:
        if r.path == "/v1/health":
            continue
        assert deps.caller in _calls(r.dependant), r.path
    admin_only = {
        (r.path, m) for r in routes for m in r.methods if deps.admin in _calls(r.dependant)
    }
    # Tokens and reports are the owner's: every such route, present and future, is admin-only.
    owners = {
        (r.path, m)
        for r in routes
        for m in r.methods
        if r.path.startswith(("/v1/tokens", "/v1/reports/"))
    }
    assert owners <= admin_only
    assert {
        ("/v1/tokens", "GET"),
        ("/v1/tokens", "POST"),
        ("/v1/tokens/{token_id}", "DELETE"),
        ("/v1/tokens/{token_id}/rotate", "POST"),
        ("/v1/reports/overdrafts", "GET"),
        ("/v1/reports/register", "GET"),
    } <= admin_only


def test_status_codes_come_from_the_error_classes() -> None:
    assert errors.InvalidInput.one("x", 1, "r").status == 422
    assert (errors.Unauthorized.status, errors.Forbidden.status, errors.NotFound.status) == (
        401,
        403,
        404,
    )
    assert errors.InsufficientPoints(5, 1).status == 409
    assert (errors.VelocityLimit.status, errors.OtpRateLimited.status) == (429, 429)
    assert errors.LoyaltyGstError.status == 400


def test_405_names_every_method_of_the_path() -> None:
    client = TestClient(create_app(create_temp_database("sqlite")))
    r = client.put("/v1/tokens")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    assert r.json()["code"] == "method_not_allowed"
    assert client.put("/v1/health").headers["allow"] == "GET"
