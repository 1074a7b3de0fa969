"""Held redemptions: a redemption above the program's approval threshold waits for the
owner. The desk asks (the invoice number, the member, the points); the owner approves
or rejects on the dashboard; an approved ask names the approver on that invoice's quote
and on nothing else (same registration, number, member and points)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from loyalty_gst import identity
from loyalty_gst.api import tokens
from loyalty_gst.errors import Forbidden, InvalidInput, NotFound
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.models import Sale
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

t = s.approvals


def ask(
    store: Store, c: tokens.Caller, *, number: str, mobile: str, points: int, total: str
) -> int:
    assert c.gstin and c.store_code
    with store.begin() as conn:
        a = identity.resolve(conn, phone=mobile)
        row = conn.execute(
            sa.select(t.c.id, t.c.status).where(t.c.seller_gstin == c.gstin, t.c.number == number)
        ).first()
        if row is not None:
            return int(row.id)
        res = conn.execute(
            t.insert().values(
                seller_gstin=c.gstin, store_code=c.store_code, terminal=c.terminal, number=number,
                account_id=a.id, points=points, total=total[:20], status="pending",
                requested_at=stamp(dt.datetime.now(dt.UTC)),
            )
        )  # fmt: skip
        return int(res.inserted_primary_key[0])


def view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "store": row.store_code, "terminal": row.terminal,
        "invoice_number": row.number, "points": row.points, "total": row.total,
        "status": row.status, "approver": row.approver, "requested_at": row.requested_at,
        "decided_at": row.decided_at,
    }  # fmt: skip


def listing(store: Store, status: str | None) -> list[dict[str, Any]]:
    q = sa.select(t).order_by(t.c.id)
    if status:
        q = q.where(t.c.status == status)
    with store.engine.connect() as conn:
        return [view(r) for r in conn.execute(q)]


def get(store: Store, c: tokens.Caller, approval_id: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == approval_id)).first()
    if row is None or (c.kind != "admin" and row.store_code != c.store_code):
        raise NotFound("no such approval for this token")
    return view(row)


def decide(store: Store, approval_id: int, *, approve: bool, approver: str) -> dict[str, Any]:
    with store.begin() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == approval_id).with_for_update()).first()
        if row is None:
            raise NotFound("no such approval")
        if row.status != "pending":
            raise InvalidInput.one("status", row.status, "already decided")
        conn.execute(
            t.update()
            .where(t.c.id == approval_id)
            .values(
                status="approved" if approve else "rejected",
                approver=approver[:64],
                decided_at=stamp(dt.datetime.now(dt.UTC)),
            )
        )
        row = conn.execute(sa.select(t).where(t.c.id == approval_id)).one()
    return view(row)


def approver_for(store: Store, c: tokens.Caller, sale: Sale, points: int) -> str | None:
    """The owner who approved this very redemption, if one did."""
    if not points or not sale.customer or c.gstin is None:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(t).where(t.c.seller_gstin == c.gstin, t.c.number == sale.number)
        ).first()
        if row is None or row.status != "approved" or row.points < points:
            return None
        try:
            a = identity.resolve(conn, phone=sale.customer)
        except Exception:
            return None
    if a.id != row.account_id or row.store_code != c.store_code:
        raise Forbidden("the approval is for another member or store")
    return str(row.approver)
