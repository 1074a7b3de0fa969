"""Offline terminal events on each database: overdraft when points were spent elsewhere,
recovery from later earnings, forgiveness on return, replay, rejection, abandonment."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_factories import DAY, NOW, PHONE, RELAXED, SELLER, book, sale

from loyalty_gst import gst, identity, service
from loyalty_gst import program as pg
from loyalty_gst.errors import KeyConflict, LoyaltyGstError
from loyalty_gst.models import ReturnLine
from loyalty_gst.service import allowance
from loyalty_gst.service.offline import Event, apply_event, overdrafts
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

BOOK = book(velocity=RELAXED)
FAR = dt.date(2026, 11, 30)


def opening(store: Store, points: int = 1000) -> None:
    """The member's opening lot, and till T1's part of their offline budget for DAY
    (granted while it was online: min(the cap of 500, the usable points))."""
    service.migrate_opening(
        store, phone=PHONE, lots=[(points, FAR)], key="opening", program=BOOK,
        now=NOW - dt.timedelta(days=1),
    )  # fmt: skip
    with store.begin() as conn:
        a = identity.resolve(conn, phone=PHONE)
        allowance.grant(
            conn, BOOK.active(DAY), account_id=a.id, store_code="MUM-BAN", terminal="T1",
            day=DAY, at=NOW,
        )  # fmt: skip


def event(seq: int, number: str, points: int, **over: object) -> Event:
    s = sale(number, points=points)
    inv = gst.compute(pg.apply_caps(s, BOOK.active(DAY), points))
    fields: dict[str, object] = {
        "event_id": f"T1:{seq}", "seq": seq, "kind": "sale", "created_at": NOW,
        "sale": s.model_dump(exclude={"loyalty"}),
        "points": points, "grand_total": inv.totals.grand_total, **over,
    }  # fmt: skip
    return Event.model_validate(fields)


def apply(store: Store, ev: Event):
    return apply_event(
        store, ev, gstin=SELLER.gstin, store_code="MUM-BAN", terminal="T1", program=BOOK, now=NOW
    )


def test_offline_redemption_of_points_spent_meanwhile_overdraws(store: Store) -> None:
    opening(store, 1000)
    # online, another channel spends 800 of the 1000 (earning ⌊(3000 − 200) × 4%⌋ = 112)
    web = service.commit(store, sale("WEB/1", points=800), key="w1", program=BOOK, now=NOW)
    assert web.balance == 1000 - 800 + 112 == 312
    # offline, the till (cache said 1000) redeemed 500 — capped by the program's
    # offline cap of 500 — and printed the receipt: 312 covered by lots, 188 overdraft
    r = apply(store, event(1, "T1/1", 500))
    assert r.status == "applied" and "overdraft" in r.flags
    assert r.points_redeemed == 500
    # earn on it: 500 × ₹0.25 = ₹125 off 3000 → ⌊2875 × 4%⌋ = 115, which pays back 115
    assert r.points_earned == 115
    # balance = 312 − 500 + 115 = −73; owed 188 − 115 = 73
    assert (r.balance, r.overdraft) == (-73, 73)
    b = service.lookup(store, PHONE, on=DAY)
    assert (b.balance, b.overdraft, b.available) == (-73, 73, 0)
    assert service.verify(store) == []
    # a later online sale's earn recovers the rest: ⌊3000 × 4%⌋ = 120 → owed 0, balance 47
    later = service.commit(store, sale("T1/2"), key="k2", program=BOOK, now=NOW)
    assert later.balance == -73 + 120 == 47
    assert service.lookup(store, PHONE, on=DAY).overdraft == 0
    (line,) = overdrafts(store)
    assert (line.overdrawn, line.recovered, line.overdraft) == (188, 188, 0)
    assert [(e.points, e.overdraft, e.terminal) for e in line.events] == [(500, 188, "T1")]
    assert service.verify(store) == []


def test_replay_reject_and_mismatch(store: Store) -> None:
    opening(store, 1000)
    first = apply(store, event(1, "T1/1", 200))
    assert first.status == "applied" and first.overdraft == 0 and first.flags == ()
    again = apply(store, event(1, "T1/1", 200))
    assert again.status == "replayed" and again.balance == first.balance
    # a receipt whose total the server does not get is rejected, and stays rejected
    bad = event(2, "T1/2", 200, grand_total=Decimal("1.00"))
    assert apply(store, bad).status == "rejected" and apply(store, bad).code == "invoice_mismatch"
    # another store's sale from this terminal is refused
    other = event(3, "T1/3", 0)
    other = other.model_copy(update={"sale": other.sale.model_copy(update={"store": "BLR-IND"})})
    assert apply(store, other).code == "forbidden"
    assert service.verify(store) == []


def test_past_the_tills_part_is_refused(store: Store) -> None:
    opening(store, 5000)
    assert apply(store, event(1, "T1/1", 400)).flags == ()
    # 400 + 400 > T1's part of 500 (the whole day's cap): refused, not flagged
    r = apply(store, event(2, "T1/2", 400))
    assert (r.status, r.code) == ("rejected", "offline_allowance")
    assert "100 left" in (r.detail or "")


def test_return_of_an_overdrawn_sale_forgives_the_uncovered_part(store: Store) -> None:
    opening(store, 300)  # T1's part: the 300 usable
    service.commit(store, sale("WEB/1", points=300), key="w1", program=BOOK, now=NOW)
    # lots now: the web sale's earn ⌊(3000 − 75) × 4%⌋ = 117; offline 300 → 117 covered
    r = apply(store, event(1, "T1/1", 300))
    # earn ⌊2925 × 4%⌋ = 117 repays 117 of the 183 owed → 66 owed; 117 − 300 + 117 = −66
    assert (r.balance, r.overdraft) == (-66, 66)
    back = apply_event(
        store,
        Event(event_id="T1:2", seq=2, kind="return", created_at=NOW, invoice_number="T1/1",
              number="T1/CN1", date=DAY),
        gstin=SELLER.gstin, store_code="MUM-BAN", terminal="T1", program=BOOK, now=NOW,
    )  # fmt: skip
    # everything back: the 117 earned is reversed; the 117 covered points go back into
    # their lot and repay the debt; the 183 never covered are forgiven → owed 0
    assert back.status == "applied" and back.overdraft == 0
    assert service.lookup(store, PHONE, on=DAY).balance == 117
    assert service.verify(store) == []


def test_abandoned_sale_is_voided_if_it_arrived(store: Store) -> None:
    opening(store, 1000)
    ev = event(1, "T1/1", 200)
    service.commit(store, ev.sale, key=ev.event_id, program=BOOK, now=NOW)  # reached us
    gone = ev.model_copy(update={"kind": "abandon"})
    r = apply(store, gone)
    assert r.status == "voided" and service.lookup(store, PHONE, on=DAY).balance == 1000
    never = event(2, "T1/2", 200).model_copy(update={"kind": "abandon"})
    assert apply(store, never).status == "abandoned"
    # the sale itself arriving later is not posted: the key answers its first outcome
    assert apply(store, event(2, "T1/2", 200)).status == "abandoned"
    with pytest.raises(KeyConflict):
        service.commit(store, event(2, "T1/2", 200).sale, key="T1:2", program=BOOK, now=NOW)
    assert store.get_invoice("T1/2", SELLER.gstin) is None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["web", "offline", "return"]), st.integers(0, 900)),
        min_size=1, max_size=8,
    )
)  # fmt: skip
def test_balance_is_entries_and_lots_less_overdraft(store: Store, steps) -> None:
    with store.begin() as conn:  # a fresh ledger for every example
        for table in reversed(s.metadata.sorted_tables):
            if table is not s.schema_version:
                conn.execute(sa.delete(table))
    opening(store, 1000)
    sold: list[str] = []
    left = 500  # T1's part of the day's offline budget
    for i, (what, pts) in enumerate(steps, start=1):
        if what == "web":
            # refused online (insufficient, below the minimum): nothing is posted
            with contextlib.suppress(LoyaltyGstError):
                service.commit(store, sale(f"W/{i}", points=pts), key=f"w{i}", program=BOOK,
                               now=NOW)  # fmt: skip
        elif what == "offline":
            cap = min(pts, 500)
            r = apply(store, event(i, f"T1/{i}", cap if cap >= 100 else 0))
            if r.status == "rejected":  # past T1's part: refused, nothing posted
                assert r.code == "offline_allowance" and r.points_redeemed == 0
                continue
            assert r.status == "applied" and r.overdraft >= 0
            assert r.points_redeemed <= left  # never beyond the till's part
            left -= r.points_redeemed
            sold.append(f"T1/{i}")
        elif sold:
            service.return_(
                store, invoice_number=sold.pop(0), seller_gstin=SELLER.gstin, number=f"CN/{i}",
                date=DAY, key=f"r{i}", returns=[ReturnLine(line_no=1, qty=Decimal(1))],
                program=BOOK, now=NOW,
            )  # fmt: skip
        assert service.verify(store) == []
        b = service.lookup(store, PHONE, on=DAY)
        assert b.balance == sum(lt.points for lt in b.lots) - b.overdraft
