"""The pipelined PostgreSQL checkout (two round-trips: reads, then writes + COMMIT) is
the same ledger as the statement-at-a-time path: one scenario run on SQLite, on
PostgreSQL pipelined and on PostgreSQL one statement at a time gives the same answers —
results, refusals (class and message), replays — and the same rows, byte for byte
(entries, hashes, lots, holds, spend, stored requests and invoices). A hypothesis
property does the same over random sequences of checkouts, replays, reused keys and
numbers, holds and returns."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import sqlalchemy as sa
from conftest import DATA_TABLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_factories import DAY, NOW, PHONE, PHONE2, RELAXED, book, sale

from loyalty_gst import service
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.models import ReturnLine
from loyalty_gst.store import Store, open_store, pipeline
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

BOOK = book(velocity=RELAXED)
STRICT = book(velocity={"max_redemptions_per_hour": 2, "approval_threshold": 10**9})
PHONES = (PHONE, PHONE2, "+918208364961", "+917000000001")  # the last has no account
Op = Callable[[Store], Any]


@pytest.fixture(scope="module")
def stores() -> Iterator[dict[str, Store]]:
    urls = {"sqlite": create_temp_database("sqlite"), "pg": create_temp_database("postgresql")}
    urls["pg_plain"] = create_temp_database("postgresql")
    opened = {name: open_store(url) for name, url in urls.items()}
    yield opened
    for name, st_ in opened.items():
        st_.dispose()
        drop_database(urls[name])


def _fresh(store: Store) -> None:
    """Empty ledger tables with ids from 1 again (so every database numbers alike)."""
    with store.begin() as conn:
        if store.kind == "postgresql":
            names = ", ".join(t.name for t in DATA_TABLES)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
        else:
            for t in reversed(DATA_TABLES):
                conn.execute(sa.delete(t))


@contextlib.contextmanager
def _path(name: str) -> Iterator[None]:
    """`pg_plain`: PostgreSQL with the pipeline off (every statement through SQLAlchemy)."""
    if name != "pg_plain":
        yield
        return
    with mock.patch.object(pipeline, "usable", lambda conn: False):
        yield


def _outcome(op: Op, store: Store) -> Any:
    try:
        done = op(store)
    except LoyaltyGstError as exc:
        return ("refused", type(exc).__name__, str(exc))
    return ("ok", done.model_dump(mode="json") if hasattr(done, "model_dump") else repr(done))


def _rows(store: Store) -> dict[str, Any]:
    order = {
        s.accounts: ("id", "mobile", "balance", "tier", "purchases", "seq", "head", "status"),
        s.entries: ("id", "account_id", "seq", "kind", "key", "points", "at", "body", "hash"),
        s.lots: ("id", "account_id", "points", "remaining", "expires_on", "entry_key"),
        s.holds: ("id", "account_id", "key", "points", "until", "status"),
        s.spend: ("id", "account_id", "day", "amount", "ref"),
        s.requests: ("key", "kind", "result", "at"),
        s.invoices: ("id", "number", "seller_gstin", "account_id", "grand_total", "body"),
    }
    with store.engine.connect() as conn:
        return {
            t.name: [
                tuple(r)
                for r in conn.execute(sa.select(*(t.c[c] for c in cols)).order_by(t.c[cols[0]]))
            ]
            for t, cols in order.items()
        }


def _run_everywhere(stores: dict[str, Store], ops: list[Op]) -> dict[str, Any]:
    runs = {}
    for name, store in stores.items():
        _fresh(store)
        with _path(name):
            answers = [_outcome(op, store) for op in ops]
        runs[name] = (answers, _rows(store))
    return runs


def _opening(phone: str, points: int) -> Op:
    return lambda st_: service.migrate_opening(
        st_, phone=phone, lots=[(points, dt.date(2026, 6, 30))], key=f"open:{phone[-4:]}",
        program=BOOK, now=NOW,
    )  # fmt: skip


def _commit(number: str, key: str, points: int, phone: str | None, *, minute: int = 0,
            program: Any = BOOK, enrol: bool = True) -> Op:  # fmt: skip
    return lambda st_: service.commit(
        st_, sale(number, points=points, phone=phone), key=key, program=program,
        enrol=enrol, now=NOW + dt.timedelta(minutes=minute),
    )  # fmt: skip


def _quoted(number: str, key: str, points: int, phone: str) -> Op:
    def op(st_: Store) -> Any:
        q = service.quote(st_, sale(number, points=points, phone=phone), points, program=BOOK,
                          now=NOW)  # fmt: skip
        return service.commit(st_, q, key=key, program=BOOK, now=NOW + dt.timedelta(minutes=1))

    return op


def _return(number: str, note: str, key: str) -> Op:
    return lambda st_: service.return_(
        st_, invoice_number=number, seller_gstin=sale().seller.gstin, number=note, date=DAY,
        key=key, returns=[ReturnLine(line_no=1, qty=Decimal(1))], program=BOOK, now=NOW,
    )  # fmt: skip


def test_one_scenario_gives_the_same_answers_and_rows_on_every_path(
    stores: dict[str, Store],
) -> None:
    ops = [
        _opening(PHONE, 4000),
        _opening(PHONE2, 400),
        _commit("INV/1", "k1", 1200, PHONE),  # redeem + earn
        _commit("INV/1", "k1", 1200, PHONE),  # replay: the first answer
        _commit("INV/1", "k1b", 1200, PHONE),  # the same invoice under another key
        _commit("INV/9", "k1", 1200, PHONE),  # the key reused for another invoice
        _commit("INV/2", "k2", 5000, PHONE2),  # more than the balance
        _commit("INV/3", "k3", 100, PHONES[3]),  # an unknown member redeeming
        _commit("INV/4", "k4", 0, PHONES[3], enrol=False),  # unknown, not to be enrolled
        _commit("INV/5", "k5", 0, PHONES[2]),  # a new member enrolled at checkout
        _commit("INV/6", "k6", 0, None),  # no member at all
        _quoted("INV/7", "k7", 200, PHONE2),  # a quote's hold spent
        _commit("INV/8", "k8", 100, PHONE, minute=2, program=STRICT),
        _commit("INV/10", "k10", 100, PHONE, minute=3, program=STRICT),  # velocity
        _return("INV/1", "CN/1", "r1"),
        _commit("INV/11", "k11", 0, PHONE, minute=4),  # after the return
        _commit("INV/6", "k6", 0, None),  # replay of the memberless sale
    ]
    runs = _run_everywhere(stores, ops)
    answers, rows = runs["sqlite"]
    kinds = [a[1] if a[0] == "refused" else "ok" for a in answers]
    assert kinds == [
        "ok", "ok", "ok", "ok", "DuplicateDocument", "KeyConflict", "InsufficientPoints",
        "UnknownCustomer", "UnknownCustomer", "ok", "ok", "ok", "ok", "VelocityLimit", "ok",
        "ok", "ok",
    ]  # fmt: skip
    assert answers[3][1]["replayed"] is True and answers[16][1]["replayed"] is True
    assert answers[2][1]["points_redeemed"] == 1200
    assert len(rows["lgst_entries"]) >= 10
    for _key, kind, result, _at in rows["lgst_requests"]:  # the answers as pydantic writes them
        if kind == "commit":
            assert service.Committed.model_validate_json(result).model_dump_json() == result
    for name in ("pg", "pg_plain"):
        assert runs[name][0] == answers, name
        assert runs[name][1] == rows, name


_OP = st.tuples(
    st.sampled_from(["commit", "commit", "commit", "quote", "return"]),
    st.integers(0, 3),  # member (3: no account)
    st.sampled_from([0, 0, 100, 700, 3000]),  # points asked
    st.integers(0, 4),  # invoice number
    st.integers(0, 5),  # request key
)


def _op(kind: str, member: int, points: int, number: int, key: int, i: int) -> Op:
    phone = PHONES[member]
    if kind == "quote" and member < 3 and points:
        return _quoted(f"Q/{i}", f"q{i}", points, phone)
    if kind == "return":
        return _return(f"INV/{number}", f"CN/{i}", f"r{key}")
    return _commit(f"INV/{number}", f"k{key}", points, phone, minute=i)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_OP, min_size=1, max_size=10))
def test_random_sequences_agree_between_the_paths(
    stores: dict[str, Store], steps: list[tuple[str, int, int, int, int]]
) -> None:
    ops = [_opening(PHONE, 2500), _opening(PHONE2, 600)]
    ops += [_op(*step, i) for i, step in enumerate(steps)]
    runs = _run_everywhere(stores, ops)
    assert runs["pg"] == runs["pg_plain"]
    assert runs["pg"] == runs["sqlite"]
