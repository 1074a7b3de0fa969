"""The one reader of stored invoices and notes for returns, reports and reconciliation.

`iter_docs(store, where)` streams the `body` column (the TaxedInvoice JSON the store
wrote) in (date, number) order, read with `json.loads(parse_float=Decimal)` — no
pydantic, exact amounts — with the document's cancellation flag and account beside it.
One streamed SELECT (a server-side cursor on PostgreSQL and MariaDB; SQLite steps its
cursor lazily): memory stays flat however many documents the period holds.
`iter_invoices` validates each body into a TaxedInvoice (for small reads).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s


@dataclass(frozen=True)
class Where:
    """Which documents: seller GSTIN, store code, first and last date (each optional)."""

    gstin: str | None = None
    store: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def clause(self) -> sa.ColumnElement[bool]:
        t = s.invoices
        parts: list[sa.ColumnElement[bool]] = []
        if self.gstin:
            parts.append(t.c.seller_gstin == self.gstin)
        if self.store:
            parts.append(t.c.store == self.store)
        if self.start:
            parts.append(t.c.date >= self.start)
        if self.end:
            parts.append(t.c.date <= self.end)
        return sa.and_(sa.true(), *parts)


@dataclass(frozen=True, slots=True)
class StoredDoc:
    body: dict[str, Any]  # the TaxedInvoice as JSON, numbers as Decimal, amounts as text
    cancelled: bool
    account_id: int | None


def count(store: Store, where: Where) -> int:
    with store.engine.connect() as conn:
        n = conn.scalar(sa.select(sa.func.count()).select_from(s.invoices).where(where.clause()))
    return int(n or 0)


def _query(where: Where) -> sa.Select[Any]:
    t, c = s.invoices, s.cancellations
    joined = t.outerjoin(c, sa.and_(c.c.seller_gstin == t.c.seller_gstin, c.c.number == t.c.number))
    return (
        sa.select(t.c.body, c.c.id, t.c.account_id)
        .select_from(joined)
        .where(where.clause())
        .order_by(t.c.date, t.c.number, t.c.id)
    )


def iter_docs(
    store: Store, where: Where, batch: int = 5000, *, stream: bool = True
) -> Iterator[StoredDoc]:
    """Every stored document matching `where`, oldest first, one streamed query
    (`stream=False`: buffered — on a lent connection, e.g. frappe's, which must stay free
    for other queries while the rows are read)."""
    loads = json.loads
    with store.engine.connect() as conn:
        opts = {"stream_results": True, "yield_per": batch} if stream else {}
        result = conn.execution_options(**opts).execute(_query(where))
        for body, cancel_id, account_id in result:
            yield StoredDoc(loads(body, parse_float=Decimal), cancel_id is not None, account_id)


def iter_invoices(store: Store, where: Where, batch: int = 1000) -> Iterator[TaxedInvoice]:
    """The same documents validated into TaxedInvoices (pydantic on every row)."""
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(_query(where))
        for body, _cancel_id, _account_id in result:
            yield TaxedInvoice.model_validate_json(body)


__all__ = ["StoredDoc", "Where", "count", "iter_docs", "iter_invoices"]
