"""Demo step: the channels live. The channel API (`loyalty-gst serve`'s app) on its own
SQLite file under out/channels/, three tills (the `pos` terminal) in three stores and the
web shop selling to the same members; till T1 loses its line for a stretch of its sales,
bills offline, reconnects and syncs; then the reconciliation: events per till, what was
applied, offline redemptions, overdrafts, and the ledger's verify — printed and written
to out/channels/.

Deterministic for the seed and the day. One schedule interleaves the actors — T1, T2, T3,
then a web order, sale after sale — and each action happens at its own moment of the
business day: the process's clock is held there (time-machine) for the server, the tills
and the web shop alike. So two runs make the same sales in the same order, T1 redeems
offline what the others have not yet spent the same way each time, and the overdrafts
its sync finds are the same."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import time_machine

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.clock import IST
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.context import DemoRun
from loyalty_gst.demo.server import serving
from loyalty_gst.ids.mobile import mask
from loyalty_gst.pos import local
from loyalty_gst.pos.simulate import Plan, Till, WebShop, member_sessions
from loyalty_gst.service.offline import overdrafts
from loyalty_gst.store import Store, open_store, schema

TILLS = 3
SALES = 60
WEB_ORDERS = 40
OFFLINE = (12, 48)  # the first till's line is down for these of its sales
OPENS = dt.time(10, 0)  # the channels' day starts here (IST), an action every STEP
STEP = dt.timedelta(seconds=30)


def run_channels(run: DemoRun) -> None:
    folder = run.out / "channels"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.sqlite*"):
        old.unlink()
    url = f"sqlite:///{folder / 'server.sqlite'}"
    at = dt.datetime.combine(run.day, OPENS, IST)
    with time_machine.travel(at, tick=False) as clock:
        store = open_store(url)
        try:
            report = _day(run, folder, url, store, clock, at)
        finally:
            store.dispose()
    (folder / "reconciliation.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    t1 = report["tills"][0]
    run.notes.append(
        f"channels: {TILLS} tills + web on `loyalty-gst serve`: {report['sales']} sales "
        f"({report['web_sales']} web); till T1 offline for sales {OFFLINE[0]}:{OFFLINE[1]}: "
        f"{t1['offline']} billed offline, synced {t1['synced']}; "
        f"{report['overdrawn_sales']} offline sale(s) overdrawn by {report['overdraft_points']} "
        f"points (owed now {report['overdraft_owed']}); events missing from the ledger: "
        f"{len(report['missing_events'])}; verify: "
        f"{'ok' if report['verify'] == [] else report['verify']} → {folder}/reconciliation.json"
    )


def _day(
    run: DemoRun, folder: Path, url: str, store: Store, clock: Any, opens: dt.datetime
) -> dict[str, Any]:
    demo_company.set_up(store)
    phones = sorted({s.customer for s in run.sales if s.customer})[:30]
    for p in phones:
        service.migrate_opening(
            store, phone=p, lots=[(600, run.day + dt.timedelta(days=365))], key=f"opening:{p}"
        )
    stores = [s.code for s in run.catalogue.stores if s.channel == "store"][:TILLS]
    till_tokens = [
        tokens.issue(store, kind="terminal", store_code=code, terminal=f"T{i}").token
        for i, code in enumerate(stores, start=1)
    ]
    web = tokens.issue(store, kind="channel", store_code="WEB").token
    members = member_sessions(store, phones)  # each member signed in on their phone
    (folder / "customers.json").write_text(
        json.dumps([mask(p) for p in phones], indent=1), encoding="utf-8"
    )
    web_sales: collections.Counter[str] = collections.Counter()
    moment = iter(range(1, 10**6))

    def tick() -> None:  # the next action's moment of the day
        clock.move_to(opens + next(moment) * STEP)

    with serving(url, folder / "server.log") as base:
        tills = []
        for i, (code, token) in enumerate(zip(stores, till_tokens, strict=True), start=1):
            plan = Plan(
                server=base, token=token, db_path=str(folder / f"till{i}.sqlite"),
                store_code=code, terminal_id=f"T{i}", customers=phones, sales=SALES,
                seed=run.seed * 100 + i, members=members, timeout=60.0,
                **({"offline_from": OFFLINE[0], "offline_to": OFFLINE[1]} if i == 1 else {}),
            )  # fmt: skip
            tick()
            tills.append(Till(plan))
            tills[-1].begin()
        tick()
        shop = WebShop(base, web, members, phones, web_sales, seed=run.seed * 100 + 5)
        for n in range(SALES):
            for till in tills:
                tick()
                till.step(n)
            if n < WEB_ORDERS:
                tick()
                shop.order(n + 1)
        summaries = []
        for till in tills:
            tick()
            summaries.append(till.end())
    for i, summary in enumerate(summaries, start=1):
        (folder / f"till{i}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return _reconcile(folder, summaries, store, web_sales)


def _reconcile(
    folder: Path, summaries: list[dict[str, Any]], store: Store,
    web_sales: collections.Counter[str],
) -> dict[str, Any]:  # fmt: skip
    tills = []
    missing: list[str] = []
    for i, summary in enumerate(summaries, start=1):
        engine = local.open_local(str(folder / f"till{i}.sqlite"))
        with engine.connect() as conn:
            done = conn.scalars(
                sa.select(local.outbox.c.event_id).where(
                    local.outbox.c.status.in_(("acked", "synced"))
                )
            ).all()
            statuses = dict(
                conn.execute(
                    sa.select(local.outbox.c.status, sa.func.count()).group_by(
                        local.outbox.c.status
                    )
                ).all()
            )
        engine.dispose()
        with store.engine.connect() as conn:  # each printed sale or return: once in the ledger
            # keys are kept within the till's store and name: <store>/<till>/<event id>
            keys = {k.split("/", 2)[-1] for k in conn.scalars(sa.select(schema.requests.c.key))}
        missing += [e for e in done if e not in keys]
        tills.append(
            {
                "till": f"T{i}",
                "sales": summary["sales"],
                "online": summary["online"],
                "offline": summary["offline"],
                "returns": summary["returns"],
                "offline_points": sum(r["points"] for r in summary["offline_redemptions"]),
                "synced": statuses.get("synced", 0),
                "outbox": statuses,
                "pending": summary["status"]["pending"],
            }
        )
    lines = overdrafts(store)
    drawn = [ev for ln in lines for ev in ln.events]
    web = web_sales["ok"] + web_sales["ok_without_points"]
    return {
        "tills": tills,
        "web_sales": web,
        "web_refusals": {k: v for k, v in sorted(web_sales.items()) if not k.startswith("ok")},
        "sales": sum(t["sales"] for t in tills) + web,
        "overdrawn_sales": len(drawn),
        "overdraft_points": sum(ev.overdraft for ev in drawn),
        "overdraft_owed": sum(ln.overdraft for ln in lines),
        "overdrafts": [ln.model_dump(mode="json") for ln in lines],
        "verify": [str(p) for p in service.verify(store)],
        "missing_events": missing,
    }
