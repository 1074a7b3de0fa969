"""A customer's balance by mobile, and their ledger history (the numbers of documents of
another store or registration withheld)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from loyalty_gst import identity, service
from loyalty_gst.api import refs, tokens
from loyalty_gst.api.deps import Staff, Svc, account_of
from loyalty_gst.api.responses import as_json
from loyalty_gst.api.schemas import (
    HistoryEntry,
    HistoryRequest,
    HistoryResponse,
    LookupRequest,
    LookupResponse,
    LotOut,
)
from loyalty_gst.errors import InvalidInput, NotFound, UnknownCustomer
from loyalty_gst.service.common import IST
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s

router = APIRouter(prefix="/v1", tags=["customers"])

DOC_FIELDS = ("invoice", "note", "event", "terminal", "hold", "hold_key")


def own_docs(
    body: dict[str, Any], c: tokens.Caller, stores: dict[str, str | None]
) -> dict[str, Any]:
    """A customer's history is theirs across stores, but a document of another store (or
    another registration) is not this caller's to read: its numbers are withheld. `stores`
    maps a document's ledger reference (`GSTIN:number`) to the store that issued it.
    Admins see everything."""
    if c.kind == "admin":
        return body
    doc = str(body.get("invoice", ""))
    if not doc:
        return body
    gstin = doc.split(":", 1)[0]
    if gstin == c.gstin and stores.get(doc, c.store_code) == c.store_code:
        return body
    return {k: ("(another store)" if k in DOC_FIELDS else v) for k, v in body.items()}


def _stores_of(conn: sa.Connection, docs: set[str]) -> dict[str, str | None]:
    """Issuing store of each `GSTIN:number` reference (only those stored as invoices)."""
    pairs = [d.split(":", 1) for d in docs if ":" in d]
    if not pairs:
        return {}
    t = s.invoices
    rows = conn.execute(
        sa.select(t.c.seller_gstin, t.c.number, t.c.store).where(
            sa.tuple_(t.c.seller_gstin, t.c.number).in_([tuple(p) for p in pairs])
        )
    )
    return {f"{r.seller_gstin}:{r.number}": r.store for r in rows}


@router.post("/customers/lookup", response_model=LookupResponse)
def lookup(req: LookupRequest, c: Staff, svc: Svc) -> Response:
    today = dt.datetime.now(IST).date()
    try:
        b = service.lookup(svc.store, req.mobile, on=today)
    except InvalidInput as exc:  # a number that is no mobile has no member
        raise UnknownCustomer(f"no member: {exc}") from None
    lots = [LotOut(points=lt.points, expires_on=lt.expires_on) for lt in b.lots]
    soon = [lt for lt in lots if lt.points and lt.expires_on <= today + dt.timedelta(days=30)]
    return as_json(
        LookupResponse(
            account_id=b.account_id,
            account_ref=refs.ref_of(b.account_id),
            mobile=b.mobile,
            tier=b.tier,
            balance=b.balance,
            available=b.available,
            held=b.held,
            overdraft=b.overdraft,
            lots=lots,
            expiring_soon=soon,
        )
    )


@router.get("/accounts/{ref}/history", response_model=HistoryResponse)
def history(
    ref: Annotated[str, Path(pattern=refs.PATTERN, max_length=32)],
    c: Staff,
    svc: Svc,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> HistoryResponse:
    """By the account's reference from a lookup (never by counting ids)."""
    return _history(svc, c, refs.account_of_ref(ref), limit)


@router.post("/customers/history", response_model=HistoryResponse)
def history_by_mobile(req: HistoryRequest, c: Staff, svc: Svc) -> HistoryResponse:
    return _history(svc, c, account_of(svc.store, req.mobile).id, req.limit)


def _history(svc: Svc, c: tokens.Caller, account_id: int, limit: int) -> HistoryResponse:
    with svc.store.engine.connect() as conn:
        try:
            a = identity.resolve(conn, account_id=account_id)
        except UnknownCustomer as exc:
            raise NotFound(str(exc)) from None
        rows = ent.entries_of(conn, a.id)[-limit:]
        stores = (
            {}
            if c.kind == "admin"
            else _stores_of(
                conn, {str(e.body.get("invoice")) for e in rows if e.body.get("invoice")}
            )
        )
    return HistoryResponse(
        account_id=a.id,
        account_ref=refs.ref_of(a.id),
        entries=[
            HistoryEntry(
                seq=e.seq, kind=e.kind, points=e.points, at=e.at, body=own_docs(e.body, c, stores)
            )
            for e in rows
        ],
    )
