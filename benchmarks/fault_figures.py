"""Faults with several server processes, counted against the ledger afterwards: kill -9
of one server process mid-load; PostgreSQL restarted mid-load (a throwaway cluster, never
the shared server); 200 concurrent redemptions on one member across 4 processes; a sync
batch replayed twice on two nodes at once.

Clients behave as a till should: every commit carries its idempotency key; a refused
connection, a timeout or a 503 (the database away) is retried with the same key — on
the other node, after the Retry-After — until it is answered. Afterwards: lost = an
acknowledged commit with no invoice; doubled = an invoice posted twice (two earn
entries); overdrafts = balances below zero; and `ledger verify` must find nothing.

    python benchmarks/fault_figures.py [--sales 400] [--tills 8]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests
import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.pg_cluster import ThrowawayCluster
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.pos.simulate import member_sessions
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

STORE = "MUM-BAN"
FAR = dt.date(2099, 3, 31)


def _seller() -> dict[str, Any]:
    cat = demo_company.load()
    st = next(x for x in cat.stores if x.code == STORE)
    return cat.seller_for(st).model_dump(mode="json", exclude_none=True)


def sale(number: str, phone: str | None, price: str = "499") -> dict[str, Any]:
    return {
        "number": number,
        "date": dt.date.today().isoformat(),
        "seller": _seller(),
        "lines": [
            {"sku": "TEE", "hsn": "6109", "qty": "1", "unit": "PCS", "unit_price": price,
             "gst_rate": "5"},
        ],
        "customer": phone,
    }  # fmt: skip


@dataclass
class Load:
    """What the tills saw: each acknowledged commit, and every answer on the way."""

    acked: dict[str, str] = field(default_factory=dict)  # invoice number → key
    answers: collections.Counter[str] = field(default_factory=collections.Counter)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str) -> None:
        with self.lock:
            self.answers[what] += 1


def post_until_answered(
    bases: Callable[[], list[str]], token: str, body: dict[str, Any], load: Load, n: int
) -> requests.Response:
    """A till's commit: retried with its key until a node answers it (not 503)."""
    session = requests.Session()
    tries = 0
    while True:
        nodes = bases()
        base = nodes[(n + tries) % len(nodes)]
        try:
            r = session.post(base + "/v1/commit", json=body, timeout=20,
                             headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        except requests.RequestException as exc:
            load.note(f"connection:{type(exc).__name__}")
        else:
            if r.status_code != 503:
                load.note(str(r.status_code))
                return r
            load.note("503")
            time.sleep(min(1.0, float(r.headers.get("Retry-After", "0.2") or 0.2)))
        tries += 1
        with load.lock:
            load.retries += 1
        time.sleep(0.05 * min(tries, 10))
        if tries > 600:
            raise RuntimeError(f"{body['key']} never answered")


def run_tills(
    bases: Callable[[], list[str]], token: str, phones: list[str], tills: int, sales: int,
    tag: str, load: Load,
) -> None:  # fmt: skip
    def till(t: int) -> None:
        for i in range(t, sales, tills):
            number = f"{tag}/{i:05d}"
            body = {"key": f"{tag}:{i}", "sale": sale(number, phones[i % len(phones)])}
            r = post_until_answered(bases, token, body, load, t)
            if r.status_code == 200:
                with load.lock:
                    load.acked[number] = body["key"]

    with ThreadPoolExecutor(tills) as pool:
        list(pool.map(till, range(tills)))


def count(store: Store, load: Load, tag: str) -> dict[str, Any]:
    """The ledger against what the tills were told."""
    inv, e = s.invoices, s.entries
    with store.engine.connect() as conn:
        stored = collections.Counter(
            conn.scalars(sa.select(inv.c.number).where(inv.c.number.like(f"{tag}/%")))
        )
        earns = collections.Counter(
            conn.scalars(sa.select(e.c.key).where(e.c.kind == "earn", e.c.key.like(f"%{tag}/%")))
        )
        negative = conn.scalar(
            sa.select(sa.func.count()).select_from(s.accounts).where(s.accounts.c.balance < 0)
        )
    return {
        "acknowledged": len(load.acked),
        "stored": len(stored),
        "lost": sum(1 for n in load.acked if n not in stored),
        "doubled": sum(1 for c in stored.values() if c > 1) + sum(c > 1 for c in earns.values()),
        "overdrafts": int(negative or 0),
        "answers": dict(load.answers),
        "retries": load.retries,
        "verify_problems": len(service.verify(store)),
    }


def _stored(store: Store, tag: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(s.invoices)
                .where(s.invoices.c.number.like(f"{tag}/%"))
            )
            or 0
        )


def _wait_stored(store: Store, tag: str, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while _stored(store, tag) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"fewer than {n} commits in {timeout} s")
        time.sleep(0.05)


def _setup(url: str, phones: list[str], points: int = 1000) -> tuple[Store, str]:
    store = open_store(url)
    demo_company.set_up(store)
    for p in phones:
        service.migrate_opening(store, phone=p, lots=[(points, FAR)], key=f"opening:{p}")
    till = tokens.issue(store, kind="terminal", store_code=STORE, terminal="T1").token
    return store, till


PHONES = [c["mobile"] for c in demo_company.load().customers[:40]]


def kill_one_node(url: str, *, sales: int = 300, tills: int = 8) -> dict[str, Any]:
    """Two nodes; node A is killed -9 after 40 commits and comes back 2 s later."""
    store, till = _setup(url, PHONES)
    a = ServerProcess.start(url, args=("--no-access-log",))
    b = ServerProcess.start(url, args=("--no-access-log",))
    load = Load()
    try:
        t = threading.Thread(target=run_tills, args=(lambda: [a.base, b.base], till, PHONES,
                                                      tills, sales, "K9", load))  # fmt: skip
        t.start()
        _wait_stored(store, "K9", 40)
        a.kill()
        time.sleep(2.0)
        a.launch()
        t.join()
        return count(store, load, "K9")
    finally:
        a.stop()
        b.stop()
        store.dispose()


