"""Cancelling an invoice (service.void) on each database: points back, tier back, the
invoice marked cancelled for GSTR-1's doc_issue, replay-safe, refused where it must be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from ledger_factories import DAY, NOW, PHONE, RELAXED, SELLER, book, line, sale

from loyalty_gst import service
from loyalty_gst.errors import DuplicateDocument, LedgerError, UnknownDocument
from loyalty_gst.gstr1 import stored
from loyalty_gst.models import ReturnLine
from loyalty_gst.store import Store

BOOK = book(velocity=RELAXED)
LOT_A = dt.date(2026, 1, 31)
LOT_B = dt.date(2026, 11, 30)


def opening(store: Store) -> None:
    service.migrate_opening(
        store, phone=PHONE, lots=[(300, LOT_A), (700, LOT_B)], key="opening",
        program=BOOK, now=NOW - dt.timedelta(days=1),
    )  # fmt: skip


def test_void_gives_back_redeemed_takes_back_earned_and_marks_cancelled(store: Store) -> None:
    opening(store)
    done = service.commit(store, sale(points=400), key="k1", program=BOOK, now=NOW)
    # as in the commit example: 1000 − 400 redeemed + 116 earned = 716
    assert (done.points_redeemed, done.points_earned, done.balance) == (400, 116, 716)
    later = NOW + dt.timedelta(hours=2)
    v = service.void(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, key="x1",
        reason="wrong customer", program=BOOK, now=later,
    )  # fmt: skip
    # all 400 restored (into lots A 300 and B 100, neither expired), all 116 reversed
    assert (v.points_restored, v.points_forfeited, v.points_reversed) == (400, 0, 116)
    assert v.balance == 716 + 400 - 116 == 1000
    lots = sorted((lt.points, lt.expires_on) for lt in service.lookup(store, PHONE, on=DAY).lots)
    assert lots == [(300, LOT_A), (700, LOT_B)]
    # the invoice stays stored; GSTR-1 reads it as cancelled; no credit note was made
    assert store.get_invoice("INV/0001", SELLER.gstin) is not None
    assert stored.cancelled(store, SELLER.gstin, DAY, DAY) == {"INV/0001"}
    assert [i.kind for i in store.iter_invoices()] == ["invoice"]
    # the same key replays; another key for the same invoice is a duplicate
    again = service.void(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, key="x1", program=BOOK
    )
    assert again.replayed and again.balance == 1000
    with pytest.raises(DuplicateDocument):
        service.void(store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, key="x2")
    assert service.verify(store) == []


def test_void_moves_the_tier_back(store: Store) -> None:
    big = (line("TV", "8528", "1", "20000", "5"), line("FAN", "8414", "1", "4000", "5"))
    done = service.commit(store, sale("T/1", lines=big), key="t1", program=BOOK, now=NOW)
    # spend 24000 + 5% = 25200 ≥ 25000 → Gold; cancelled → spend 0 → Silver, 960 − 960 = 0
    assert done.tier == "Gold" and done.points_earned == 960
    v = service.void(store, invoice_number="T/1", seller_gstin=SELLER.gstin, key="v", now=NOW)
    assert (v.tier, v.points_reversed, v.balance) == ("Silver", 960, 0)


def test_void_refused_with_notes_against_it_unknown_or_a_note(store: Store) -> None:
    opening(store)
    service.commit(store, sale(points=400), key="k1", program=BOOK, now=NOW)
    service.return_(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, number="CN/1", date=DAY,
        key="r1", returns=[ReturnLine(line_no=1, qty=Decimal(1))], program=BOOK, now=NOW,
    )  # fmt: skip
    with pytest.raises(LedgerError, match="credit notes against it"):
        service.void(store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, key="v1")
    with pytest.raises(LedgerError, match="not an invoice"):
        service.void(store, invoice_number="CN/1", seller_gstin=SELLER.gstin, key="v2")
    with pytest.raises(UnknownDocument):
        service.void(store, invoice_number="NOPE/1", seller_gstin=SELLER.gstin, key="v3")
    # nothing was half-done: still exactly the commit and the return
    assert stored.cancelled(store, SELLER.gstin, DAY, DAY) == frozenset()
    assert service.verify(store) == []
