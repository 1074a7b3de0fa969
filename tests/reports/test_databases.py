"""The reports on PostgreSQL and MariaDB: the hand-worked month gives the same figures
there as on SQLite (the reader's streamed query, the analytics' SQL, the ledger reads)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import reports_month as month

from loyalty_gst.reports.analytics_report import analytics
from loyalty_gst.reports.liability_report import liability
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.reconcile import reconcile
from loyalty_gst.reports.register import Register
from loyalty_gst.store import Store
from loyalty_gst.store.testing import create_temp_database, drop_database


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("postgresql", marks=pytest.mark.pg),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def server_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    url = create_temp_database(request.param)
    store = month.build(url)
    try:
        yield store
    finally:
        store.dispose()
        drop_database(url)


def test_same_figures_on_a_server(server_store: Store) -> None:
    reg = Register(server_store, span_of(period="112025"))
    for _ in reg.rows():
        pass
    t = reg.totals.overall
    assert (t[0], t[1], t[5], t[10]) == (4, 1200, 2400_00, 41_00)  # as test_register's
    nov = liability(server_store, span_of(period="112025")).months[0]
    assert (nov.opening, nov.closing, nov.closing_value) == (4000, 2888, Decimal("722.00"))
    a = analytics(server_store, span_of(period="112025"))
    assert a.top[0] == ("+91******5678", 2, 2007_00, 0)
    r = reconcile(server_store, span_of(period="112025", gstin=month.GSTIN))
    assert r.ok and r.documents == 4, [d.line() for d in r.differences]
