"""Stored invoices and notes inside a ledger transaction (the Store streams them out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import schema as s


@dataclass(frozen=True)
class StoredInvoice:
    invoice: TaxedInvoice
    account_id: int | None


def add(conn: sa.Connection, inv: TaxedInvoice, account_id: int | None) -> None:
    from loyalty_gst.store import invoice_row

    conn.execute(s.invoices.insert().values(**invoice_row(inv, account_id)))


def get(conn: sa.Connection, number: str, seller_gstin: str) -> StoredInvoice | None:
    t = s.invoices
    row = conn.execute(
        sa.select(t.c.body, t.c.account_id).where(
            t.c.seller_gstin == seller_gstin, t.c.number == number
        )
    ).first()
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
