"""The store's side of the reconciliation: what each stored document of the period says,
reduced to the figures the other sources carry (whole paise, exact), streamed.

Documents come in number order (the sorted merge's order), one at a time; the same
pass feeds GSTR-1's builder with each document's view, so the return the books imply
is built from exactly the documents compared everywhere else.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, NamedTuple

import sqlalchemy as sa

from loyalty_gst.gstr1 import Builder, Settings
from loyalty_gst.gstr1 import stored as gstr1_stored
from loyalty_gst.gstr1.amounts import paise_of
from loyalty_gst.gstr1.rules import EXPORTS, REGISTERED
from loyalty_gst.gstr1.view import of_json
from loyalty_gst.reports.period import Span
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s
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


def builder(store: Store, span: Span, conn: sa.Connection) -> Builder:
    """GSTR-1's builder for the span's GSTIN and month, with the store's cancellations;
    a note's original invoice is looked up on `conn` (the merge's own connection)."""
    gstin = span.gstin or ""
    cancelled = gstr1_stored.cancelled(store, gstin, span.start, span.end)
    t = s.invoices

    def original(number: str) -> tuple[int, str] | None:
        q = sa.select(t.c.grand_total, t.c.date).where(
            t.c.seller_gstin == gstin, t.c.number == number
        )
        row = conn.execute(q).first()
        return None if row is None else (paise_of(row[0]), row[1].isoformat())

    return Builder(gstin, span.fp or "", Settings(cancelled=cancelled, original_value=original))


def stored(conn: sa.Connection, gstin: str, number: str) -> bool:
    """Does the store hold this document (of any month)?"""
    t = s.invoices
    q = sa.select(t.c.id).where(t.c.seller_gstin == gstin, t.c.number == number)
    return conn.execute(q).first() is not None


def book_of(b: dict[str, Any], cancelled: bool) -> Book:
    p = paise_of
    intern = sys.intern  # kind, date and category repeat: one string object each
    t = b["totals"]
    against = b.get("against")
    return Book(
        intern(b["kind"]), intern(b["date"]), intern(b["category"]), cancelled,
        int((b.get("loyalty") or {}).get("points_redeemed", 0)),
        against["number"] if against else None,
        p(t["amount_payable"]), p(t["taxable_value"]), p(t["cgst"]), p(t["sgst"]),
        p(t["igst"]), p(t["cess"]), p(t["loyalty_discount"]),
    )  # fmt: skip


def stream(
    store: Store, span: Span, into: Builder, conn: sa.Connection
) -> Iterator[tuple[str, Book]]:
    """(number, Book) of every stored document of `span`, in number order; each
    document's view also goes to `into` (GSTR-1)."""
    add_view = into.add_view
    for d in iter_docs(store, span.where(), by_number=True, conn=conn):
        b = d.body
        add_view(of_json(b))
        yield b["number"], book_of(b, d.cancelled)