def restart_postgres(*, sales: int = 300, tills: int = 8) -> dict[str, Any]:
    """Two nodes over a throwaway cluster, restarted (fast: every connection cut) after 40
    commits; the tills get 503s meanwhile and retry."""
    cluster = ThrowawayCluster()
    os.environ["LOYALTY_GST_PG_ADMIN"] = cluster.admin_url
    url = create_temp_database("postgresql")
    store, till = _setup(url, PHONES)
    a = ServerProcess.start(url, args=("--no-access-log",))
    b = ServerProcess.start(url, args=("--no-access-log",))
    load = Load()
    try:
        t = threading.Thread(target=run_tills, args=(lambda: [a.base, b.base], till, PHONES,
                                                      tills, sales, "PR", load))  # fmt: skip
        t.start()
        _wait_stored(store, "PR", 40)
        began = time.monotonic()
        cluster.restart("fast")
        down = time.monotonic() - began
        store.engine.dispose()  # this script's own connections were cut too
        t.join()
        got = count(store, load, "PR")
        got["restart_seconds"] = round(down, 2)
        return got
    finally:
        a.stop()
        b.stop()
        store.dispose()
        os.environ.pop("LOYALTY_GST_PG_ADMIN", None)
        cluster.remove()


def redemptions_on_one_member(url: str, *, n: int = 200) -> dict[str, Any]:
    """n concurrent redemptions of 100 points on one member (1000 points) across 4
    processes (two nodes of --workers 2), each with its own app code."""
    phone = "+919000000999"
    store, till = _setup(url, [phone])
    a = ServerProcess.start(url, args=("--no-access-log", "--workers", "2"))
    b = ServerProcess.start(url, args=("--no-access-log", "--workers", "2"))
    try:
        session = member_sessions(store, [phone])[phone]
        codes = [
            requests.post(a.base + "/v1/presence/app-code", timeout=30,
                          headers={"Authorization": f"Bearer {session}"}).json()["code"]
            for _ in range(n)
        ]  # fmt: skip

        def redeem(i: int) -> str:
            body = {"key": f"R:{i}", "sale": sale(f"RD/{i:05d}", phone, "2000"), "points": 100,
                    "presence": {"app_code": codes[i]}}  # fmt: skip
            r = requests.post((a, b)[i % 2].base + "/v1/commit", json=body, timeout=120,
                              headers={"Authorization": f"Bearer {till}"})  # fmt: skip
            return "ok" if r.status_code == 200 else str(r.json().get("code", r.status_code))

        with ThreadPoolExecutor(n) as pool:
            outcomes = collections.Counter(pool.map(redeem, range(n)))
        after = service.lookup(store, phone)
        with store.engine.connect() as conn:
            redeemed = -sum(
                int(p) for p in conn.scalars(
                    sa.select(s.entries.c.points).where(s.entries.c.kind == "redeem")
                )
            )  # fmt: skip
        return {
            "outcomes": dict(outcomes),
            "points_redeemed": redeemed,
            "balance_after": after.balance,
            "overdrafts": int(after.balance < 0) + int(bool(after.overdraft)),
            "verify_problems": len(service.verify(store)),
        }
    finally:
        a.stop()
        b.stop()
        store.dispose()


def sync_replayed_twice(url: str) -> dict[str, Any]:
    """One till's batch of 5 sales posted to both nodes at the same moment, twice over."""
    store, till = _setup(url, [])
    a = ServerProcess.start(url, args=("--no-access-log",))
    b = ServerProcess.start(url, args=("--no-access-log",))
    try:
        at = dt.datetime.now(dt.UTC).isoformat()
        batch = [
            {"event_id": f"T1:{700 + i}", "seq": 700 + i, "kind": "sale", "created_at": at,
             "sale": sale(f"SY/{i:05d}", None)}
            for i in range(5)
        ]  # fmt: skip
        body = {"terminal": "T1", "events": batch, "settle": False}

        def post(base: str) -> list[str]:
            r = requests.post(base + "/v1/sync", json=body, timeout=60,
                              headers={"Authorization": f"Bearer {till}"})  # fmt: skip
            r.raise_for_status()
            return [x["status"] for x in r.json()["results"]]

        statuses: collections.Counter[str] = collections.Counter()
        for _ in range(2):
            with ThreadPoolExecutor(2) as pool:
                for got in pool.map(post, (a.base, b.base)):
                    statuses.update(got)
        return {
            "statuses": dict(statuses),
            "stored": _stored(store, "SY"),
            "verify_problems": len(service.verify(store)),
        }
    finally:
        a.stop()
        b.stop()
        store.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sales", type=int, default=400)
    ap.add_argument("--tills", type=int, default=8)
    args = ap.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}")
    for name, run in (
        ("kill -9 of one node", lambda u: kill_one_node(u, sales=args.sales, tills=args.tills)),
        ("200 redemptions, 4 processes", redemptions_on_one_member),
        ("sync batch ×2 on 2 nodes", sync_replayed_twice),
    ):
        url = create_temp_database("postgresql")
        try:
            print(f"{name}: {json.dumps(run(url))}")
        finally:
            drop_database(url)
    got = restart_postgres(sales=args.sales, tills=args.tills)
    print(f"PostgreSQL restarted: {json.dumps(got)}")
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
