"""Every error of the API is an RFC 9457 problem with a stable `code`; its HTTP status is
the error class's own `status` (errors.py), so there is one map, not two."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from loyalty_gst.api.schemas import Problem
from loyalty_gst.errors import InvalidInput, LoyaltyGstError
from loyalty_gst.errors import Problem as Broken
from loyalty_gst.problems import from_pydantic, header, lines
from loyalty_gst.validation import check_raw

log = logging.getLogger("loyalty_gst.api")

PROBLEM_TYPE = "https://loyalty-gst.invalid/problems/"
_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {**_PROBLEM, "description": text}
    for code, text in (
        (400, "The body is not JSON"),
        (401, "No valid token"),
        (403, "Not allowed for this token, or the customer's presence is not proven"),
        (404, "Unknown customer or document"),
        (409, "The ledger refuses it (insufficient points, expired hold, duplicate …)"),
        (422, "Invalid input, with the field paths"),
        (429, "A limit was reached"),
        (500, "Server error"),
        (503, "The ledger database is unavailable; retry (Retry-After)"),
    )
}


def problem(
    status: int,
    code: str,
    detail: str | None,
    errors: list[Any] | None = None,
    lines: list[str] | None = None,
) -> Response:
    body = Problem(
        type=PROBLEM_TYPE + code,
        title=code.replace("_", " ").capitalize(),
        status=status,
        code=code,
        detail=detail,
        errors=errors,
        lines=lines,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type="application/problem+json",
    )


async def _domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoyaltyGstError)
    if isinstance(exc, InvalidInput):
        errors = [{"loc": ["body", *p.field.split(".")], "msg": p.rule} for p in exc.problems]
        found = lines(exc.problems)
        if all(p.code == "bad_mobile" for p in exc.problems):
            # a number that is no mobile has no member: not found, as any unknown number
            return problem(404, "unknown_customer", str(exc)[:500], errors, found)
        return problem(exc.status, exc.code, str(exc)[:500], errors, found)
    return problem(exc.status, exc.code, str(exc)[:500], None, [" ".join(str(exc).split())])


def _in_body(loc: Any) -> tuple[Any, ...]:
    path = tuple(loc)
    return path[1:] if path[:1] == ("body",) else path


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in raw]
    # the same lines as the CLI's: the body's paths without the leading "body", and the
    # sale's field rules that can be judged though its shape was refused (as the CLI does)
    shape = from_pydantic([{**e, "loc": _in_body(e["loc"])} for e in raw])
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("sale"), dict):
        inside = [Broken(p.field.removeprefix("sale."), p.value, p.rule) for p in shape]
        more = check_raw(body["sale"], inside)
        shape += [Broken(f"sale.{p.field}", p.value, p.rule, p.code) for p in more]
    found = lines(shape)
    return problem(422, "validation_error", header(len(found)), errors, found)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    reply = problem(exc.status_code, code, str(exc.detail))
    reply.headers.update(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not just the first route's
        reply.headers["Allow"] = ", ".join(_allowed(request))
    return reply


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _allowed(request: Request) -> list[str]:
    """The methods some route answers at this path (routes of included routers too)."""
    found = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.routes):
            found.append(method)
    return found


async def _crash(request: Request, exc: Exception) -> Response:
    # the type only: an exception's text may hold a customer's data
    log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
    return problem(500, "internal_error", "internal error")


async def _database_away(request: Request, exc: Exception) -> Response:
    """The database is unreachable or restarting (the pool dropped the connection): a
    clear 503 the client retries; nothing was committed."""
    log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
    answer = problem(503, "database_unavailable", "the ledger database is unavailable; retry")
    answer.headers["Retry-After"] = "1"
    return answer


def install(app: FastAPI) -> None:
    import sqlalchemy as sa

    app.add_exception_handler(sa.exc.OperationalError, _database_away)
    app.add_exception_handler(sa.exc.InterfaceError, _database_away)
    app.add_exception_handler(LoyaltyGstError, _domain)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _crash)
