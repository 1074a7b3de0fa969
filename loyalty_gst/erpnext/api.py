"""Whitelisted methods for channels that talk to the ERPNext site:
`/api/method/loyalty_gst.api.<lookup|quote|commit|return_invoice|sync>` (the same
functions also answer at `loyalty_gst.erpnext.api.<name>`).

They call the same `service` as the standalone HTTP API (loyalty_gst/api/, FastAPI),
on the site's ledger (frappe's transaction: frappe commits at the end of the request).
Errors are translated once: InvalidInput and ledger refusals → `frappe.throw` (HTTP 417)
naming the field, value and rule. Permissions: reading needs Sales Invoice read;
posting needs Sales Invoice submit. Mobile numbers come back masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import frappe

from loyalty_gst import service
from loyalty_gst.erpnext.settings import program_book
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.models import ReturnLine
from loyalty_gst.validation import load_json, parse_sale


def _guard(ptype: str) -> None:
    frappe.has_permission("Sales Invoice", ptype, throw=True)


def _fail(exc: LoyaltyGstError) -> None:
    frappe.throw(str(exc), title=type(exc).__name__)


@frappe.whitelist()
def lookup(phone: str) -> dict[str, Any]:
    _guard("read")
    try:
        return service.lookup(site_store(), phone).model_dump(mode="json")
    except LoyaltyGstError as exc:
        _fail(exc)
        raise


@frappe.whitelist(methods=["POST"])
def quote(sale: str | dict[str, Any], points: int = 0) -> dict[str, Any]:
    _guard("create")
    try:
        result = service.quote(site_store(), parse_sale(sale), int(points), program=program_book())
    except LoyaltyGstError as exc:
        _fail(exc)
        raise
    return result.model_dump(mode="json")


@frappe.whitelist(methods=["POST"])
def commit(sale: str | dict[str, Any], key: str, points: int = 0) -> dict[str, Any]:
    """Post a channel's sale (redeem + earn) under the channel's idempotency key."""
    _guard("submit")
    try:
        parsed = parse_sale(sale)
        if points:
            q = service.quote(site_store(), parsed, int(points), program=program_book())
            done = service.commit(site_store(), q, key=key, program=program_book())
        else:
            done = service.commit(site_store(), parsed, key=key, program=program_book())
    except LoyaltyGstError as exc:
        _fail(exc)
        raise
    return done.model_dump(mode="json")


@frappe.whitelist(methods=["POST"])
def return_invoice(
    invoice_number: str,
    seller_gstin: str,
    number: str,
    key: str,
    date: str | None = None,
    returns: str | list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A credit note against a committed sale: points restored and reversed pro rata."""
    _guard("submit")
    rows = load_json(returns) if isinstance(returns, str) else returns
    try:
        done = service.return_(
            site_store(), invoice_number=invoice_number, seller_gstin=seller_gstin,
            number=number, key=key,
            date=dt.date.fromisoformat(date) if date else dt.date.today(),
            returns=[ReturnLine.model_validate(r) for r in rows] if rows else None,
            program=program_book(),
        )  # fmt: skip
    except LoyaltyGstError as exc:
        _fail(exc)
        raise
    return done.model_dump(mode="json")


@frappe.whitelist(methods=["POST"])
def sync(
    terminal: str, store: str, seller_gstin: str, events: str | list[dict[str, Any]]
) -> dict[str, Any]:
    """A POS terminal's outbox, applied once each in order (service.offline.apply_event):
    offline sales stand — points spent meanwhile become offline overdraft; a redemption
    carries the member's app code and stays within the till's offline allowance."""
    _guard("submit")
    from loyalty_gst.api.presence import offline_proof, signing_key
    from loyalty_gst.service.offline import Event, apply_event

    rows = load_json(events) if isinstance(events, str) else events
    # an offline redemption stands only with the app code the member showed (as /v1/sync)
    proof = offline_proof(signing_key(site_store()))
    results = []
    for raw in sorted(rows or [], key=lambda r: int(r.get("seq", 0))):
        ev = Event.model_validate(raw)
        if not ev.event_id.startswith(f"{terminal}:"):
            frappe.throw(f"event {ev.event_id} is not terminal {terminal}'s", title="Forbidden")
        r = apply_event(
            site_store(), ev, gstin=seller_gstin, store_code=store, terminal=terminal,
            program=program_book(), presence=proof,
        )  # fmt: skip
        results.append(r.model_dump(mode="json"))
    return {"results": results}
