"""The store's side of the reconciliation: what each stored document of the period says,
reduced to the figures the other sources carry (whole paise, exact), in one pass.

The same pass feeds GSTR-1's builder with each document's view, so the return the
books imply is built from exactly the documents compared everywhere else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NamedTuple

from loyalty_gst.gstr1 import Builder, Settings
from loyalty_gst.gstr1 import stored as gstr1_stored
from loyalty_gst.gstr1.amounts import paise_of
from loyalty_gst.gstr1.rules import EXPORTS, REGISTERED
from loyalty_gst.gstr1.view import of_json
from loyalty_gst.reports.period import Span
from loyalty_gst.store import Store
from loyalty_gst.store.documents import iter_docs

NEEDS_IRN = REGISTERED | frozenset(EXPORTS)


class Book(NamedTuple):
    kind: str
    date: str  # ISO
    category: str
    cancelled: bool
    points: int  # loyalty.points_redeemed (a note: the points it gives back)
    against: str | None
    payable: int
    taxable: int
    cgst: int
    sgst: int
    igst: int
    cess: int
    loyalty_discount: int


class Books(NamedTuple):
    docs: dict[str, Book]
    builder: Builder


def read(store: Store, span: Span, tick: Callable[[int], None] | None = None) -> Books:
    """Every stored document of `span` (one GSTIN) and the GSTR-1 built from them."""
    gstin = span.gstin or ""
    fp = span.fp or ""
    cancelled = gstr1_stored.cancelled(store, gstin, span.start, span.end)
    settings = Settings(
        cancelled=cancelled, original_value=gstr1_stored.original_lookup(store, gstin)
    )
    builder = Builder(gstin, fp, settings)
    add_view = builder.add_view
    docs: dict[str, Book] = {}
    p = paise_of
    intern = sys.intern  # kind, date and category repeat: one string object each
    for n, d in enumerate(iter_docs(store, span.where()), start=1):
        b = d.body
        add_view(of_json(b))
        t = b["totals"]
        against = b.get("against")
        docs[b["number"]] = Book(
            intern(b["kind"]), intern(b["date"]), intern(b["category"]), d.cancelled,
            int((b.get("loyalty") or {}).get("points_redeemed", 0)),
            against["number"] if against else None,
            p(t["amount_payable"]), p(t["taxable_value"]), p(t["cgst"]), p(t["sgst"]),
            p(t["igst"]), p(t["cess"]), p(t["loyalty_discount"]),
        )  # fmt: skip
        if tick is not None and n % 1000 == 0:
            tick(1000)
    return Books(docs, builder)
