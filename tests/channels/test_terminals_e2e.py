"""End to end on PostgreSQL: the server and five terminal processes (plus the web shop)
billing a few thousand mixed sales against shared customers, one terminal offline for a
stretch; then every event is in the ledger exactly once, every balance is the sum of its
entries, and the offline overdrafts are exactly the oversold cases, within the cap.
Crash tests: kill -9 of the server mid-run, and of a terminal right after a receipt."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from channel_helpers import seed

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.pos import local as pos_db
from loyalty_gst.pos.simulate import member_sessions, web_shop
from loyalty_gst.service.offline import overdrafts
from loyalty_gst.store import entries as ent
from loyalty_gst.store import open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

STORES = [st.code for st in demo_company.load().stores if st.channel == "store"][:5]
CAP = demo_company.load().book.versions[-1].offline_cap_per_day


def terminal(
    server: str,
    i: int,
    token: str,
    members: dict[str, str],
    folder: Path,
    customers: Path,
    sales: int,
    *extra: str,
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LOYALTY_GST_POS_TOKEN": token}
    cmd = [
        sys.executable,
        "-m",
        "loyalty_gst.cli",
        "pos",
        "--server",
        server,
        "--db",
        str(folder / f"t{i}.sqlite"),
        "--store",
        STORES[i - 1],
        "--terminal",
        f"T{i}",
        "simulate",
        "--customers",
        str(customers),
        "--sales",
        str(sales),
        "--seed",
        str(i),
        "--summary",
        str(folder / f"t{i}.json"),
        *extra,
    ]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / f"t{i}.err", "wb")
    )


def outbox(folder: Path, i: int) -> list[sa.Row]:
    engine = pos_db.open_local(str(folder / f"t{i}.sqlite"))
    with engine.connect() as conn:
        rows = conn.execute(sa.select(pos_db.outbox).order_by(pos_db.outbox.c.seq)).all()
    engine.dispose()
    return rows


def expected_overdrafts(store) -> list[str]:
    """Replay every account from its entries alone: an offline redemption overdraws by
    what the points on the account could not cover just before it (no holds or expiry in
    this run). Returns the disagreements."""
    bad = []
    with store.engine.connect() as conn:
        ids = conn.scalars(sa.select(s.accounts.c.id)).all()
        for i in ids:
            balance = owed = 0
            for e in ent.entries_of(conn, i):
                if e.kind == "redeem" and e.body.get("offline"):
                    want = max(0, -e.points - (balance + owed))
                    if e.body["overdraft"] != want:
                        bad.append(f"{e.key}: overdraft {e.body['overdraft']}, oversold {want}")
                    owed += want
                elif e.kind == "recover":
                    owed -= e.body["recovered"]
                    if owed < 0:
                        bad.append(f"{e.key}: recovered more than owed")
                balance += e.points
    return bad


def check_ledger(store, folder: Path, n: int, gstins: dict[int, str]) -> dict[str, int]:
    """Every terminal event that counts is in the ledger exactly once; returns totals."""
    totals = collections.Counter()
    with store.engine.connect() as conn:
        # keys are kept within the till's store and name: <store>/<till>/<event id>
        requests_kind = {
            k.split("/", 2)[-1]: v
            for k, v in conn.execute(sa.select(s.requests.c.key, s.requests.c.kind)).all()
        }
        cancelled = set(conn.scalars(sa.select(s.cancellations.c.number)))
        for i in range(1, n + 1):
            rows = outbox(folder, i)
            assert not [r for r in rows if r.status in ("open", "queued", "abandoned")], i
            for r in rows:
                totals[r.status] += 1
                ev = json.loads(r.event)
                if r.status in ("acked", "synced"):
                    assert requests_kind.get(r.event_id) in ("commit", "return"), r.event_id
                if r.kind == "sale" and r.status in ("acked", "synced"):
                    number = ev["sale"]["number"]
                    found = conn.scalar(
                        sa.select(sa.func.count()).where(
                            s.invoices.c.number == number, s.invoices.c.seller_gstin == gstins[i]
                        )
                    )
                    assert found == 1 and number not in cancelled, number
                    redeems = conn.scalar(
                        sa.select(sa.func.count()).where(
                            s.entries.c.key == f"redeem:{gstins[i]}:{number}"
                        )
                    )
                    assert redeems <= 1
                if r.kind == "sale" and r.status == "settled":  # never printed: not in the books
                    number = ev["sale"]["number"]
                    assert (
                        number in cancelled
                        or conn.scalar(
                            sa.select(sa.func.count()).where(
                                s.invoices.c.number == number,
                                s.invoices.c.seller_gstin == gstins[i],
                            )
                        )
                        == 0
                    )
                assert r.status != "rejected", (r.event_id, r.result)
    return dict(totals)


def test_five_terminals_and_the_web_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    phones = [c["mobile"] for c in demo_company.load().customers[:40]]
    seed(store, phones, 800)
    app = member_sessions(store, phones)  # each member signed in on their phone
    web = tokens.issue(store, kind="channel", store_code="WEB").token
    tills = [
        tokens.issue(store, kind="terminal", store_code=c, terminal=f"T{i}")
        for i, c in enumerate(STORES, start=1)
    ]
    customers = tmp_path / "customers.json"
    customers.write_text(json.dumps(app))
    server = ServerProcess.start(pg_url, log_path=tmp_path / "server.log")
    web_done: collections.Counter = collections.Counter()
    stop = threading.Event()
    shop = threading.Thread(
        target=web_shop,
        args=(server.base, web, app, phones, stop, web_done),
        kwargs={"points": (200, 400), "bill_refused": False, "seed": 99},
    )
    try:
        started = time.monotonic()
        procs = [
            terminal(
                server.base,
                i,
                t.token,
                app,
                tmp_path,
                customers,
                450,
                *(["--offline", "60:330"] if i == 1 else []),
            )
            for i, t in enumerate(tills, start=1)
        ]
        shop.start()
        codes = [p.wait(timeout=400) for p in procs]
        stop.set()
        shop.join(30)
        elapsed = time.monotonic() - started
        assert codes == [0] * 5, [(tmp_path / f"t{i}.err").read_text()[-2000:] for i in range(1, 6)]
        summaries = [json.loads((tmp_path / f"t{i}.json").read_text()) for i in range(1, 6)]
        gstins = {i: t.gstin for i, t in enumerate(tills, start=1)}
        totals = check_ledger(store, tmp_path, 5, gstins)
        sales = sum(x["sales"] for x in summaries) + web_done["ok"]
        assert sales >= 2000, (sales, web_done)
        assert summaries[0]["offline"] >= 200  # T1 billed its offline stretch
        # every balance is the sum of its entries = lots less overdraft; chains intact
        assert service.verify(store) == []
        # overdrafts: exactly the oversold offline redemptions, as replayed from balances
        assert expected_overdrafts(store) == []
        lines = overdrafts(store)
        drawn = [ev for ln in lines for ev in ln.events]
        assert all(ev.terminal == "T1" and ev.overdraft <= ev.points <= CAP for ev in drawn)
        assert not any(ev.over_cap for ev in drawn)
        # the offline cap per customer per day held across T1's offline redemptions
        per_day = collections.Counter()
        for r in summaries[0]["offline_redemptions"]:
            per_day[(r["customer"], r["day"])] += r["points"]
        assert per_day and max(per_day.values()) <= CAP
        print(
            f"\n{sales} sales ({web_done['ok']} web) in {elapsed:.1f} s; outboxes {totals}; "
            f"{len(drawn)} overdrawn offline sales, {sum(e.overdraft for e in drawn)} points"
        )
    finally:
        stop.set()
        server.stop()
        store.dispose()


def _wait_for_commits(store: object, n: int, timeout: float = 120.0) -> None:
    """Until the server has stored `n` invoices (a kill then falls mid-run however fast
    or slow the machine is)."""
    deadline = time.monotonic() + timeout
    count = sa.select(sa.func.count()).select_from(s.invoices)
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:  # type: ignore[attr-defined]
            if conn.scalar(count) >= n:
                return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} commits in {timeout} s")


def test_server_killed_mid_run_loses_no_acknowledged_commit(tmp_path: Path) -> None:
    url = create_temp_database("postgresql")
    store = open_store(url)
    server = None
    try:
        phones = [c["mobile"] for c in demo_company.load().customers[:20]]
        seed(store, phones, 1500)
        app = member_sessions(store, phones)  # each member signed in on their phone
        tills = [
            tokens.issue(store, kind="terminal", store_code=c, terminal=f"T{i}")
            for i, c in enumerate(STORES[:3], start=1)
        ]
        customers = tmp_path / "customers.json"
        customers.write_text(json.dumps(app))
        server = ServerProcess.start(url, log_path=tmp_path / "server.log")
        procs = [
            terminal(server.base, i, t.token, app, tmp_path, customers, 160, "--pause", "0.02")
            for i, t in enumerate(tills, start=1)
        ]
        _wait_for_commits(store, 40)  # well under the 480 sales: the kill lands mid-run
        server.kill()  # kill -9 in the middle of the run
        time.sleep(2.0)
        server.launch()  # same database, same port
        codes = [p.wait(timeout=300) for p in procs]
        assert codes == [0, 0, 0], [(tmp_path / f"t{i}.err").read_text()[-2000:] for i in (1, 2, 3)]
        gstins = {i: t.gstin for i, t in enumerate(tills, start=1)}
        totals = check_ledger(store, tmp_path, 3, gstins)
        assert totals.get("acked", 0) > 0 and totals.get("synced", 0) > 0  # both sides of the cut
        assert service.verify(store) == []
    finally:
        if server is not None:
            server.stop()
        store.dispose()
        drop_database(url)


def test_terminal_killed_after_a_receipt_syncs_the_sale_on_restart(
    pg_url: str, tmp_path: Path
) -> None:
    store = open_store(pg_url)
    phones = [c["mobile"] for c in demo_company.load().customers[40:45]]
    seed(store, phones, 900)
    app = member_sessions(store, phones)  # each member signed in on their phone
    till = tokens.issue(store, kind="terminal", store_code=STORES[4], terminal="T9")
    customers = tmp_path / "customers.json"
    customers.write_text(json.dumps(app))
    server = ServerProcess.start(pg_url, log_path=tmp_path / "server.log")
    receipts = tmp_path / "receipts.txt"
    try:
        env = {**os.environ, "LOYALTY_GST_POS_TOKEN": till.token}
        base = [
            sys.executable,
            "-m",
            "loyalty_gst.cli",
            "pos",
            "--server",
            server.base,
            "--db",
            str(tmp_path / "t9.sqlite"),
            "--store",
            STORES[4],
            "--terminal",
            "T9",
        ]
        # offline from the first sale; SIGKILL right after the 7th receipt prints
        p = subprocess.run(
            [
                *base,
                "simulate",
                "--customers",
                str(customers),
                "--sales",
                "50",
                "--offline",
                "0:50",
                "--crash-after",
                "7",
                "--receipts",
                str(receipts),
            ],
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert p.returncode == -signal.SIGKILL
        printed = [ln.split() for ln in receipts.read_text().splitlines()]
        assert len(printed) == 7
        # restarted: its outbox goes out
        r = subprocess.run(
            [*base, "sync", "--json"], env=env, capture_output=True, text=True, timeout=60
        )
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["applied"] == 7
        for _event, number, total in printed:
            inv = store.get_invoice(number, till.gstin)
            assert inv is not None and str(inv.totals.grand_total) == total, number
        assert service.verify(store) == []
    finally:
        server.stop()
        store.dispose()
