"""Ledger commit throughput and latency with concurrent writers (SQLite, PostgreSQL).

Each writer thread commits its share of a generated day of sales through
`service.commit` (redeem + earn + stored invoice, one transaction under the account's
row lock). Opening balances are migrated first so redemptions succeed. Prints sales/s
and p50/p99 commit latency per database, the SQL statements and round-trips per
commit, and where the time went: this process's CPU (the load generator's threads and
the service code share it) and, on PostgreSQL, its backends' CPU, per commit; uses
throw-away databases.

    .venv/bin/python benchmarks/ledger_commit.py --sales 1200 --writers 10,50 --db sqlite,postgresql
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from loyalty_gst import program as pg
from loyalty_gst import service
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.errors import LedgerError
from loyalty_gst.identity import phone_ref
from loyalty_gst.store import Store, pipeline
from loyalty_gst.store.engine import make_engine
from loyalty_gst.store.testing import create_temp_database, drop_database

DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 4, 0, tzinfo=dt.UTC)


def run(kind: str, count: int, writers: int) -> None:
    url = create_temp_database(kind, prefix="lgst_bench")
    # a connection per writer kept open (no overflow connection closed on its way back,
    # so the server's CPU is read from the same backends before and after)
    store = Store(make_engine(url, pool_size=max(20, writers), max_overflow=10))
    store.migrate()
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
        _warm(store, writers)
        counts = _count_statements(store.engine)
        server0 = _server_cpu(url) if kind == "postgresql" else 0.0
        cpu0 = time.process_time()
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        server = _server_cpu(url) - server0 if kind == "postgresql" else 0.0
        counts["undo"]()
        q = statistics.quantiles(latencies, n=100)
        problems = service.verify(store)
        n = len(sales)
        print(
            f"{kind:<10} {n} sales, {writers} writers: {n / wall:7.1f} sales/s  "
            f"p50 {q[49] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  "
            f"(refused {refused[0]}, verify {'ok' if not problems else len(problems)})"
        )
        print(
            f"{'':<10} per commit: {counts['statements'] / n:.1f} SQL statements, "
            f"{counts['trips'] / n:.1f} round-trips; CPU {cpu / n * 1000:.2f} ms client"
            + (f", {server / n * 1000:.2f} ms PostgreSQL" if kind == "postgresql" else "")
            + f"; load {os.getloadavg()[0]:.2f}"
        )
    finally:
        store.dispose()
        drop_database(url)


def _count_statements(engine: sa.Engine) -> dict[str, Any]:
    """Count what goes to the server. A statement SQLAlchemy runs is one round-trip; a
    pipelined batch (store.pipeline) is one round-trip for all its statements (its BEGIN
    and COMMIT ride in it). On PostgreSQL a BEGIN, COMMIT or ROLLBACK psycopg sends on
    its own (outside a pipeline) is counted where psycopg sends it; on SQLite they are
    local calls, on MariaDB PyMySQL sends COMMIT (counted as one per transaction)."""
    counts: dict[str, Any] = {"statements": 0, "trips": 0, "lock": threading.Lock()}

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        with counts["lock"]:
            counts["statements"] += 1
            counts["trips"] += 1

    def batch(statements: list[str]) -> None:
        with counts["lock"]:
            counts["statements"] += sum(1 for x in statements if x != "COMMIT")
            counts["trips"] += 1

    def begin(conn: Any) -> None:
        if engine.dialect.name == "mariadb" or engine.dialect.name == "mysql":
            with counts["lock"]:
                counts["trips"] += 1

    sa.event.listen(engine, "before_cursor_execute", hook)
    sa.event.listen(engine, "begin", begin)
    pipeline.listeners.append(batch)
    base = psycopg.Connection.__mro__[1]  # BaseConnection: BEGIN/COMMIT/ROLLBACK go here
    plain = base._exec_command

    def command(self: Any, *args: Any, **kw: Any) -> Any:
        if self._pipeline is None:  # in a pipeline it is queued into the batch
            with counts["lock"]:
                counts["trips"] += 1
        return plain(self, *args, **kw)

    base._exec_command = command

    def undo() -> None:
        base._exec_command = plain
        pipeline.listeners.remove(batch)
        sa.event.remove(engine, "before_cursor_execute", hook)
        sa.event.remove(engine, "begin", begin)

    counts["undo"] = undo
    return counts


def _server_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to `url`'s database
    (from /proc: the server runs on this machine)."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            pids = list(conn.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")))  # fmt: skip
    finally:
        eng.dispose()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _warm(store: Any, writers: int) -> None:
    """Open the pool's connections before the clock starts (a connect is no commit)."""
    conns = [store.engine.connect() for _ in range(writers)]
    for c in conns:
        c.exec_driver_sql("SELECT 1")
        c.close()


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
