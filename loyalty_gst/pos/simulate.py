"""A terminal process making a run of mixed sales for tests, the benchmark and the demo:
members and walk-ins, redemptions with the app's code, returns, an offline stretch (the
server address replaced by a dead port, as when the line drops — the customer's phone
still reaches the server for its code), a sync when the line is back, and optionally a
crash (SIGKILL) right after a receipt prints. Writes a JSON summary."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from loyalty_gst import identity
from loyalty_gst.api import sessions
from loyalty_gst.clock import ist_day
from loyalty_gst.company.model import render_prefix
from loyalty_gst.identity import phone_ref
from loyalty_gst.models import ReturnLine
from loyalty_gst.pos.terminal import Offline, Refused, Terminal, line_of
from loyalty_gst.store import Store

DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


@dataclass
class Plan:
    server: str
    token: str
    db_path: str
    store_code: str
    terminal_id: str
    customers: list[str]
    sales: int
    seed: int = 1
    offline_from: int = -1
    offline_to: int = -1
    crash_after: int = 0
    receipts: str | None = None
    pause: float = 0.0
    timeout: float = 3.0  # seconds before a request counts as the line being down
    summary: dict[str, Any] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # mobile → the member's session


class Till:
    """One till's run of sales, a sale at a time (`step`), so that a caller may interleave
    several tills and the web shop on a fixed schedule; `run` makes them all in a row."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rnd = random.Random(plan.seed)
        self.t = Terminal(
            server=plan.server,
            token=plan.token,
            db_path=plan.db_path,
            store_code=plan.store_code,
            terminal_id=plan.terminal_id,
            timeout=plan.timeout,
        )
        self.phone_http = requests.Session()  # the members' phones, each with its own session
        self.out: dict[str, Any] = {
            "terminal": plan.terminal_id,
            "sales": 0,
            "online": 0,
            "offline": 0,
            "refused": {},
            "returns": 0,
            "offline_redemptions": [],
            "syncs": [],
        }
        self.receipts = Path(plan.receipts) if plan.receipts else None
        self.mine: list[str] = []
        self.items: list[Any] = []

    def begin(self) -> None:
        t, plan = self.t, self.plan
        _until_online(t.refresh_program)
        self.items = [
            it
            for it in t.catalogue.items()
            if 100 <= it.unit_price <= 5000 and not it.prices_include_tax
        ]
        _look_up(t, plan.customers)
        if plan.offline_to <= 0:
            # a till that stays online syncs on its timer: its parts of the members' offline
            # budgets go back for the tills that need them
            with contextlib.suppress(Offline):  # down now: it gives them back next time
                t.sync()

    def step(self, i: int) -> None:
        """Sale number `i` (0-based), and every twelfth a return."""
        t, plan, rnd, out, mine = self.t, self.plan, self.rnd, self.out, self.mine
        offline = plan.offline_from <= i < plan.offline_to
        if i == plan.offline_from and plan.offline_to > 0:
            _look_up(t, plan.customers)  # the cache refreshed while online, as on a timer
        t.server = DEAD if offline else plan.server
        if i == plan.offline_to and plan.offline_to > 0:
            out["syncs"].append(_sync(t))
        phone = rnd.choice(plan.customers) if rnd.random() < 0.8 else None
        points = rnd.choice((100, 200, 300, 500)) if phone and rnd.random() < 0.45 else 0
        lines = [
            line_of(rnd.choice(self.items), rnd.choice((1, 1, 2))) for _ in range(rnd.randint(1, 3))
        ]
        proof = None
        if points:
            proof = _app_code(self.phone_http, plan.server, plan.members.get(phone))
            if proof is None:  # the phone cannot get its code either: bill without points
                points = 0
        try:
            rec = t.sale(
                lines, customer=phone, points=points, presence_proof=proof, prices_include_tax=False
            )
        except Refused as exc:
            out["refused"][exc.code] = out["refused"].get(exc.code, 0) + 1
            # the cashier bills it without points
            rec = t.sale(lines, customer=phone, points=0, prices_include_tax=False)
        out["sales"] += 1
        out["offline" if rec.offline else "online"] += 1
        if rec.offline and rec.invoice.loyalty.points_redeemed and phone:
            out["offline_redemptions"].append(
                {
                    "event_id": rec.event_id,
                    "customer": phone_ref(phone),
                    "points": rec.invoice.loyalty.points_redeemed,
                    "day": rec.invoice.date.isoformat(),
                }
            )
        mine.append(rec.invoice.number)
        if self.receipts is not None:
            with self.receipts.open("a", encoding="utf-8") as fh:
                fh.write(f"{rec.event_id} {rec.invoice.number} {rec.invoice.totals.grand_total}\n")
                fh.flush()
                os.fsync(fh.fileno())
        if plan.crash_after and out["sales"] >= plan.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)
        if i % 12 == 11 and len(mine) > 3:
            back = mine.pop(rnd.randrange(len(mine) - 2))
            try:
                t.return_(back, [ReturnLine(line_no=1, qty=1)])
                out["returns"] += 1
            except Refused as exc:
                out["refused"][exc.code] = out["refused"].get(exc.code, 0) + 1
        if plan.pause:
            time.sleep(plan.pause)

    def end(self) -> dict[str, Any]:
        """The closing sync (the line is back) and the till's summary."""
        t = self.t
        t.server = self.plan.server
        self.out["syncs"].append(_sync(t))
        self.out["status"] = t.status()
        t.close()
        return self.out


