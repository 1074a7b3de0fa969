"""Faults with several server processes on PostgreSQL, counted against the ledger (the
scenarios are benchmarks/fault_figures.py's, which prints the same counts): tills retry
with their idempotency keys until answered; nothing acknowledged is lost or doubled,
no balance goes below zero, and `ledger verify` finds nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalty_gst.api import pg_cluster
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import fault_figures as ff


@pytest.fixture()
def url() -> Iterator[str]:
    u = create_temp_database("postgresql")
    yield u
    drop_database(u)


def _clean(got: dict[str, object]) -> None:
    assert got["lost"] == 0 and got["doubled"] == 0 and got["overdrafts"] == 0, got
    assert got["acknowledged"] == got["stored"], got  # every sale answered, in the end
    assert got["verify_problems"] == 0, got
    answers = got["answers"]
    assert isinstance(answers, dict)
    assert not [a for a in answers if a.startswith("5") and a != "503"], got  # no 500s


def test_one_node_killed_mid_load_loses_and_doubles_nothing(url: str) -> None:
    got = ff.kill_one_node(url, sales=160, tills=6)
    _clean(got)
    assert got["acknowledged"] == 160
    assert any(a.startswith("connection:") for a in got["answers"]), got  # the kill did land


@pytest.mark.skipif(not pg_cluster.available(), reason="needs initdb and pg_ctl")
def test_postgres_restarted_mid_load_gives_503_then_loses_and_doubles_nothing() -> None:
    got = ff.restart_postgres(sales=160, tills=6)
    _clean(got)
    assert got["acknowledged"] == 160
    assert got["answers"].get("503", 0) + got["retries"] > 0, got  # the tills did see it


def test_200_concurrent_redemptions_across_4_processes_never_overdraw(url: str) -> None:
    got = ff.redemptions_on_one_member(url, n=200)
    # 1000 points, 100 a sale: at most 10 succeed (and the program allows 10 an hour)
    assert 0 < got["outcomes"].get("ok", 0) <= 10, got
    assert got["points_redeemed"] == 100 * got["outcomes"]["ok"] <= 1000, got
    assert got["overdrafts"] == 0 and got["balance_after"] >= 0, got
    assert set(got["outcomes"]) <= {"ok", "velocity_limit", "insufficient_points"}, got
    assert got["verify_problems"] == 0


def test_a_sync_batch_replayed_twice_on_two_nodes_at_once_applies_once(url: str) -> None:
    got = ff.sync_replayed_twice(url)
    assert got == {"statuses": {"applied": 5, "replayed": 15}, "stored": 5, "verify_problems": 0}
