"""Stored invoices and notes inside a ledger transaction (the Store streams them out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import schema as s
from loyalty_gst.store.batch import Executes


@dataclass(frozen=True)
class StoredInvoice:
    invoice: TaxedInvoice
    account_id: int | None


_t = s.invoices
_INSERT = _t.insert()  # built once: SQLAlchemy reuses its compiled form
_GET = sa.select(_t.c.body, _t.c.account_id).where(
    _t.c.seller_gstin == sa.bindparam("g"), _t.c.number == sa.bindparam("n")
)
_EXISTS = sa.select(_t.c.id).where(
    _t.c.seller_gstin == sa.bindparam("g"), _t.c.number == sa.bindparam("n")
)


def add(
    conn: Executes, inv: TaxedInvoice, account_id: int | None, *, body: str | None = None
) -> None:
    from loyalty_gst.store import invoice_row

    conn.execute(_INSERT, invoice_row(inv, account_id, body=body))


def exists(conn: sa.Connection, number: str, seller_gstin: str) -> bool:
    """Whether the seller already stored a document of that number (no body parsed)."""
    return conn.scalar(_EXISTS, {"g": seller_gstin, "n": number}) is not None


def get(conn: sa.Connection, number: str, seller_gstin: str) -> StoredInvoice | None:
    row = conn.execute(_GET, {"g": seller_gstin, "n": number}).first()
    if row is None:
        return None
    return StoredInvoice(TaxedInvoice.model_validate_json(row.body), row.account_id)


def notes_against(conn: sa.Connection, number: str, seller_gstin: str) -> list[TaxedInvoice]:
    """Credit notes already issued against the invoice, oldest first."""
    t = s.invoices
    rows = conn.scalars(
        sa.select(t.c.body)
        .where(
            t.c.seller_gstin == seller_gstin,
            t.c.against_number == number,
            t.c.kind == "credit_note",
        )
        .order_by(t.c.id)
    )
    return [TaxedInvoice.model_validate_json(b) for b in rows]


def is_cancelled(conn: sa.Connection, number: str, seller_gstin: str) -> bool:
    c = s.cancellations
    found = conn.scalar(
        sa.select(c.c.id).where(c.c.seller_gstin == seller_gstin, c.c.number == number)
    )
    return found is not None


def cancel(conn: sa.Connection, inv: TaxedInvoice, *, reason: str, at: str) -> None:
    conn.execute(
        s.cancellations.insert().values(
            seller_gstin=inv.seller.gstin,
            number=inv.number,
            date=inv.date,
            cancelled_at=at,
            reason=reason[:200],
        )
    )


def cancelled_numbers(
    conn: sa.Connection,
    seller_gstin: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> set[str]:
    """Numbers of the seller's cancelled invoices dated within [start, end]."""
    c = s.cancellations
    q = sa.select(c.c.number).where(c.c.seller_gstin == seller_gstin)
    if start is not None:
        q = q.where(c.c.date >= start)
    if end is not None:
        q = q.where(c.c.date <= end)
    return set(conn.scalars(q))


def by_number(conn: sa.Connection, number: str) -> list[StoredInvoice]:
    """Every stored document with this number (one per registration that issued it)."""
    t = s.invoices
    rows = conn.execute(
        sa.select(t.c.body, t.c.account_id).where(t.c.number == number).order_by(t.c.id)
    )
    return [StoredInvoice(TaxedInvoice.model_validate_json(r.body), r.account_id) for r in rows]


def balance_after(
    conn: sa.Connection, account_id: int, seller_gstin: str, number: str
) -> int | None:
    """The member's points balance right after the document's own ledger entries (redeem,
    earn, bonuses, overdraft recovery; restore / reverse for a note); None if it has none."""
    e = s.entries
    doc = f"{seller_gstin}:{number}"
    bonus = sa.or_(e.c.key.startswith("birthday:"), e.c.key.startswith("referral:"))
    last = conn.scalar(
        sa.select(sa.func.max(e.c.id)).where(
            e.c.account_id == account_id,
            sa.or_(
                e.c.key.endswith(f":{doc}", autoescape=True),
                sa.and_(bonus, e.c.body.contains(f'"{doc}"', autoescape=True)),
            ),
        )
    )
    if last is None:
        return None
    total = conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(e.c.points), 0)).where(
            e.c.account_id == account_id, e.c.id <= last
        )
    )
    return int(total or 0)
