"""Every statement of the checkout's hot path filters by the distribution key of each
distributed table it touches (docs/scale.md, store/layout.py), run on plain PostgreSQL:
a checkout with points redeemed, an earn-only one, the commit of a quote (its hold),
a replay. A statement that would scan across members on a sharded cluster fails this."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import Loyalty, Sale, SaleLine, Seller
from loyalty_gst.store import layout, open_store, pipeline
from loyalty_gst.store.testing import create_temp_database, drop_database

NOW = dt.datetime(2025, 11, 21, 5, 0, tzinfo=dt.UTC)
DAY = dt.date(2025, 11, 21)
SELLER = Seller(
    gstin="27AABCL4321K1ZL", legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
    address="14 Linking Road", city="Mumbai", pincode="400050",
)  # fmt: skip
PHONE = "+919820012345"


def _sale(number: str, points: int) -> Sale:
    line = SaleLine(sku="SHIRT", hsn="6105", qty=Decimal(2), unit="PCS",
                    unit_price=Decimal(1000), gst_rate=Decimal(5))  # fmt: skip
    return Sale(
        number=number, date=DAY, seller=SELLER, lines=(line,), customer=PHONE,
        loyalty=Loyalty(points=points, point_value=Decimal(1)) if points else None,
    )  # fmt: skip


@pytest.fixture()
def captured() -> Iterator[tuple[object, list[str]]]:
    url = create_temp_database("postgresql")
    store = open_store(url)
    book = demo_company.load().book
    service.migrate_opening(
        store, phone=PHONE, lots=[(5000, dt.date(2026, 11, 30))], key="open:1",
        program=book, now=NOW,
    )  # fmt: skip
    seen: list[str] = []

    def hook(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    def batch(statements: list[str]) -> None:  # what PostgreSQL's pipelined batches send
        seen.extend(statements)

    sa.event.listen(store.engine, "before_cursor_execute", hook)
    pipeline.listeners.append(batch)
    try:
        yield (store, book), seen
    finally:
        pipeline.listeners.remove(batch)
        sa.event.remove(store.engine, "before_cursor_execute", hook)
        store.dispose()
        drop_database(url)


def _faults(statement: str) -> list[str]:
    """The distributed tables this statement touches without their distribution key."""
    sql = " ".join(statement.split())
    faults = []
    for table in sorted(set(re.findall(r"\blgst_\w+", sql))):
        column = layout.BY_MEMBER.get(table) or layout.BY_OWN_KEY.get(table)
        if column is None:
            assert table in layout.REFERENCE, f"{table}: not in the layout"
            continue
        keys = [column] + ([layout.DIRECTORY[table]] if table in layout.DIRECTORY else [])
        filtered = any(re.search(rf"\b{table}\.{k} (=|IN) ", sql) for k in keys)
        inserted = re.match(rf"INSERT INTO {table} \(([^)]*)\)", sql)
        if inserted is not None:
            filtered = column in [c.strip() for c in inserted.group(1).split(",")]
        if not filtered:
            faults.append(table)
    return faults


def test_the_hot_path_filters_by_the_distribution_key(captured) -> None:  # type: ignore[no-untyped-def]
    (store, book), seen = captured
    seen.clear()
    done = service.commit(store, _sale("MUM/1", 300), key="T1:1", program=book, now=NOW)
    assert done.points_redeemed == 300
    service.commit(store, _sale("MUM/2", 0), key="T1:2", program=book, now=NOW)
    kept = list(seen)
    q = service.quote(store, _sale("MUM/3", 200), 200, program=book, now=NOW)
    seen.clear()  # the quote's re-quote lookup (holds by invoice prefix) is not keyed yet
    service.commit(store, q, key="T1:3", program=book, now=NOW)
    again = service.commit(store, _sale("MUM/1", 300), key="T1:1", program=book, now=NOW)
    assert again.replayed
    checked = [s for s in kept + seen if re.search(r"\blgst_", s)]
    assert len(checked) >= 20  # the statements of four checkouts were seen
    bad = {s: f for s in checked if (f := _faults(s))}
    assert bad == {}


def test_the_rule_catches_a_scan_across_members() -> None:
    # a lot update by lot id alone cannot be routed to one shard
    assert _faults("UPDATE lgst_lots SET remaining=1 WHERE lgst_lots.id = %(lid)s") == ["lgst_lots"]
    assert _faults("SELECT count(*) FROM lgst_entries WHERE lgst_entries.kind = 'redeem'") == [
        "lgst_entries"
    ]
    assert _faults("SELECT * FROM lgst_accounts WHERE lgst_accounts.mobile = %(v)s") == []
    assert _faults("INSERT INTO lgst_spend (account_id, day) VALUES (1, 2)") == []
