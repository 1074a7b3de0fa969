"""The one reader of stored invoices and notes for returns, reports and reconciliation.

`iter_docs(store, where)` streams the `body` column (the TaxedInvoice JSON the store
wrote) in (date, number) order — `by_number=True`: in number order under a binary
collation, Python's string order, for reconciliation's sorted merge — read with
orjson (amounts are JSON strings there: exact) — no pydantic — with the document's
cancellation flag and account beside it.
One streamed SELECT (a server-side cursor on PostgreSQL and MariaDB; SQLite steps its
cursor lazily): memory stays flat however many documents the period holds.
`iter_invoices` validates each body into a TaxedInvoice (for small reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
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

    def clause(self, date: Any = None) -> sa.ColumnElement[bool]:
        """`date`: the expression the dates are compared on (default: the column)."""
        t = s.invoices
        on = t.c.date if date is None else date
        parts: list[sa.ColumnElement[bool]] = []
        if self.gstin:
            parts.append(t.c.seller_gstin == self.gstin)
        if self.store:
            parts.append(t.c.store == self.store)
        if self.start:
            parts.append(on >= self.start)
        if self.end:
            parts.append(on <= self.end)
        return sa.and_(sa.true(), *parts)


@dataclass(frozen=True, slots=True)
class StoredDoc:
    body: dict[str, Any]  # the TaxedInvoice as JSON: amounts, rates and quantities as text
    cancelled: bool
    account_id: int | None


def count(store: Store, where: Where) -> int:
    with store.engine.connect() as conn:
        n = conn.scalar(sa.select(sa.func.count()).select_from(s.invoices).where(where.clause()))
    return int(n or 0)


# orjson: twice json's speed. Exact: the body is TaxedInvoice.model_dump_json(), where
# every Decimal is a JSON string, so no JSON float (the one thing orjson would read as
# a float) ever appears; tests/reports/test_reader.py holds that.
_decode = orjson.loads
_COLLATION = {"postgresql": "C", "mysql": "utf8mb4_bin", "mariadb": "utf8mb4_bin"}


def binary(column: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[Any]:
    """`column` compared byte by byte (code point order, as Python compares str)."""
    name = _COLLATION.get(dialect)
    return column.collate(name) if name else column  # SQLite's default BINARY already is


def _query(where: Where, by_number: str | None = None) -> sa.Select[Any]:
    """by_number: the dialect's name, to order by number alone (binary), not by date."""
    t, c = s.invoices, s.cancellations
    joined = t.outerjoin(c, sa.and_(c.c.seller_gstin == t.c.seller_gstin, c.c.number == t.c.number))
    q = sa.select(t.c.body, c.c.id, t.c.account_id).select_from(joined)
    if by_number is None:
        return q.where(where.clause()).order_by(t.c.date, t.c.number, t.c.id)
    # SQLite: `+date` keeps the planner off the date index, so it walks (GSTIN, number)
    # in order instead of sorting every body of the month in a temporary B-tree
    date = sa.literal_column(f"+{t.name}.date", sa.Date) if by_number == "sqlite" else None
    return q.where(where.clause(date)).order_by(binary(t.c.number, by_number), t.c.id)


def iter_docs(
    store: Store,
    where: Where,
    batch: int = 5000,
    *,
    stream: bool = True,
    by_number: bool = False,
    conn: sa.Connection | None = None,
) -> Iterator[StoredDoc]:
    """Every stored document matching `where`, oldest first (`by_number`: in number
    order), one streamed query (`stream=False`: buffered — on a lent connection, e.g.
    frappe's, which must stay free for other queries while the rows are read). `conn`:
    read on that connection (SQLite: one that other reads share, since every
    transaction there takes the write lock)."""
    query = _query(where, store.engine.dialect.name if by_number else None)
    if conn is not None:
        yield from _docs(conn, query, batch, stream)
        return
    with store.engine.connect() as own:
        yield from _docs(own, query, batch, stream)


def _docs(
    conn: sa.Connection, query: sa.Select[Any], batch: int, stream: bool
) -> Iterator[StoredDoc]:
    loads = _decode
    opts = {"stream_results": True, "yield_per": batch} if stream else {}
    for body, cancel_id, account_id in conn.execution_options(**opts).execute(query):
        yield StoredDoc(loads(body), cancel_id is not None, account_id)


def iter_invoices(store: Store, where: Where, batch: int = 1000) -> Iterator[TaxedInvoice]:
    """The same documents validated into TaxedInvoices (pydantic on every row)."""
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(_query(where))
        for body, _cancel_id, _account_id in result:
            yield TaxedInvoice.model_validate_json(body)


__all__ = ["StoredDoc", "Where", "binary", "count", "iter_docs", "iter_invoices"]
