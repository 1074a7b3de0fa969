"""Entry bodies read back as typed values (`Entry.details`), for each kind that carries
lots, overdraft, recovery, forfeits, shortfalls or an earn base — and the body's bytes
(what the hash covers) are what the postings wrote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loyalty_gst.ledger import GENESIS, AccountState, Lot, Take, canonical, postings
from loyalty_gst.ledger.bodies import Body

AT = dt.datetime(2025, 11, 21, 6, 0, tzinfo=dt.UTC)
ON = dt.date(2025, 11, 21)
S = AccountState(7, 500, 3, GENESIS)
LOTS = [Lot(1, 300, dt.date(2026, 1, 31), ON), Lot(2, 200, dt.date(2026, 6, 30), ON)]


def test_a_redemption_names_its_lots_and_document() -> None:
    plan = postings.redeem(S, LOTS, key="redeem:G:1", points=350, on=ON, at=AT,
                           body={"invoice": "G:1"})  # fmt: skip
    d = plan.entry.details
    assert d.lots == (Take(1, 300), Take(2, 50))  # FIFO: the lot expiring first
    assert d.invoice == "G:1" and d.overdraft == 0 and not d.offline
    assert canonical(plan.entry.body) == '{"invoice":"G:1","lots":[[1,300],[2,50]]}'


def test_an_offline_redemption_past_the_lots_is_overdraft() -> None:
    body = {"invoice": "G:2", "terminal": "T1", "event": "e9"}
    plan = postings.redeem_offline(S, LOTS, key="redeem:G:2", points=650, on=ON, at=AT, body=body)
    d = plan.entry.details
    assert (d.offline, d.overdraft, d.terminal, d.event) == (True, 650 - 500, "T1", "e9")
    assert sum(t.points for t in d.lots) == 500


def test_restore_reverse_and_recover_read_their_figures() -> None:
    expired = [Lot(1, 0, dt.date(2025, 11, 1), ON), Lot(2, 0, dt.date(2026, 6, 30), ON)]
    plan = postings.restore_redeem(S, expired, key="restore:G:N1", points=250, on=ON, at=AT,
                                   consumed=[Take(1, 100), Take(2, 150)])  # fmt: skip
    d = plan.entry.details
    assert d.lots == (Take(2, 150),) and d.forfeited == 100 and d.forfeited_lots == (Take(1, 100),)
    rev = postings.reverse_earn(S, LOTS[:1], key="reverse:G:N1", points=400, origin_lot=1,
                                on=ON, at=AT, body={"base": "1234.50"})  # fmt: skip
    assert rev.entry.details.shortfall == 400 - 300
    assert rev.entry.details.base == Decimal("1234.50")
    rec = postings.recover(S, LOTS, key="recover:G:3", points=120, on=ON, at=AT)
    assert rec.entry.details.recovered == 120 and rec.entry.details.lots == (Take(1, 120),)


def test_bodies_of_other_shapes_carry_no_takes() -> None:
    mig = postings.migrate(S, key="m", lots=[(100, dt.date(2026, 1, 1))], on=ON, at=AT)
    assert mig.entry.details.lots == ()  # (points, expiry) pairs, not lots taken
    assert Body.of("earn", {"invoice": "G:1", "base": "10"}).base == Decimal("10")
    assert Body.of("merge", {"from": 3, "lots": [[1, 5, "2026-01-01"]]}).lots == ()
    assert Body.of("merge", {"into": 3, "lots": [[1, 5]]}).lots == (Take(1, 5),)
