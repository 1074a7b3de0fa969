"""Channel API speed over HTTP against PostgreSQL on loopback, as one service on two
nodes: node A is `loyalty-gst serve --workers <cores>`, node B a second `serve` process
on another port over the same database whose live stream (`/v1/stores/MUM-BAN/events`)
a watcher reads. Tills commit sales on node A; each commit's event is timed until it is
seen on node B's stream.

Two loads: *paced* — 50 tills, each billing a sale every PACE seconds on average, at
random (a very busy till; real ones bill a sale a minute), where the targets
commit → visible on node B p99 < 50 ms apply; and *flat out* — every till commits again
the moment it has its answer: the capacity (≥ 300 commits/s) and the latency under it
(< 250 ms). The load comes from CLIENT_PROCS processes, each an asyncio httpx client with
keep-alive connections (one per till), so the generator is not one GIL; they share the
machine's cores with the servers (the figures are the whole machine's).

"visible" is measured from the moment the till sent its commit to the moment node B's
stream delivered the event (one monotonic clock: CLOCK_MONOTONIC is machine-wide).

    python benchmarks/api_latency.py [--seconds 15] [--pace 1.0] [--tills 50]
        [--workers N] [--client-procs 2] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import threading
import time
from typing import Any

import httpx

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

STORE = "MUM-BAN"


def seller() -> dict[str, Any]:
    cat = demo_company.load()
    st = next(s for s in cat.stores if s.code == STORE)
    return cat.seller_for(st).model_dump(mode="json", exclude_none=True)


def sale(number: str, phone: str, s: dict[str, Any], today: str) -> dict[str, Any]:
    return {
        "number": number,
        "date": today,
        "seller": s,
        "lines": [
            {"sku": "TEE", "hsn": "6109", "qty": "1", "unit": "PCS", "unit_price": "499",
             "gst_rate": "5"},
        ],
        "customer": phone,
    }  # fmt: skip


async def till(
    http: httpx.AsyncClient,
    n: int,
    token: str,
    phones: list[str],
    until: float,
    pace: float,
    tag: str,
    out: list[tuple[str, float, float, int]],
) -> None:
    """Commit sales for this till's own customers until `until`; record
    (number, sent, answered, status) — a refused or failed commit is counted, not fatal."""
    rnd = random.Random(f"{tag}{n}")
    headers = {"Authorization": f"Bearer {token}"}
    s, today = seller(), dt.date.today().isoformat()
    if pace:  # tills open at random moments, not all in the same millisecond
        await asyncio.sleep(rnd.uniform(0, pace))
    i = 0
    while time.monotonic() < until:
        i += 1
        number = f"{tag}{n:02d}/{i:05d}"[:16]
        body = {"key": f"{tag}:{n}:{i}", "sale": sale(number, phones[i % len(phones)], s, today)}
        t0 = time.monotonic()
        try:
            r = await http.post("/v1/commit", json=body, headers=headers)
            status = r.status_code
        except httpx.HTTPError:
            status = 0
        out.append((number, t0, time.monotonic(), status))
        if pace:  # arrivals at random (exponential gaps): tills are not in step
            await asyncio.sleep(rnd.expovariate(1 / pace))


def client_proc(
    base: str, tokens_: list[str], phones: list[str], first: int, count: int, tills: int,
    start_at: float, seconds: float, pace: float, tag: str, q: Any,
) -> None:  # fmt: skip
    """One load process: `count` tills (numbered from `first`), one connection each."""

    async def run() -> list[tuple[str, float, float, int]]:
        out: list[tuple[str, float, float, int]] = []
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            await asyncio.sleep(max(0.0, start_at - time.monotonic()))
            until = time.monotonic() + seconds
            per = max(1, len(phones) // tills)  # each till its own customers
            await asyncio.gather(
                *(
                    till(http, n, tokens_[n % len(tokens_)],
                         phones[n * per : (n + 1) * per] or phones, until, pace, tag, out)
                    for n in range(first, first + count)
                )
            )  # fmt: skip
        return out

    q.put(asyncio.run(run()))


class Watcher:
    """Node B's live stream, read in a thread: the monotonic time each number was seen."""

    def __init__(self, base: str, token: str) -> None:
        self.seen: dict[str, float] = {}
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, args=(base, token), daemon=True)
        self._t.start()

    def _run(self, base: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while not self._stop.is_set():
            try:
                with httpx.stream("GET", f"{base}/v1/stores/{STORE}/events", headers=headers,
                                  timeout=httpx.Timeout(5, read=None)) as r:  # fmt: skip
                    for line in r.iter_lines():
                        if line.startswith(": connected"):
                            self.ready.set()
                        elif line.startswith("data: "):
                            number = json.loads(line[6:]).get("number")
                            if number:
                                self.seen.setdefault(number, time.monotonic())
                        if self._stop.is_set():
                            return
            except httpx.HTTPError:
                time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()


def pct(xs: list[float], q: float) -> str:
    """The q-th percentile in ms, or — when there is no sample."""
    if not xs:
        return "—"
    xs = sorted(xs)
    return f"{xs[min(len(xs) - 1, int(len(xs) * q / 100))] * 1000:.1f}"


def run_load(
    base: str, till_tokens: list[str], phones: list[str], tills: int, procs: int,
    seconds: float, pace: float, tag: str, watcher: Watcher,
) -> dict[str, Any]:  # fmt: skip
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    start_at = time.monotonic() + 1.0
    shares = [tills // procs + (1 if i < tills % procs else 0) for i in range(procs)]
    workers, first = [], 0
    for share in shares:
        if not share:
            continue
        p = ctx.Process(target=client_proc, args=(base, till_tokens, phones, first, share, tills,
                                                  start_at, seconds, pace, tag, q))  # fmt: skip
        p.start()
        workers.append(p)
        first += share
    rows: list[tuple[str, float, float, int]] = []
    for _ in workers:
        rows += q.get()
    for p in workers:
        p.join()
    time.sleep(1.0)  # the last events on their way to node B
    ok = [r for r in rows if r[3] == 200]
    commit = [r[2] - r[1] for r in ok]
    visible = [watcher.seen[r[0]] - r[1] for r in ok if r[0] in watcher.seen]
    return {
        "commits": len(ok),
        "rate": len(ok) / seconds,
        "statuses": dict(collections.Counter(r[3] for r in rows)),
        "commit": commit,
        "visible": visible,
        "unseen": len(ok) - len(visible),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--pace", type=float, default=1.0, help="seconds between a till's sales")
    ap.add_argument("--tills", type=int, default=50)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="node A's processes")
    ap.add_argument("--client-procs", type=int, default=2, help="load generator processes")
    ap.add_argument("--redis", default=None, help="serve --redis URL for the live streams")
    ap.add_argument("--modes", default="paced,flat", help="paced, flat or both")
    args = ap.parse_args()
    url = create_temp_database("postgresql")
    store = open_store(url)
    servers: list[ServerProcess] = []
    watcher = None
    try:
        demo_company.set_up(store)
        phones = [c["mobile"] for c in demo_company.load().customers[:500]]
        for p in phones:
            service.migrate_opening(
                store, phone=p, lots=[(1000, dt.date(2099, 1, 1))], key=f"o:{p}"
            )
        till_tokens = [
            tokens.issue(store, kind="terminal", store_code=STORE, terminal=t).token
            for t in ("T1", "T2", "T3", "T4")
        ]
        admin = tokens.issue(store, kind="admin").token
        extra = ("--redis", args.redis) if args.redis else ()
        node_a = ServerProcess.start(
            url, args=("--no-access-log", "--workers", str(args.workers), *extra)
        )
        servers.append(node_a)
        node_b = ServerProcess.start(url, args=("--no-access-log", "--workers", "1", *extra))
        servers.append(node_b)
        watcher = Watcher(node_b.base, admin)
        if not watcher.ready.wait(10):
            raise SystemExit("node B's live stream did not open")
        bus = "Redis pub/sub" if args.redis else "PostgreSQL LISTEN/NOTIFY"
        print(
            f"PostgreSQL; node A: serve --workers {args.workers}; node B: serve --workers 1 "
            f"(watching the live stream, {bus}); {args.client_procs} client processes; "
            f"{len(phones)} customers; {args.seconds:.0f} s a run; load "
            f"{os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'load':>24} {'commits/s':>10} {'commit p50':>11} {'p99':>8} "
            f"{'visible on B p50':>17} {'p99':>8} {'unseen':>7}  statuses"
        )
        # warm-up (connection pools, compiled statements), not measured
        run_load(node_a.base, till_tokens, phones, 10, 1, 2, 0.0, "W", watcher)
        modes = [m.strip() for m in args.modes.split(",")]
        for mode, pace in (("paced", args.pace), ("flat", 0.0)):
            if mode not in modes:
                continue
            tag = "P" if pace else "F"
            got = run_load(node_a.base, till_tokens, phones, args.tills, args.client_procs,
                           args.seconds, pace, tag, watcher)  # fmt: skip
            label = f"{'paced' if pace else 'flat out'}, {args.tills} tills"
            print(
                f"{label:>24} {got['rate']:>10.1f} {pct(got['commit'], 50):>9}ms "
                f"{pct(got['commit'], 99):>6}ms {pct(got['visible'], 50):>15}ms "
                f"{pct(got['visible'], 99):>6}ms {got['unseen']:>7}  {got['statuses']}"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        if watcher is not None:
            watcher.stop()
        for sv in servers:
            sv.stop()
        store.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
