"""Use cases on each database: commit, quote/hold, returns, tiers, expiry, merge, caps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from ledger_factories import DAY, NOW, PHONE, PHONE2, RELAXED, SELLER, book, line, sale

from loyalty_gst import service
from loyalty_gst.errors import (
    ApprovalRequired,
    DuplicateDocument,
    HoldExpired,
    InsufficientPoints,
    InvalidInput,
    UnknownCustomer,
    VelocityLimit,
)
from loyalty_gst.models import ReturnLine
from loyalty_gst.store import Store

BOOK = book(velocity=RELAXED)
LOT_A = dt.date(2026, 1, 31)
LOT_B = dt.date(2026, 11, 30)


def opening(store: Store, phone: str = PHONE, lots: tuple[tuple[int, dt.date], ...] = ()) -> None:
    service.migrate_opening(
        store, phone=phone, lots=list(lots or ((300, LOT_A), (700, LOT_B))),
        key=f"opening:{phone}", program=BOOK, now=NOW - dt.timedelta(days=1),
    )  # fmt: skip


def lots(store: Store, phone: str = PHONE) -> list[tuple[int, dt.date]]:
    return [(lt.points, lt.expires_on) for lt in service.lookup(store, phone, on=DAY).lots]


def test_commit_redeems_fifo_and_earns_on_net_taxable(store: Store) -> None:
    opening(store)
    done = service.commit(store, sale(points=400), key="k1", program=BOOK, now=NOW)
    # 400 points × ₹0.25 = ₹100 pre-tax, split 2000:1000 → 66.67 + 33.33; taxable 2900.00
    assert done.invoice.totals.loyalty_discount == Decimal("100.00")
    assert done.invoice.totals.taxable_value == Decimal("2900.00")
    # shirts 1933.33 + 2 × 48.33 (1933.33 × 5/200 = 48.33325); belt 966.67 + 2 × 87.00
    assert done.invoice.totals.grand_total == Decimal("3170.66")
    assert done.points_redeemed == 400
    # earn ⌊2900.00 × 4/100 × 1 (Silver, store, no campaign)⌋ = 116
    assert done.points_earned == 116
    # 1000 − 400 + 116 = 716; FIFO: lot A (Jan) 300 → 0, lot B 700 → 600, new lot 116
    assert done.balance == 716
    assert lots(store) == [(116, dt.date(2026, 11, 21)), (600, LOT_B)]
    again = service.commit(store, sale(points=400), key="k1", program=BOOK, now=NOW)
    assert again.replayed and again.balance == 716 and service.lookup(store, PHONE).balance == 716
    with pytest.raises(DuplicateDocument):
        service.commit(store, sale(points=400), key="other-key", program=BOOK, now=NOW)
    assert service.verify(store) == []


def test_quote_caps_excluded_items_and_holds(store: Store) -> None:
    opening(store, lots=((5000, LOT_B),))
    gold = line("7113-0056", "7113", "1", "5000", "3")
    q = service.quote(store, sale(lines=(line(qty="1"), gold)), 6000, program=BOOK, now=NOW)
    # gold (HSN 7113) is excluded: only the ₹1000 shirt is eligible. 50% of the ₹6000 bill
    # is ₹3000, the eligible line ₹1000 → ⌊1000 / 0.25⌋ = 4000 of the 6000 points
    assert q.invoice.lines[1].redeemable is False
    assert q.invoice.lines[1].loyalty_discount == Decimal("0.00")
    assert q.invoice.lines[0].loyalty_discount == Decimal("1000.00")
    assert q.invoice.loyalty.points_redeemed == 4000
    b = service.lookup(store, PHONE, on=DAY, now=NOW)
    assert (b.balance, b.held, b.available) == (5000, 4000, 1000)
    with pytest.raises(InvalidInput):  # below the program's minimum of 100 points
        service.quote(store, sale("Q/2"), 99, program=BOOK, now=NOW)
    requote = service.quote(store, sale(lines=(line(qty="1"), gold)), 200, program=BOOK, now=NOW)
    assert requote.hold_key != q.hold_key  # the earlier hold was released
    assert service.lookup(store, PHONE, on=DAY, now=NOW).held == 200


def test_hold_blocks_other_channel_and_commit_uses_it(store: Store) -> None:
    opening(store)
    q = service.quote(store, sale("WEB/1", points=800), 800, program=BOOK, now=NOW)
    assert q.invoice.loyalty.points_redeemed == 800
    with pytest.raises(InsufficientPoints) as err:  # the till sees only 1000 − 800 held
        service.commit(store, sale("TILL/1", points=300), key="till", program=BOOK, now=NOW)
    assert err.value.code == "insufficient_points" and err.value.available == 200
    done = service.commit(store, q, key="web", program=BOOK, now=NOW + dt.timedelta(minutes=5))
    assert done.points_redeemed == 800
    late = service.quote(store, sale("WEB/2", points=100), 100, program=BOOK, now=NOW)
    with pytest.raises(HoldExpired):
        service.commit(store, late, key="late", program=BOOK, now=NOW + dt.timedelta(minutes=11))
    service.release(store, late.hold_key or "", now=NOW)
    assert service.lookup(store, PHONE, on=DAY, now=NOW).held == 0


def test_velocity_and_approval(store: Store) -> None:
    opening(store, lots=((20000, LOT_B),))
    strict = book(velocity={"max_points_per_day": 1000, "approval_threshold": 500})
    big = sale("V/1", points=600, lines=(line(qty="10"),))
    with pytest.raises(ApprovalRequired) as err:
        service.commit(store, big, key="v1", program=strict, now=NOW)
    assert err.value.code == "approval_required"
    service.commit(store, big, key="v1", program=strict, approver="mgr-7", now=NOW)
    with pytest.raises(VelocityLimit):  # 600 + 500 > 1000 today
        service.commit(store, sale("V/2", points=500), key="v2", program=strict, now=NOW)
    assert VelocityLimit.code == "velocity_limit"


def test_unknown_customer_cannot_redeem_but_enrols_on_purchase(store: Store) -> None:
    with pytest.raises(UnknownCustomer):
        service.commit(store, sale(points=100, phone=PHONE2), key="u1", program=BOOK, now=NOW)
    done = service.commit(store, sale(phone=PHONE2), key="u2", program=BOOK, now=NOW)
    # no points: ⌊3000 × 4/100⌋ = 120 earned by the new member
    assert done.points_earned == 120 and service.lookup(store, PHONE2).balance == 120


def test_return_restores_and_reverses_pro_rata(store: Store) -> None:
    opening(store)
    service.commit(store, sale(points=400), key="k1", program=BOOK, now=NOW)
    ret = service.return_(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, number="CN/0001",
        date=dt.date(2025, 12, 1), key="r1", returns=[ReturnLine(line_no=1, qty=Decimal(1))],
        program=BOOK, now=NOW + dt.timedelta(days=10),
    )  # fmt: skip
    # loyalty value back: 66.67 × 1/2 = 33.335 → 33.34; points whole(400 × 33.34/100) = 133
    assert ret.points_restored == 133 and ret.points_forfeited == 0
    # base back: 1933.33 × 1/2 → 966.67; reversed whole(116 × 966.67 / 2900.00) = 39
    assert ret.points_reversed == 39
    assert ret.balance == 716 + 133 - 39  # = 810
    # restored latest-expiring first: lot B gets its 100 back, lot A (Jan) 33
    assert sorted(lots(store)) == sorted(
        [(33, LOT_A), (700, LOT_B), (116 - 39, dt.date(2026, 11, 21))]
    )
    rest = service.return_(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, number="CN/0002",
        date=dt.date(2026, 2, 15), key="r2", program=BOOK, now=NOW + dt.timedelta(days=90),
    )  # fmt: skip
    # the rest: points 400 − 133 = 267 (cumulative); lot A expired on 31 Jan: its 267 stay
    # expired (forfeited); earn reversed 116 − 39 = 77
    assert (rest.points_restored, rest.points_forfeited, rest.points_reversed) == (0, 267, 77)
    assert service.return_(
        store, invoice_number="INV/0001", seller_gstin=SELLER.gstin, number="CN/0002",
        date=dt.date(2026, 2, 15), key="r2", program=BOOK, now=NOW,
    ).replayed  # fmt: skip
    assert service.verify(store) == []


def test_partial_return_moves_tier_back_down(store: Store) -> None:
    big = (line("TV", "8528", "1", "20000", "5"), line("FAN", "8414", "1", "4000", "5"))
    done = service.commit(store, sale("T/1", lines=big), key="t1", program=BOOK, now=NOW)
    # spend 24000 + 5% = 25200 ≥ 25000 → Gold
    assert done.tier == "Gold"
    ret = service.return_(
        store, invoice_number="T/1", seller_gstin=SELLER.gstin, number="CN/T1", date=DAY,
        key="rt", returns=[ReturnLine(line_no=2, qty=Decimal(1))], program=BOOK, now=NOW,
    )  # fmt: skip
    # 25200 − 4200 = 21000 < 25000 → Silver; earned ⌊24000 × 0.04⌋ = 960, back 960×4/24 = 160
    assert ret.tier == "Silver" and ret.points_reversed == 160
    assert service.lookup(store, PHONE).tier == "Silver"
    # Gold earns ×1.25 on the next purchase: buy again to Gold, then ⌊3000 × 0.04 × 1.25⌋
    service.commit(store, sale("T/2", lines=big), key="t2", program=BOOK, now=NOW)
    third = service.commit(store, sale("T/3"), key="t3", program=BOOK, now=NOW)
    assert third.points_earned == 150


def test_expiry_on_the_right_day(store: Store) -> None:
    opening(store)
    assert service.expire(store, as_of=LOT_A - dt.timedelta(days=1), now=NOW).points == 0
    done = service.expire(store, as_of=LOT_A, now=NOW)
    assert (done.accounts, done.points) == (1, 300)
    assert service.expire(store, as_of=LOT_A, now=NOW).points == 0
    assert lots(store) == [(700, LOT_B)]
    # a redemption on the expiry day cannot use that lot
    opening(store, PHONE2, ((300, LOT_A), (50, LOT_B)))
    with pytest.raises(InsufficientPoints):
        service.commit(
            store, sale("E/1", points=200, phone=PHONE2, day=LOT_A), key="e1", program=BOOK,
            now=NOW,
        )  # fmt: skip


def test_merge_carries_lots_and_history(store: Store) -> None:
    opening(store)
    opening(store, PHONE2, ((50, LOT_A),))
    merged = service.merge(store, phone=PHONE2, into_phone=PHONE, actor="support-3", now=NOW)
    assert merged.balance == 1050
    assert service.lookup(store, PHONE2).account_id == merged.account_id
    assert sorted(lots(store)) == [(50, LOT_A), (300, LOT_A), (700, LOT_B)]
    kinds = [e.kind for e in service.history(store, PHONE)]
    assert kinds == ["migrate", "merge"]
    done = service.commit(store, sale(points=350, phone=PHONE2), key="m", program=BOOK, now=NOW)
    assert done.account_id == merged.account_id
    assert service.verify(store) == []


def test_birthday_and_referral_bonus(store: Store) -> None:
    from loyalty_gst import identity

    with store.begin() as conn:
        identity.enrol(conn, phone=PHONE, tier="Silver", at="x", birthday=dt.date(1990, 11, 21))
        identity.enrol(conn, phone=PHONE2, tier="Silver", at="x", referred_by=PHONE)
    b = service.commit(store, sale("B/1"), key="b1", program=BOOK, now=NOW)
    assert b.bonus_points == 200 and b.points_earned == 120
    r = service.commit(store, sale("B/2", phone=PHONE2), key="b2", program=BOOK, now=NOW)
    assert r.bonus_points == 250
    # referrer: 120 + 200 birthday + 250 referral
    assert service.lookup(store, PHONE).balance == 570
    r2 = service.commit(store, sale("B/3", phone=PHONE2), key="b3", program=BOOK, now=NOW)
    assert r2.bonus_points == 0


def test_app_channel_bonus_and_campaign(store: Store) -> None:
    app = service.commit(store, sale("A/1", channel="app"), key="a1", program=BOOK, now=NOW)
    assert app.points_earned == 180  # ⌊3000 × 0.04 × 1.5⌋
    diwali = sale("A/2", day=dt.date(2025, 10, 20))
    assert service.commit(store, diwali, key="a2", program=BOOK, now=NOW).points_earned == 240


def test_stored_invoices_stream_in_order(store: Store) -> None:
    from loyalty_gst import gst

    invs = [
        gst.compute(sale(f"S/{i:03d}", day=DAY - dt.timedelta(days=i % 4), phone=None))
        for i in range(11)
    ]
    assert store.add_invoices(invs, batch=3) == 11
    got = list(store.iter_invoices(batch=2))
    assert [(i.date, i.number) for i in got] == sorted((i.date, i.number) for i in invs)
    window = list(store.iter_invoices(seller_gstin=SELLER.gstin, start=DAY, end=DAY, batch=2))
    assert {i.number for i in window} == {f"S/{i:03d}" for i in range(0, 11, 4)}
    assert list(store.iter_invoices(seller_gstin="29AABCL4321K1ZJ")) == []
    assert store.migrate() == []  # applying the migrations twice is a no-op
    from loyalty_gst.store import migrations

    versions = [v for v, _, _ in migrations.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))  # appended in order, none skipped
    assert migrations.current(store.engine) == versions[-1]
