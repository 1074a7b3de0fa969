"""Ledger commit throughput and latency with concurrent writers (SQLite, PostgreSQL).

Each writer thread commits its share of a generated day of sales through
`service.commit` (redeem + earn + stored invoice, one transaction under the account's
row lock). Opening balances are migrated first so redemptions succeed. Prints sales/s
and p50/p99 commit latency per database; uses throw-away databases.

    .venv/bin/python benchmarks/ledger_commit.py --sales 1200 --writers 4 --db sqlite,postgresql
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import threading
import time

from loyalty_gst import fixtures, service
from loyalty_gst import program as pg
from loyalty_gst.errors import LedgerError
from loyalty_gst.identity import phone_ref
from loyalty_gst.sample_day import sales_of_day
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 4, 0, tzinfo=dt.UTC)


def run(kind: str, count: int, writers: int) -> None:
    url = create_temp_database(kind, prefix="lgst_bench")
    store = open_store(url)
    try:
        base = pg.load().versions[0]
        relaxed = base.velocity.model_copy(
            update={"max_points_per_day": 10**9, "max_redemptions_per_hour": 10**6}
        )
        book = pg.ProgramBook(versions=(base.model_copy(update={"velocity": relaxed}),))
        sales = list(sales_of_day(fixtures.load(), DAY, count=count, seed=3))
        for phone in sorted({x.customer for x in sales if x.customer}):
            service.migrate_opening(
                store, phone=phone, lots=[(50_000, dt.date(2026, 11, 30))],
                key=f"open:{phone_ref(phone)}", program=book, now=NOW,
            )  # fmt: skip
        latencies: list[float] = []
        refused = [0]
        lock = threading.Lock()

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
        q = statistics.quantiles(latencies, n=100)
        problems = service.verify(store)
        print(
            f"{kind:<10} {len(sales)} sales, {writers} writers: {len(sales) / wall:7.1f} sales/s  "
            f"p50 {q[49] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  "
            f"(refused {refused[0]}, verify {'ok' if not problems else len(problems)})"
        )
    finally:
        store.dispose()
        drop_database(url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sales", type=int, default=1200)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--db", default="sqlite,postgresql")
    args = ap.parse_args()
    for kind in args.db.split(","):
        run(kind.strip(), args.sales, args.writers)


if __name__ == "__main__":
    main()
