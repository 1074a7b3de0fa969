"""The ledger under attack, measured against a real `loyalty-gst serve` (SQLite or
PostgreSQL): N concurrent redemptions on one member (0 overdrafts), one key sent ×10
(1 posting), a sync batch replayed ×7 (0 extra postings), a hostile sync asking
10,000,000 points (refused, balance unchanged).

    python benchmarks/attack_figures.py [--db postgresql] [--redemptions 200]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.pos.simulate import member_sessions
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

PHONE = "+919000000999"


def _seller(code: str) -> dict[str, Any]:
    cat = demo_company.load()
    st = next(x for x in cat.stores if x.code == code)
    return cat.seller_for(st).model_dump(mode="json", exclude_none=True)


def _sale(number: str) -> dict[str, Any]:
    return {
        "number": number,
        "date": dt.date.today().isoformat(),
        "seller": _seller("MUM-BAN"),
        "lines": [
            {"sku": "TEE", "hsn": "6109", "qty": "1", "unit": "PCS", "unit_price": "2000",
             "gst_rate": "5"},
        ],
        "customer": PHONE,
    }  # fmt: skip


def figures(base: str, store: Store, till: str, redemptions: int) -> dict[str, Any]:
    """Every figure as measured; `till` is a MUM-BAN terminal token named T1."""
    service.migrate_opening(
        store, phone=PHONE, lots=[(1000, dt.date(2099, 12, 31))], key=f"opening:{PHONE}"
    )
    session = member_sessions(store, [PHONE])[PHONE]
    http = requests.Session()

    def call(token: str, method: str, path: str, body: object = None) -> requests.Response:
        return http.request(
            method, base + path, json=body, timeout=60, headers={"Authorization": f"Bearer {token}"}
        )

    codes = [
        call(session, "POST", "/v1/presence/app-code").json()["code"] for _ in range(redemptions)
    ]

    def redeem(i: int) -> str:
        body = {"key": f"c{i}", "sale": _sale(f"BAN1/9/{i:05d}"), "points": 100,
                "presence": {"app_code": codes[i]}}  # fmt: skip
        r = requests.post(base + "/v1/commit", json=body, timeout=120,
                          headers={"Authorization": f"Bearer {till}"})  # fmt: skip
        return "ok" if r.status_code == 200 else str(r.json().get("code", r.status_code))

    with ThreadPoolExecutor(redemptions) as pool:
        outcomes = collections.Counter(pool.map(redeem, range(redemptions)))
    after = service.lookup(store, PHONE)
    with store.engine.connect() as conn:
        redeemed = -sum(
            int(p) for p in conn.scalars(
                sa.select(s.entries.c.points).where(s.entries.c.kind == "redeem")
            )
        )  # fmt: skip
    # one key ×10: one posting
    same = {"key": "same-key", "sale": _sale("BAN1/9/99001")}
    replies = [call(till, "POST", "/v1/commit", same).json().get("replayed") for _ in range(10)]
    # a sync batch replayed ×7: no extra posting; a 10,000,000-point event refused
    batch = [
        {"event_id": f"T1:{9000 + i}", "seq": 9000 + i, "kind": "sale",
         "created_at": dt.datetime.now(dt.UTC).isoformat(),
         "sale": {**_sale(f"BAN1/9/9{i:04d}"), "customer": None}}
        for i in range(5)
    ]  # fmt: skip
    drain = {
        "event_id": "T1:9100", "seq": 9100, "kind": "sale", "points": 10_000_000,
        "created_at": dt.datetime.now(dt.UTC).isoformat(), "sale": _sale("BAN1/9/91000"),
    }  # fmt: skip
    before_sync = service.lookup(store, PHONE).balance
    with store.engine.connect() as conn:
        invoices_before = conn.scalar(sa.select(sa.func.count()).select_from(s.invoices))
    statuses = collections.Counter()
    for _ in range(7):
        body = {"terminal": "T1", "events": [*batch, drain], "settle": False}
        for res in call(till, "POST", "/v1/sync", body).json()["results"]:
            statuses[res["status"]] += 1
    with store.engine.connect() as conn:
        invoices_after = conn.scalar(sa.select(sa.func.count()).select_from(s.invoices))
    return {
        "redemptions": redemptions,
        "outcomes": dict(outcomes),
        "balance_after": after.balance,
        "overdraft": after.overdraft,
        "points_redeemed": redeemed,
        "same_key_x10_replayed": replies.count(True),
        "same_key_x10_postings": replies.count(False),
        "sync_x7_statuses": dict(statuses),
        "sync_x7_new_invoices": int(invoices_after or 0) - int(invoices_before or 0),
        "drain_balance_change": service.lookup(store, PHONE).balance - before_sync,
        "verify_problems": len(service.verify(store)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--redemptions", type=int, default=200)
    args = ap.parse_args()
    url = create_temp_database(args.db)
    store = open_store(url)
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    server = ServerProcess.start(url)
    try:
        for k, v in figures(server.base, store, till, args.redemptions).items():
            print(f"{k:>24}: {v}")
    finally:
        server.stop()
        store.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
