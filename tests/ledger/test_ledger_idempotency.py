"""Replays change nothing: every posting of a generated day, replayed twice in shuffled
order, leaves identical balances and entries (and returns the first results)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from conftest import wipe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_factories import DAY, NOW, RELAXED, SELLER, book, line, sale

from loyalty_gst import service
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.identity import phone_ref
from loyalty_gst.models import ReturnLine
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

BOOK = book(velocity=RELAXED)
PHONES = ("+919876543210", "+919812345678", "+918208364961")
Op = Callable[[], Any]


def snapshot(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        a, e, lt = s.accounts, s.entries, s.lots
        return {
            "accounts": conn.execute(
                sa.select(a.c.id, a.c.balance, a.c.tier, a.c.seq, a.c.head, a.c.purchases)
                .order_by(a.c.id)
            ).all(),
            "entries": conn.execute(
                sa.select(e.c.account_id, e.c.seq, e.c.key, e.c.points, e.c.body, e.c.hash)
                .order_by(e.c.account_id, e.c.seq)
            ).all(),
            "lots": conn.execute(sa.select(lt.c.id, lt.c.remaining).order_by(lt.c.id)).all(),
            "invoices": conn.scalar(sa.select(sa.func.count()).select_from(s.invoices)),
        }  # fmt: skip


def strip(result: Any) -> Any:
    if hasattr(result, "model_copy") and hasattr(result, "replayed"):
        return result.model_copy(update={"replayed": False})
    return result


def replay_twice(store: Store, done: list[tuple[Op, Any]], seed: int) -> None:
    before = snapshot(store)
    rnd = random.Random(seed)
    for _ in range(2):
        order = done[:]
        rnd.shuffle(order)
        for op, first in order:
            assert strip(op()) == strip(first)
    assert snapshot(store) == before


def test_replaying_a_whole_day_twice_shuffled_changes_nothing(store: Store) -> None:
    cat = demo_company.load()
    sales = list(sales_of_day(cat, DAY, count=60, seed=11))
    done: list[tuple[Op, Any]] = []
    members = sorted({x.customer for x in sales if x.customer})
    for phone in members:

        def opening(phone: str = phone) -> Any:
            return service.migrate_opening(
                store, phone=phone, lots=[(3000, dt.date(2026, 6, 30))],
                key=f"open:{phone_ref(phone)}", program=BOOK, now=NOW,
            )  # fmt: skip

        done.append((opening, opening()))
    for i, x in enumerate(sales):

        def commit(x: Any = x, i: int = i) -> Any:
            return service.commit(
                store, x, key=f"day:{x.number}", program=BOOK, now=NOW + dt.timedelta(minutes=i)
            )

        done.append((commit, commit()))
    for n, x in enumerate(sales[::7]):

        def ret(x: Any = x, n: int = n) -> Any:
            return service.return_(
                store, invoice_number=x.number, seller_gstin=x.seller.gstin,
                number=f"CN/{n:04d}", date=DAY, key=f"ret:{n}",
                returns=[ReturnLine(line_no=1, qty=Decimal(1))], program=BOOK, now=NOW,
            )  # fmt: skip

        done.append((ret, ret()))
    assert service.verify(store) == []
    replay_twice(store, done, seed=5)


ops = st.lists(
    st.tuples(
        st.sampled_from(("open", "sale", "return", "adjust")),
        st.integers(0, len(PHONES) - 1),
        st.sampled_from((0, 100, 150, 400, 900)),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=ops, seed=st.integers(0, 2**16))
def test_replaying_generated_postings_changes_nothing(
    store: Store, plan: list[tuple[str, int, int, int]], seed: int
) -> None:
    wipe(store)
    done: list[tuple[Op, Any]] = []
    sold: list[str] = []
    for i, (kind, who, pts, qty) in enumerate(plan):
        phone, at = PHONES[who], NOW + dt.timedelta(minutes=i)
        op: Op
        if kind == "open":
            lots = [(pts or 50, dt.date(2026, 1 + qty, 1))]

            def op(phone: str = phone, lots: Any = lots, i: int = i, at: Any = at) -> Any:
                return service.migrate_opening(
                    store, phone=phone, lots=lots, key=f"o{i}", program=BOOK, now=at
                )
        elif kind == "sale":
            lines = (line(qty=str(qty)), line("BELT", "4203", "1", "700", "18"))
            x = sale(f"G/{i:03d}", points=pts, phone=phone, lines=lines)

            def op(x: Any = x, i: int = i, at: Any = at) -> Any:
                return service.commit(store, x, key=f"s{i}", program=BOOK, now=at)
        elif kind == "return" and sold:
            number = sold[(pts + qty) % len(sold)]

            def op(number: str = number, i: int = i, at: Any = at) -> Any:
                return service.return_(
                    store, invoice_number=number, seller_gstin=SELLER.gstin, number=f"R/{i:03d}",
                    date=DAY, key=f"r{i}", returns=[ReturnLine(line_no=1, qty=Decimal(1))],
                    program=BOOK, now=at,
                )  # fmt: skip
        else:

            def op(phone: str = phone, pts: int = pts, i: int = i, at: Any = at) -> Any:
                return service.adjust(
                    store, phone=phone, points=-(pts or 10), reason="fix", actor="qa",
                    key=f"a{i}", program=BOOK, now=at,
                )  # fmt: skip

        try:
            first = op()
        except LoyaltyGstError:
            continue  # refused (no account, no points, nothing left to return): not posted
        done.append((op, first))
        if kind == "sale":
            sold.append(f"G/{i:03d}")
    assert service.verify(store) == []
    replay_twice(store, done, seed)
