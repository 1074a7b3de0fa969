"""Databases for the ledger tests: SQLite, PostgreSQL and MariaDB, each created fresh
for the session (lgst_ledger_<random>) and dropped after. A database that cannot be
reached FAILS its tests (set LOYALTY_GST_ALLOW_SKIP_DB=1 to skip instead)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from loyalty_gst.demo import company as demo_company
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import KINDS, create_temp_database, drop_database

# the company (set up once per database) stays; the ledger's data is wiped per test
DATA_TABLES = [
    t
    for t in s.metadata.sorted_tables
    if t is not s.schema_version and t not in s.COMPANY_TABLES
]


@pytest.fixture(scope="session", params=KINDS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    kind = request.param
    try:
        url = create_temp_database(kind)
    except Exception as exc:  # any connection failure: the database is not there
        if os.environ.get("LOYALTY_GST_ALLOW_SKIP_DB") == "1":
            pytest.skip(f"{kind} unreachable: {exc}")
        pytest.fail(f"{kind} database unreachable (set LOYALTY_GST_ALLOW_SKIP_DB=1 to skip): {exc}")
    yield url
    drop_database(url)


def wipe(store: Store) -> None:
    with store.begin() as conn:
        for t in reversed(DATA_TABLES):
            conn.execute(sa.delete(t))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    st = open_store(db_url)
    wipe(st)
    demo_company.set_up(st)
    yield st
    st.dispose()
