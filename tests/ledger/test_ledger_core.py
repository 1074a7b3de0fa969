"""The pure core: program rules, lots FIFO, postings and the hash chain (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_factories import DAY, NOW, book, line, sale

from loyalty_gst import program as pg
from loyalty_gst.demo import company as demo_company
from loyalty_gst.errors import ApprovalRequired, InsufficientPoints, InvalidInput, VelocityLimit
from loyalty_gst.ledger import GENESIS, AccountState, Lot, Take, postings, take_fifo, verify

PROG = book().versions[0]


def test_sample_program_loads_and_is_in_force() -> None:
    p = demo_company.load().book.active(DAY)
    assert (p.point_value, p.min_points, p.max_share_percent) == (
        Decimal("0.25"), 100, Decimal(50),
    )  # fmt: skip
    assert [t.name for t in p.tiers] == ["Silver", "Gold", "Platinum"]
    assert p.is_excluded("X", "71131900") and p.is_excluded("Y", "0401")
    assert not p.is_excluded("SHIRT", "6105")
    with pytest.raises(InvalidInput):
        demo_company.load().book.active(dt.date(2024, 1, 1))


def test_program_formats_and_errors() -> None:
    toml = 'version="t"\neffective=2025-01-01\npoint_value="1"\nearn_per_100="2"\n'
    toml += 'expiry_months=6\n[[tiers]]\nname="Base"\nmin_spend="0"\nmultiplier="1"\n'
    toml += "[velocity]\nmax_points_per_day=1\nmax_redemptions_per_hour=1\napproval_threshold=1\n"
    assert pg.parse(toml, "toml").versions[0].expiry_months == 6
    with pytest.raises(InvalidInput) as err:
        pg.parse('{"version": "x", "point_value": 0.25}')
    assert any(p.field == "versions.0.point_value" for p in err.value.problems)


def test_earn_rules_worked() -> None:
    gold = pg.tier_for(Decimal("25000.00"), PROG.tiers)
    assert gold.name == "Gold" and pg.tier_for(Decimal("24999.99"), PROG.tiers).name == "Silver"
    # Gold 1.25 × app 1.5 × Diwali 2 = 3.75; ⌊999.99 × 4/100 × 3.75⌋ = ⌊149.9985⌋ = 149
    m = pg.multiplier(PROG, gold, dt.date(2025, 10, 20), "app")
    assert m == Decimal("3.75")
    assert pg.earn_points(Decimal("999.99"), PROG, m) == 149
    assert pg.earn_points(Decimal("-5"), PROG, m) == 0


def test_caps_mark_excluded_lines_and_fill_loyalty() -> None:
    s = sale(lines=(line(), line("G", "7113", "1", "5000", "3")))
    capped = pg.apply_caps(s, PROG, 300)
    assert [ln.redeemable for ln in capped.lines] == [True, False]
    assert capped.loyalty is not None
    assert (capped.loyalty.min_points, capped.loyalty.max_share_percent) == (100, Decimal(50))
    assert pg.apply_caps(s, PROG, 0).loyalty is None


def test_dates() -> None:
    assert pg.add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)
    assert pg.add_months(dt.date(2025, 11, 21), 12) == dt.date(2026, 11, 21)
    assert pg.is_birthday(dt.date(2025, 2, 28), dt.date(2000, 2, 29))
    assert pg.is_birthday(dt.date(2028, 2, 29), dt.date(2000, 2, 29))
    assert not pg.is_birthday(dt.date(2028, 2, 28), dt.date(2000, 2, 29))


def test_velocity_decisions() -> None:
    kw = {"points_today": 0, "redemptions_last_hour": 0, "approver": None}
    pg.check_velocity(PROG, points=5000, **kw)  # type: ignore[arg-type]
    with pytest.raises(ApprovalRequired):
        pg.check_velocity(PROG, points=5001, **kw)  # type: ignore[arg-type]
    with pytest.raises(VelocityLimit):
        pg.check_velocity(PROG, points=1, points_today=20000, redemptions_last_hour=0, approver="a")
    with pytest.raises(VelocityLimit):
        pg.check_velocity(PROG, points=1, points_today=0, redemptions_last_hour=10, approver="a")


def test_fifo_spans_lots_earliest_first() -> None:
    lots = [
        Lot(1, 100, dt.date(2026, 5, 1), DAY),
        Lot(2, 50, dt.date(2026, 1, 1), DAY),
        Lot(3, 500, dt.date(2025, 11, 21), DAY),  # expires today: not usable
    ]
    assert take_fifo(lots, 120, DAY) == (Take(2, 50), Take(1, 70))
    with pytest.raises(InsufficientPoints) as err:
        take_fifo(lots, 151, DAY)
    assert (err.value.requested, err.value.available) == (151, 150)
    with pytest.raises(InsufficientPoints):
        take_fifo(lots, 100, DAY, held=60)


# --- property: any sequence of postings keeps balance = Σ lots ≥ 0 and a valid chain ---

steps = st.lists(
    st.tuples(st.sampled_from(("earn", "redeem", "expire", "adjust")), st.integers(1, 400),
              st.integers(0, 40)),
    max_size=30,
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(steps=steps, tamper=st.integers(0, 10**6))
def test_postings_keep_invariants_and_chain(steps: list[tuple[str, int, int]], tamper: int) -> None:
    state = AccountState(1, 0, 0, GENESIS)
    lots: dict[int, Lot] = {}
    entries = []
    for i, (kind, pts, days) in enumerate(steps):
        on = DAY + dt.timedelta(days=days)
        at = NOW + dt.timedelta(minutes=i)
        live = list(lots.values())
        try:
            if kind == "earn":
                plan = postings.earn(
                    state, key=f"k{i}", points=pts, on=on,
                    expires_on=on + dt.timedelta(days=pts % 60 + 1), at=at,
                )  # fmt: skip
            elif kind == "redeem":
                plan = postings.redeem(state, live, key=f"k{i}", points=pts, on=on, at=at)
                usable_before = sorted(
                    (lt for lt in live if lt.remaining and lt.expires_on > on),
                    key=lambda lt: (lt.expires_on, lt.id),
                )
                taken = [t.lot_id for t in plan.takes]
                assert taken == [lt.id for lt in usable_before[: len(taken)]]  # FIFO by expiry
            elif kind == "expire":
                maybe = postings.expire(state, live, key=f"k{i}", as_of=on, at=at)
                if maybe is None:
                    continue
                plan = maybe
            else:
                plan = postings.adjust(
                    state, live, key=f"k{i}", points=-pts, reason="r", actor="a", on=on,
                    expires_on=on, at=at,
                )  # fmt: skip
        except InsufficientPoints as exc:
            assert exc.available < pts
            continue
        for t in plan.takes:
            lots[t.lot_id] = dataclasses.replace(
                lots[t.lot_id], remaining=lots[t.lot_id].remaining - t.points
            )
        for n in plan.new_lots:
            lid = len(lots) + 1
            lots[lid] = Lot(lid, n.points, n.expires_on, n.earned_on)
        state = plan.after(state)
        entries.append(plan.entry)
        assert state.balance == sum(lt.remaining for lt in lots.values()) >= 0
        assert all(lt.remaining >= 0 for lt in lots.values())
    assert verify(entries, head_seq=state.seq, head_hash=state.head, balance=state.balance) == []
    if entries:
        k = tamper % len(entries)
        bad = list(entries)
        bad[k] = dataclasses.replace(bad[k], points=bad[k].points + 1)
        found = verify(bad, head_seq=state.seq, head_hash=state.head)
        assert [p.code for p in found] == ["altered"]
