"""Ledger commit throughput and latency with concurrent writers (SQLite, PostgreSQL).

Each writer thread commits its share of a generated day of sales through
`service.commit` (redeem + earn + stored invoice, one transaction under the account's
row lock). Opening balances are migrated first so redemptions succeed. Prints sales/s
and p50/p99 commit latency per database; uses throw-away databases.

    .venv/bin/python benchmarks/ledger_commit.py --sales 1200 --writers 10,50 --db sqlite,postgresql
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import threading
import time
from typing import Any

import sqlalchemy as sa

from loyalty_gst import program as pg
from loyalty_gst import service
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.errors import LedgerError
from loyalty_gst.identity import phone_ref
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 4, 0, tzinfo=dt.UTC)


def run(kind: str, count: int, writers: int) -> None:
    url = create_temp_database(kind, prefix="lgst_bench")
    store = open_store(url)
    try:
        base = demo_company.load().book.versions[0]
        relaxed = base.velocity.model_copy(
            update={"max_points_per_day": 10**9, "max_redemptions_per_hour": 10**6}
        )
        book = pg.ProgramBook(versions=(base.model_copy(update={"velocity": relaxed}),))
        sales = list(sales_of_day(demo_company.load(), DAY, count=count, seed=3))
        for phone in sorted({x.customer for x in sales if x.customer}):
            service.migrate_opening(
                store, phone=phone, lots=[(50_000, dt.date(2026, 11, 30))],
                key=f"open:{phone_ref(phone)}", program=book, now=NOW,
            )  # fmt: skip
        latencies: list[float] = []
        refused = [0]
        lock = threading.Lock()
        counts = _count_statements(store.engine)

        def writer(part: list) -> None:  # type: ignore[type-arg]
            mine = []
            for i, x in enumerate(part):
                t0 = time.perf_counter()
                try:
                    service.commit(
                        store, x, key=f"b:{x.number}", program=book,
                        now=NOW + dt.timedelta(seconds=i),
                    )  # fmt: skip
                except LedgerError:
                    with lock:
                        refused[0] += 1
                mine.append(time.perf_counter() - t0)
            with lock:
                latencies.extend(mine)

        parts = [sales[w::writers] for w in range(writers)]
        threads = [threading.Thread(target=writer, args=(p,)) for p in parts]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        for target, name, fn in counts["hooks"]:
            sa.event.remove(target, name, fn)
        q = statistics.quantiles(latencies, n=100)
        problems = service.verify(store)
        print(
            f"{kind:<10} {len(sales)} sales, {writers} writers: {len(sales) / wall:7.1f} sales/s  "
            f"p50 {q[49] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  "
            f"(refused {refused[0]}, verify {'ok' if not problems else len(problems)})"
        )
        n = len(sales)
        print(
            f"{'':<10} per commit: {counts['statements'] / n:.1f} SQL statements, "
            f"≈ {counts['trips'] / n:.1f} round-trips (statements + BEGIN + COMMIT)"
        )
    finally:
        store.dispose()
        drop_database(url)


def _count_statements(engine: sa.Engine) -> dict[str, Any]:
    """Count what goes to the server: each statement is one round-trip (a pipelined batch
    counts as its own statements, so this is an upper bound), plus BEGIN and COMMIT per
    transaction (psycopg and PyMySQL send both; SQLite's are local calls)."""
    counts: dict[str, Any] = {"statements": 0, "trips": 0, "lock": threading.Lock()}

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        with counts["lock"]:
            counts["statements"] += 1
            counts["trips"] += 1

    def begin(conn: Any) -> None:
        with counts["lock"]:
            counts["trips"] += 2

    def checkout(*args: Any) -> None:
        if getattr(engine.pool, "_pre_ping", False):  # a "ping" (SELECT 1) per checkout
            with counts["lock"]:
                counts["trips"] += 1

    sa.event.listen(engine, "before_cursor_execute", hook)
    sa.event.listen(engine, "begin", begin)
    sa.event.listen(engine.pool, "checkout", checkout)
    counts["hooks"] = [(engine, "before_cursor_execute", hook), (engine, "begin", begin),
                       (engine.pool, "checkout", checkout)]  # fmt: skip
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sales", type=int, default=1200)
    ap.add_argument("--writers", default="4", help="one or more counts: 10,50")
    ap.add_argument("--db", default="sqlite,postgresql")
    args = ap.parse_args()
    for kind in args.db.split(","):
        for writers in args.writers.split(","):
            run(kind.strip(), args.sales, int(writers))


if __name__ == "__main__":
    main()
