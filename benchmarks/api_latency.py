"""Channel API speed over HTTP against PostgreSQL on loopback, as one service on two
nodes: node A is `loyalty-gst serve --workers <cores>`, node B a second `serve` process
on another port over the same database whose live stream (`/v1/stores/MUM-BAN/events`)
a watcher reads. Tills commit sales on node A; each commit's event is timed until it is
seen on node B's stream.

Two loads: *paced* — 50 tills, each billing a sale every PACE seconds on average, at
random (a very busy till; real ones bill a sale a minute), where the targets
commit → visible on node B p99 < 50 ms apply; and *flat out* — every till commits again
the moment it has its answer: the capacity (≥ 300 commits/s) and the latency under it
(< 250 ms). The load comes from CLIENT_PROCS processes, each an asyncio loop (uvloop) with
one keep-alive HTTP/1.1 connection per till (`Connection`, httptools' parser: httpx
spends ≈ 2 ms of CPU a request here, which the generator would take from the servers),
so the generator is not one GIL; they share the machine's cores with the servers (the
figures are the whole machine's).

Under each load a second line gives the CPU per commit of node A (all its processes),
node B, the PostgreSQL backends and the load processes, and how busy the machine was.

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

import httptools
import httpx
import sqlalchemy as sa
import uvloop

from loyalty_gst import clock, service
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


class Connection:
    """One keep-alive HTTP/1.1 connection of a till: the request written whole, the
    answer read by httptools' C parser (uvicorn's own). httpx costs ≈ 2 ms of CPU a
    request on this machine — the generator then takes the cores the servers are measured
    on; this costs a tenth of that."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.done = False

    def on_message_complete(self) -> None:  # httptools callback
        self.done = True

    async def post(self, path: str, body: bytes, token: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        parser, self.done = httptools.HttpResponseParser(self), False
        while not self.done:
            data = await self.reader.read(65536)
            if not data:
                self.close()
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        return int(parser.get_status_code())

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def till(
    base: str,
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
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conn = Connection(host, int(port))
    s, today = seller(), clock.ist_day(clock.now()).isoformat()
    if pace:  # tills open at random moments, not all in the same millisecond
        await asyncio.sleep(rnd.uniform(0, pace))
    i = 0
    while time.monotonic() < until:
        i += 1
        number = f"{tag}{n:02d}/{i:05d}"[:16]
        body = {"key": f"{tag}:{n}:{i}", "sale": sale(number, phones[i % len(phones)], s, today)}
        data = json.dumps(body).encode()
        t0 = time.monotonic()
        try:
            status = await conn.post("/v1/commit", data, token)
        except OSError:
            conn.close()
            status = 0
        out.append((number, t0, time.monotonic(), status))
        if pace:  # arrivals at random (exponential gaps): tills are not in step
            await asyncio.sleep(rnd.expovariate(1 / pace))
    conn.close()


def client_proc(
    base: str, tokens_: list[str], phones: list[str], first: int, count: int, tills: int,
    start_at: float, seconds: float, pace: float, tag: str, q: Any,
) -> None:  # fmt: skip
    """One load process: `count` tills (numbered from `first`), one connection each."""

    async def run() -> list[tuple[str, float, float, int]]:
        out: list[tuple[str, float, float, int]] = []
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        until = time.monotonic() + seconds
        per = max(1, len(phones) // tills)  # each till its own customers
        await asyncio.gather(
            *(
                till(base, n, tokens_[n % len(tokens_)],
                     phones[n * per : (n + 1) * per] or phones, until, pace, tag, out)
                for n in range(first, first + count)
            )
        )  # fmt: skip
        return out

    try:
        q.put(uvloop.run(run()))
    except BaseException as exc:  # the parent waits on the queue: never leave it hanging
        q.put(exc)
        raise


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


def cpu_seconds(pids: list[int]) -> float:
    """CPU (user + system) used so far by these processes and all their descendants."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children[int(fields[1])].append(int(entry))
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, list(pids)
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def machine_busy() -> tuple[int, int]:
    """(all, idle) jiffies of the machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]


def backends(store: Any) -> list[int]:
    """The PostgreSQL backends connected to the benchmark's database now."""
    with store.engine.connect() as conn:
        return list(conn.scalars(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")))  # fmt: skip


def run_load(
    base: str, till_tokens: list[str], phones: list[str], tills: int, procs: int,
    seconds: float, pace: float, tag: str, watcher: Watcher,
    parts: dict[str, list[int]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One load; `parts` (name → process ids) are the processes whose CPU is measured
    over the load's seconds (the load processes too)."""
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
    parts = {**(parts or {}), "load": [p.pid for p in workers if p.pid]}
    time.sleep(max(0.0, start_at - time.monotonic()))
    cpu0, busy0 = {k: cpu_seconds(v) for k, v in parts.items()}, machine_busy()
    time.sleep(max(0.0, start_at + seconds - time.monotonic()))
    cpu1, busy1 = {k: cpu_seconds(v) for k, v in parts.items()}, machine_busy()
    rows: list[tuple[str, float, float, int]] = []
    for _ in workers:
        got = q.get()
        if isinstance(got, BaseException):
            raise SystemExit(f"a load process failed: {got!r}")
        rows += got
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
        "cpu": {k: (cpu1[k] - cpu0[k]) / max(1, len(ok)) for k in parts},
        "busy": 1 - (busy1[1] - busy0[1]) / max(1, busy1[0] - busy0[0]),
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
            parts = {"node A": [node_a.proc.pid], "node B": [node_b.proc.pid]}
            parts["PostgreSQL"] = backends(store)
            got = run_load(node_a.base, till_tokens, phones, args.tills, args.client_procs,
                           args.seconds, pace, tag, watcher, parts)  # fmt: skip
            label = f"{'paced' if pace else 'flat out'}, {args.tills} tills"
            print(
                f"{label:>24} {got['rate']:>10.1f} {pct(got['commit'], 50):>9}ms "
                f"{pct(got['commit'], 99):>6}ms {pct(got['visible'], 50):>15}ms "
                f"{pct(got['visible'], 99):>6}ms {got['unseen']:>7}  {got['statuses']}"
            )
            cpu = ", ".join(f"{k} {v * 1000:.2f}" for k, v in got["cpu"].items())
            print(f"{'':>24} CPU ms a commit: {cpu}; machine busy {got['busy']:.0%}")
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