def run(plan: Plan) -> dict[str, Any]:
    till = Till(plan)
    till.begin()
    for i in range(plan.sales):
        till.step(i)
    return till.end()


def _look_up(t: Terminal, customers: list[str]) -> None:
    for phone in customers:
        with contextlib.suppress(Refused):  # not a member yet: enrolled by a first sale
            _until_online(lambda p=phone: t.lookup(p))  # type: ignore[misc]


def _app_code(http: requests.Session, server: str, session: str | None) -> dict[str, str] | None:
    """The code the member's app shows (from the member's own session), or None."""
    if session is None:
        return None
    try:
        r = http.post(
            f"{server}/v1/presence/app-code",
            timeout=10,
            headers={"Authorization": f"Bearer {session}"},
        )
    except requests.RequestException:
        return None
    return {"app_code": r.json()["code"]} if r.ok else None


def _until_online(fn: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return fn()
        except Offline:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _sync(t: Terminal) -> dict[str, int]:
    report = _until_online(t.sync, seconds=120)
    return dict(report.__dict__)


def main(plan: Plan, summary_path: str | None) -> None:
    result = run(plan)
    text = json.dumps(result, indent=1)
    if summary_path:
        Path(summary_path).write_text(text, encoding="utf-8")
    else:
        print(text)


class WebShop:
    """The web shop beside the tills: logged-in members buy a bag and redeem points, their
    presence shown by their app's code, an order at a time (`order`). `done` counts
    outcomes ("ok" or the problem code; "ok_without_points" when a refused order is billed
    again without points)."""

    def __init__(
        self,
        base: str,
        web: str,
        members: dict[str, str],
        phones: list[str],
        done: collections.Counter[str],
        *,
        points: tuple[int, ...] = (300,),
        bill_refused: bool = True,
        seed: int = 5,
    ) -> None:
        self.base, self.members, self.phones, self.done = base, members, phones, done
        self.points, self.bill_refused = points, bill_refused
        self.rnd = random.Random(seed)
        self.http = requests.Session()
        self.as_web = {"Authorization": f"Bearer {web}"}
        shop = self.http.get(base + "/v1/catalogue", headers=self.as_web, timeout=10).json()
        self.seller, self.series = shop["seller"], shop["store"]["series"]

    def order(self, n: int) -> None:
        """Order number `n` (from 1)."""
        http, base, as_web, done = self.http, self.base, self.as_web, self.done
        phone = self.rnd.choice(self.phones)
        proof = _app_code(http, base, self.members.get(phone))
        today = ist_day(dt.datetime.now(dt.UTC))
        sale = {
            "number": f"{render_prefix(self.series['invoice'], day=today, till=None)}{n:05d}",
            "date": today.isoformat(),
            "seller": self.seller,
            "lines": [
                {
                    "sku": "BAG",
                    "hsn": "4202",
                    "qty": "1",
                    "unit": "PCS",
                    "unit_price": "1800",
                    "gst_rate": "18",
                }
            ],
            "customer": phone,
        }
        body = {
            "key": f"web:{n}", "sale": sale, "points": self.rnd.choice(self.points),
            "presence": proof,
        }  # fmt: skip
        r = http.post(base + "/v1/commit", json=body, headers=as_web, timeout=60)
        if r.status_code == 200:
            done["ok"] += 1
        else:
            done[str(r.json().get("code"))] += 1
            if self.bill_refused:  # the order goes through without points
                again = {"key": f"webx:{n}", "sale": sale}
                if http.post(base + "/v1/commit", json=again, headers=as_web, timeout=60).ok:
                    done["ok_without_points"] += 1


def web_shop(
    base: str,
    web: str,
    members: dict[str, str],
    phones: list[str],
    stop: threading.Event,
    done: collections.Counter[str],
    *,
    points: tuple[int, ...] = (300,),
    limit: int | None = None,
    pause: float = 0.0,
    bill_refused: bool = True,
    seed: int = 5,
) -> None:
    """The web shop's orders one after another until `stop` (or `limit` orders)."""
    shop = WebShop(
        base, web, members, phones, done, points=points, bill_refused=bill_refused, seed=seed
    )
    n = 0
    while not stop.is_set() and (limit is None or n < limit):
        n += 1
        shop.order(n)
        if pause:
            time.sleep(pause)


def member_sessions(store: Store, phones: list[str]) -> dict[str, str]:
    """A session for each member (as if each had signed in on their phone), by mobile."""
    out = {}
    with store.engine.connect() as conn:
        ids = {p: identity.resolve(conn, phone=p).id for p in phones}
    for p, account_id in ids.items():
        out[p] = sessions.open_session(store, account_id)[0]
    return out
