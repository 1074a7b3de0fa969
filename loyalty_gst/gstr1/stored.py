"""Glue: GSTR-1's documents read from the store (the one gstr1 module that touches a DB).

- `iter_invoices`: the store's own interface, `Store.iter_invoices(seller_gstin, start,
  end, batch)`, yielding validated TaxedInvoices (pydantic on every row).
- `iter_views`: the fast path for a month of a million: the store's one document reader
  (`store.documents.iter_docs`, shared with the reports and reconciliation) read into
  views without pydantic (view.of_json) — same result, tested.
- `original_lookup`: (value, date) of an earlier invoice, for notes against B2CL ones.
- `cancelled`: numbers of the invoices the ledger cancelled in the period (doc_issue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from loyalty_gst.gstr1.amounts import paise_of
from loyalty_gst.gstr1.view import DocView, of_json
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import Store, documents
from loyalty_gst.store import schema as s


def _where(gstin: str, start: dt.date, end: dt.date) -> sa.ColumnElement[bool]:
    t = s.invoices
    return sa.and_(t.c.seller_gstin == gstin, t.c.date >= start, t.c.date <= end)


def count(store: Store, gstin: str, start: dt.date, end: dt.date) -> int:
    with store.engine.connect() as conn:
        n = conn.scalar(sa.select(sa.func.count()).where(_where(gstin, start, end)))
    return int(n or 0)


def iter_invoices(
    store: Store, gstin: str, start: dt.date, end: dt.date, batch: int = 1000
) -> Iterator[TaxedInvoice]:
    return store.iter_invoices(seller_gstin=gstin, start=start, end=end, batch=batch)


def iter_views(
    store: Store, gstin: str, start: dt.date, end: dt.date, batch: int = 5000
) -> Iterator[DocView]:
    where = documents.Where(gstin=gstin, start=start, end=end)
    for doc in documents.iter_docs(store, where, batch):
        yield of_json(doc.body)


def original_lookup(store: Store, gstin: str) -> Callable[[str], tuple[int, str] | None]:
    def lookup(number: str) -> tuple[int, str] | None:
        inv = store.get_invoice(number, gstin)
        if inv is None:
            return None
        return paise_of(inv.totals.grand_total), inv.date.isoformat()

    return lookup


def cancelled(store: Store, gstin: str, start: dt.date, end: dt.date) -> frozenset[str]:
    from loyalty_gst.store import invoices as docs

    with store.engine.connect() as conn:
        return frozenset(docs.cancelled_numbers(conn, gstin, start, end))
