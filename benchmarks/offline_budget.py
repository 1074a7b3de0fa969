"""One offline budget per member across tills, measured: N tills go offline selling to
the same M members, then sync at once (each batch pushed twice), at the service level.

1. Online, every till asks for its part of every member's offline budget (concurrently,
   `service.allowance.grant`, as POST /v1/allowances does).
2. Offline, each till sells to random members and redeems within its own part; a few
   hostile tills redeem past their part. Meanwhile the members spend most of their
   points online (so offline redemptions land as overdraft).
3. Every till syncs its outbox concurrently (`service.offline.apply_event`), pushes the
   same batch again, and settles its parts.

Prints: per member the offline points applied and the overdraft against the day's cap
(the maxima, and how many members exceed it: must be 0), events refused (the hostile
ones), the second pushes (all replayed, no new postings), and points lost or doubled:
every applied event has exactly one redemption entry of its points, every balance equals
opening + earned − redeemed from the answers, and the ledger verifies.

    python benchmarks/offline_budget.py [--db sqlite,postgresql] [--tills 50] [--members 20]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from loyalty_gst import gst, service
from loyalty_gst import program as pg
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.events import Event
from loyalty_gst.identity import phone_ref
from loyalty_gst.models import Loyalty
from loyalty_gst.service import allowance
from loyalty_gst.service.offline import apply_event
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 5, 0, tzinfo=dt.UTC)  # 10:30 IST
OPENING = 3000
HOSTILE = 5  # tills that redeem past their part


def run(kind: str, tills: int, members: int, sales_per_till: int) -> None:
    url = create_temp_database(kind, prefix="lgst_bench")
    store = open_store(url)
    try:
        _measure(store, kind, tills, members, sales_per_till)
    finally:
        store.dispose()
        drop_database(url)


def _measure(store: Store, kind: str, tills: int, members: int, sales_per_till: int) -> None:
    cat = demo_company.load()
    base = cat.book.versions[0]
    relaxed = base.velocity.model_copy(
        update={"max_points_per_day": 10**9, "max_redemptions_per_hour": 10**6,
                "approval_threshold": 10**9}
    )  # fmt: skip
    book = pg.ProgramBook(versions=(base.model_copy(update={"velocity": relaxed}),))
    prog = book.active(DAY)
    cap = prog.offline_cap_per_day
    phones = [c["mobile"] for c in cat.customers[:members]]
    ids = {}
    for p in phones:
        service.migrate_opening(
            store, phone=p, lots=[(OPENING, dt.date(2026, 11, 30))], key=f"open:{phone_ref(p)}",
            program=book, now=NOW,
        )  # fmt: skip
        with store.engine.connect() as conn:
            ids[p] = acc.lock_by_mobile(conn, p).id  # type: ignore[union-attr]
    shops = [st for st in cat.stores if st.channel == "store"]
    till_of = [(shops[t % len(shops)], f"T{t + 1:02d}") for t in range(tills)]
    templates = [x for x in sales_of_day(cat, DAY, count=400, seed=5) if x.seller]

    # 1. online: every till asks for its part of every member's budget, concurrently
    parts: dict[tuple[int, str], int] = {}
    lock = threading.Lock()

    def ask(t: int) -> None:
        shop, terminal = till_of[t]
        rnd = random.Random(t)
        for p in rnd.sample(phones, len(phones)):
            for attempt in range(5):
                try:
                    with store.begin() as conn:
                        got = allowance.grant(
                            conn, prog, account_id=ids[p], store_code=shop.code,
                            terminal=terminal, day=DAY, at=NOW,
                        )  # fmt: skip
                    break
                except sa.exc.OperationalError:  # a deadlock or busy database: ask again
                    if attempt == 4:
                        raise
            with lock:
                parts[(t, p)] = got

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(tills, 16)) as pool:
        list(pool.map(ask, range(tills)))
    granted = time.perf_counter() - t0

    # 2. offline: each till sells within its parts (hostile tills past them)
    outbox: dict[int, list[Event]] = {}
    serial = 0
    for t in range(tills):
        shop, terminal = till_of[t]
        rnd = random.Random(1000 + t)
        left = {p: parts[(t, p)] for p in phones}
        events = []
        for seq in range(1, sales_per_till + 1):
            serial += 1
            p = rnd.choice(phones)
            want = rnd.choice((0, 100, 100, 200, 300))
            pts = want * 2 if t < HOSTILE else min(want, left[p])
            pts = pts if pts >= 100 else 0  # the program's least redemption
            left[p] -= min(pts, left[p])
            tpl = rnd.choice(templates)
            sale = tpl.model_copy(update={
                "number": f"{shop.code[:3]}{terminal}/{seq:04d}", "customer": p,
                "store": shop.code, "seller": cat.seller_for(shop),
                "loyalty": Loyalty(points=pts, point_value=prog.point_value) if pts else None,
            })  # fmt: skip
            total = gst.compute(pg.apply_caps(sale, prog, pts)).totals.grand_total
            events.append(Event(
                event_id=f"{terminal}:{seq}", seq=seq, kind="sale", created_at=NOW,
                offline=True, sale=sale, points=pts, grand_total=total,
            ))  # fmt: skip
        outbox[t] = events

    # meanwhile the members spend most of their points online (a web order, then the
    # rest at the desk) and keep a fifth of the cap: offline redemptions overdraw
    online: dict[str, int] = collections.Counter()
    earned: dict[str, int] = collections.Counter()
    for i, p in enumerate(phones):
        sale = templates[i].model_copy(update={
            "number": f"WEB/{i:04d}", "customer": p,
            "loyalty": Loyalty(points=OPENING, point_value=prog.point_value),
        })  # fmt: skip
        try:
            done = service.commit(store, sale, key=f"web:{i}", program=book, now=NOW)
            online[p] += done.points_redeemed
            earned[p] += done.points_earned + done.bonus_points
        except LoyaltyGstError:
            pass
        rest = OPENING + earned[p] - online[p] - cap // 5
        if rest > 0:
            service.adjust(store, phone=p, points=-rest, reason="spent at the desk",
                           actor="bench", key=f"desk:{i}", program=book, now=NOW)  # fmt: skip
            online[p] += rest

    # 3. every till syncs at once, pushes again, settles
    answers: dict[int, list[Any]] = {}
    again: dict[int, list[Any]] = {}

    def sync(t: int) -> None:
        shop, terminal = till_of[t]
        scope = f"{shop.code}/{terminal}/"
        seller = cat.seller_for(shop).gstin
        push = [
            apply_event(store, ev, gstin=seller, store_code=shop.code, terminal=terminal,
                        program=book, now=NOW + dt.timedelta(hours=1), scope=scope)
            for ev in outbox[t]
        ]  # fmt: skip
        answers[t] = push
        with store.begin() as conn:
            allowance.settle(conn, store_code=shop.code, terminal=terminal, at=NOW)
        again[t] = [
            apply_event(store, ev, gstin=seller, store_code=shop.code, terminal=terminal,
                        program=book, now=NOW + dt.timedelta(hours=2), scope=scope)
            for ev in outbox[t]
        ]  # fmt: skip

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(tills, 16)) as pool:
        list(pool.map(sync, range(tills)))
    synced = time.perf_counter() - t0
    with store.engine.connect() as conn:
        entries_after_sync = conn.scalar(sa.select(sa.func.count()).select_from(s.entries))
    _report(store, kind, tills, members, cap, phones, ids, outbox, answers, again, online,
            earned, granted, synced, entries_after_sync)  # fmt: skip


def _report(store: Store, kind: str, tills: int, members: int, cap: int, phones: list[str],
            ids: dict[str, int], outbox: dict[int, list[Event]], answers: dict[int, list[Any]],
            again: dict[int, list[Any]], online: dict[str, int], earned: dict[str, int],
            granted: float, synced: float, entries_after_sync: int) -> None:  # fmt: skip
    by_phone = {ids[p]: p for p in phones}
    applied: dict[str, int] = collections.Counter()
    applied_events: dict[str, int] = collections.Counter()
    refused = collections.Counter()
    for t, push in answers.items():
        for ev, res in zip(outbox[t], push, strict=True):
            p = ev.sale.customer  # type: ignore[union-attr]
            if res.status == "applied":
                applied[p] += res.points_redeemed
                applied_events[p] += 1 if res.points_redeemed else 0
                earned[p] += res.points_earned
            else:
                refused[res.code or res.status] += 1
    replayed = sum(1 for push in again.values() for r in push if r.status in ("replayed",))
    rejected_again = sum(
        1 for t, push in again.items() for r, first in zip(push, answers[t], strict=True)
        if first.status == "rejected" and r.status in ("rejected", "replayed")
    )  # fmt: skip
    e = s.entries
    with store.engine.connect() as conn:
        entries_now = conn.scalar(sa.select(sa.func.count()).select_from(e))
        rows = conn.execute(
            sa.select(e.c.account_id, e.c.points, e.c.body)
            .where(e.c.kind.in_(("redeem", "recover")))
        ).all()  # fmt: skip
        balances = {by_phone[r.id]: r.balance for r in conn.execute(
            sa.select(s.accounts.c.id, s.accounts.c.balance)) if r.id in by_phone}  # fmt: skip
        unsettled = conn.scalar(
            sa.select(sa.func.count()).select_from(s.allowances)
            .where(s.allowances.c.status == "open")
        )  # fmt: skip
    import json

    off_points: dict[str, int] = collections.Counter()
    off_entries: dict[str, int] = collections.Counter()
    overdraft: dict[str, int] = collections.Counter()
    for r in rows:
        body = json.loads(r.body)
        p = by_phone.get(r.account_id)
        if p is None:
            continue
        if body.get("offline"):
            off_points[p] += -r.points
            off_entries[p] += 1
        overdraft[p] += int(body.get("overdraft", 0))
    sent = sum(len(v) for v in outbox.values())
    lost_or_doubled = sum(
        1 for p in phones
        if off_points[p] != applied[p] or off_entries[p] != applied_events[p]
        or balances[p] != OPENING + earned[p] - online[p] - applied[p]
    )  # fmt: skip
    problems = service.verify(store)
    print(f"{kind:<10} {tills} tills offline, {members} members, {sent} sale events; "
          f"offline cap {cap} points per member and day")  # fmt: skip
    print(f"{'':<10} grants {granted:.2f} s; sync of all tills at once {synced:.2f} s "
          f"({sent / synced:.0f} events/s)")  # fmt: skip
    print(f"{'':<10} offline points applied per member: max {max(applied.values(), default=0)}"
          f" (cap {cap}); members over the cap: "
          f"{sum(1 for p in phones if applied[p] > cap)}")  # fmt: skip
    print(f"{'':<10} offline overdraft per member: max {max(overdraft.values(), default=0)}, "
          f"total {sum(overdraft.values())} (≤ {members} × {cap} = {members * cap}); "
          f"members overdrawn past the cap: {sum(1 for p in phones if overdraft[p] > cap)}")
    print(f"{'':<10} refused: {dict(refused) or 0}; second push: {replayed} replayed, "
          f"{rejected_again} refusals kept, {entries_now - entries_after_sync} new postings")
    print(f"{'':<10} points lost or doubled: {lost_or_doubled} members; open parts left: "
          f"{unsettled}; verify {'ok' if not problems else len(problems)}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--tills", type=int, default=50)
    ap.add_argument("--members", type=int, default=20)
    ap.add_argument("--sales", type=int, default=8, help="sales per till")
    args = ap.parse_args()
    for kind in args.db.split(","):
        run(kind.strip(), args.tills, args.members, args.sales)


if __name__ == "__main__":
    main()
