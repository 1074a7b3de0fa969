"""The hand-worked month, built once per test module in a fresh SQLite store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import reports_month as month

from loyalty_gst.store import Store
from loyalty_gst.store.testing import create_temp_database


@pytest.fixture(scope="module")
def month_store() -> Iterator[Store]:
    store = month.build(create_temp_database("sqlite"))
    yield store
    store.dispose()
