"""Channel API speed against PostgreSQL on loopback: commits/s, and the latency from a
commit on one channel (a till) to the balance read on another (the web shop), at 10 and
50 concurrent clients.

Two loads per level: *paced* — each client is a till billing a sale every PACE seconds
on average, at random (a very busy till; real ones bill a sale a minute) — where the
target p99 < 50 ms applies; and *flat out* — each client commits again the moment it has
its answer, which
measures capacity (by Little's law its latency is clients ÷ throughput). The server is
one `loyalty-gst serve` process (uvicorn, access log off) on this machine's cores,
shared with the clients.

    python benchmarks/api_latency.py [--seconds 20] [--pace 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import time

import httpx

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

CLIENTS = (10, 50)


def seller(code: str) -> dict:
    cat = demo_company.load()
    st = next(s for s in cat.stores if s.code == code)
    return cat.seller_for(st).model_dump(mode="json", exclude_none=True)


async def client(
    n: int,
    base: str,
    till: str,
    web: str,
    phones: list[str],
    until: float,
    pace: float,
    out: list[tuple[float, float]],
    tag: str,
) -> None:
    """Commit a sale for one of this client's own customers, then read the balance through
    the web channel until it shows the commit (it does at once: the commit is durable
    before the answer)."""
    rnd = random.Random(n)
    h_till = {"Authorization": f"Bearer {till}"}
    h_web = {"Authorization": f"Bearer {web}"}
    s = seller("MUM-BAN")
    today = dt.date.today().isoformat()
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        if pace:  # tills open at random moments, not all in the same millisecond
            await asyncio.sleep(rnd.uniform(0, pace))
        i = 0
        while time.monotonic() < until:
            i += 1
            phone = phones[i % len(phones)]
            sale = {
                "number": f"B{n:02d}{tag}/{i:06d}"[:16],
                "date": today,
                "seller": s,
                "lines": [
                    {
                        "sku": "TEE",
                        "hsn": "6109",
                        "qty": "1",
                        "unit": "PCS",
                        "unit_price": "499",
                        "gst_rate": "5",
                    }
                ],
                "customer": phone,
            }
            t0 = time.perf_counter()
            r = await http.post(
                "/v1/commit", json={"key": f"b{tag}:{n}:{i}", "sale": sale}, headers=h_till
            )
            t1 = time.perf_counter()
            r.raise_for_status()
            want = r.json()["balance"]
            while True:
                seen = await http.post(
                    "/v1/customers/lookup", json={"mobile": phone}, headers=h_web
                )
                if seen.json()["balance"] == want:
                    break
            t2 = time.perf_counter()
            out.append((t1 - t0, t2 - t0))
            if pace:  # arrivals at random (exponential gaps): tills are not in step
                await asyncio.sleep(rnd.expovariate(1 / pace))


async def level(
    base: str,
    till: str,
    web: str,
    phones: list[str],
    clients: int,
    seconds: float,
    pace: float,
    tag: str,
) -> tuple[int, list[tuple[float, float]]]:
    out: list[tuple[float, float]] = []
    until = time.monotonic() + seconds
    per = max(1, len(phones) // clients)
    await asyncio.gather(
        *(
            client(n, base, till, web, phones[n * per : (n + 1) * per], until, pace, out, tag)
            for n in range(clients)
        )
    )
    return len(out), out


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] * 1000 if len(xs) > 1 else xs[0] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--pace", type=float, default=1.0, help="seconds between a till's sales")
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    args = ap.parse_args()
    url = create_temp_database("postgresql")
    store = open_store(url)
    demo_company.set_up(store)
    phones = [c["mobile"] for c in demo_company.load().customers[:500]]
    for p in phones:
        service.migrate_opening(store, phone=p, lots=[(1000, dt.date(2099, 1, 1))], key=f"o:{p}")
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T9").token
    web = tokens.issue(store, kind="channel", store_code="WEB").token
    server = ServerProcess.start(url, args=("--no-access-log", "--workers", str(args.workers)))
    print(
        f"PostgreSQL, {args.workers} server process(es), {len(phones)} customers, "
        f"{args.seconds:.0f} s a run"
    )
    print(
        f"{'load':>22} {'commits/s':>10} {'commit p50':>11} {'p99':>8} "
        f"{'commit→read p50':>16} {'p99':>8}"
    )
    try:
        # warm-up (connection pools, compiled statements), not measured
        asyncio.run(level(server.base, till, web, phones, 10, 3, 0.0, "w"))
        for mode, pace in (("paced", args.pace), ("flat out", 0.0)):
            for c in CLIENTS:
                tag = f"{mode[0]}{c}"
                n, out = asyncio.run(
                    level(server.base, till, web, phones, c, args.seconds, pace, tag)
                )
                commit = [a for a, _ in out]
                seen = [b for _, b in out]
                print(
                    f"{mode + f', {c} clients':>22} {n / args.seconds:>10.1f} "
                    f"{pct(commit, 50):>9.1f}ms {pct(commit, 99):>6.1f}ms "
                    f"{pct(seen, 50):>14.1f}ms {pct(seen, 99):>6.1f}ms"
                )
    finally:
        server.stop()
        store.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
