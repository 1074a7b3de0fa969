"""Tampering directly in the database is reported by verify: altered, removed, reordered."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ledger_factories import NOW, PHONE, RELAXED, book, sale

from loyalty_gst import service
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

BOOK = book(velocity=RELAXED)


@pytest.fixture
def chained(store: Store) -> int:
    """An account with 4 entries: migrate, redeem, earn, adjust."""
    service.migrate_opening(
        store, phone=PHONE, lots=[(1000, dt.date(2026, 12, 31))], key="o", program=BOOK, now=NOW
    )
    done = service.commit(store, sale(points=200), key="k", program=BOOK, now=NOW)
    service.adjust(
        store, phone=PHONE, points=5, reason="goodwill", actor="cs-1", key="adj", now=NOW
    )
    assert service.verify(store) == []
    assert done.account_id is not None
    return done.account_id


def codes(store: Store) -> set[str | None]:
    return {p.code for p in service.verify(store)}


def test_changed_amount_is_reported(store: Store, chained: int) -> None:
    e = s.entries
    with store.begin() as conn:
        conn.execute(e.update().where(e.c.account_id == chained, e.c.seq == 2).values(points=-1))
    problems = service.verify(store)
    assert {"altered", "balance"} <= {p.code for p in problems}
    assert any("entry 2" in p.field for p in problems)


def test_deleted_entry_is_reported(store: Store, chained: int) -> None:
    e = s.entries
    with store.begin() as conn:
        conn.execute(sa.delete(e).where(e.c.account_id == chained, e.c.seq == 2))
    assert "removed" in codes(store)


def test_deleted_last_entry_is_reported(store: Store, chained: int) -> None:
    e = s.entries
    with store.begin() as conn:
        conn.execute(sa.delete(e).where(e.c.account_id == chained, e.c.seq == 4))
    assert "removed" in codes(store)


def test_swapped_entries_are_reported(store: Store, chained: int) -> None:
    e = s.entries
    with store.begin() as conn:
        where = sa.and_(e.c.account_id == chained)
        conn.execute(e.update().where(where, e.c.seq == 2).values(seq=-2))
        conn.execute(e.update().where(where, e.c.seq == 3).values(seq=2))
        conn.execute(e.update().where(where, e.c.seq == -2).values(seq=3))
    problems = service.verify(store)
    assert "reordered" in {p.code for p in problems}, problems
