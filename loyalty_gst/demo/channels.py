"""Demo step: the channels live. A server (`loyalty-gst serve`) on its own SQLite file
under out/channels/, three till processes in three stores and the web shop selling to
the same members; one till loses its line for a while, bills offline, reconnects and
syncs; then the reconciliation: events per till, what was applied, offline redemptions,
overdrafts, and the ledger's verify — printed and written to out/channels/."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.context import DemoRun
from loyalty_gst.pos import local
from loyalty_gst.pos.simulate import member_sessions, web_shop
from loyalty_gst.service.offline import overdrafts
from loyalty_gst.store import Store, open_store, schema

TILLS = 3
SALES = 60
OFFLINE = "12:48"  # the first till's line is down for these sales


def run_channels(run: DemoRun) -> None:
    folder = run.out / "channels"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.sqlite*"):
        old.unlink()
    url = f"sqlite:///{folder / 'server.sqlite'}"
    store = open_store(url)
    demo_company.set_up(store)
    phones = sorted({s.customer for s in run.sales if s.customer})[:30]
    for p in phones:
        service.migrate_opening(
            store, phone=p, lots=[(600, run.day + dt.timedelta(days=365))], key=f"opening:{p}"
        )
    stores = [s.code for s in demo_company.load().stores if s.channel == "store"][:TILLS]
    tills = [
        tokens.issue(store, kind="terminal", store_code=code, terminal=f"T{i}")
        for i, code in enumerate(stores, start=1)
    ]
    web = tokens.issue(store, kind="channel", store_code="WEB").token
    members = member_sessions(store, phones)  # each member signed in on their phone
    (folder / "customers.json").write_text(json.dumps(members), encoding="utf-8")
    server = ServerProcess.start(url, log_path=folder / "server.log")
    started = time.monotonic()
    stop = threading.Event()
    web_sales: collections.Counter[str] = collections.Counter()
    shop = threading.Thread(
        target=web_shop,
        args=(server.base, web, members, phones, stop, web_sales),
        kwargs={"limit": 200, "pause": 0.05},
    )
    try:
        procs = []
        for i, (code, t) in enumerate(zip(stores, tills, strict=True), start=1):
            env = {**os.environ, "LOYALTY_GST_POS_TOKEN": t.token}
            cmd = [
                sys.executable,
                "-m",
                "loyalty_gst.cli",
                "pos",
                "--server",
                server.base,
                "--db",
                str(folder / f"till{i}.sqlite"),
                "--store",
                code,
                "--terminal",
                f"T{i}",
                "simulate",
                "--customers",
                str(folder / "customers.json"),
                "--sales",
                str(SALES),
                "--seed",
                str(i),
                "--summary",
                str(folder / f"till{i}.json"),
            ]
            if i == 1:
                cmd += ["--offline", OFFLINE]
            procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL))
        shop.start()
        codes = [p.wait(timeout=300) for p in procs]
        stop.set()
        shop.join(30)
        if any(codes):
            raise RuntimeError(f"a till process failed: exit codes {codes}")
        report = _reconcile(folder, stores, store, web_sales)
    finally:
        stop.set()
        server.stop()
        store.dispose()
    report["seconds"] = round(time.monotonic() - started, 1)
    (folder / "reconciliation.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    t1 = report["tills"][0]
    run.notes.append(
        f"channels: {TILLS} tills + web on `loyalty-gst serve`: {report['sales']} sales "
        f"({report['web_sales']} web); till T1 offline for sales {OFFLINE}: "
        f"{t1['offline']} billed offline, synced {t1['synced']}; "
        f"{report['overdrawn_sales']} offline sale(s) overdrawn by {report['overdraft_points']} "
        f"points (owed now {report['overdraft_owed']}); events missing from the ledger: "
        f"{len(report['missing_events'])}; verify: "
        f"{'ok' if report['verify'] == [] else report['verify']} → {folder}/reconciliation.json"
    )


def _reconcile(
    folder: Path, stores: list[str], store: Store, web_sales: collections.Counter[str]
) -> dict[str, Any]:
    tills = []
    missing: list[str] = []
    for i, _code in enumerate(stores, start=1):
        summary = json.loads((folder / f"till{i}.json").read_text(encoding="utf-8"))
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
    return {
        "tills": tills,
        "web_sales": web_sales["ok"] + web_sales["ok_without_points"],
        "web_refusals": {k: v for k, v in web_sales.items() if not k.startswith("ok")},
        "sales": sum(t["sales"] for t in tills) + web_sales["ok"] + web_sales["ok_without_points"],
        "overdrawn_sales": len(drawn),
        "overdraft_points": sum(ev.overdraft for ev in drawn),
        "overdraft_owed": sum(ln.overdraft for ln in lines),
        "overdrafts": [ln.model_dump(mode="json") for ln in lines],
        "verify": [str(p) for p in service.verify(store)],
        "missing_events": missing,
    }
