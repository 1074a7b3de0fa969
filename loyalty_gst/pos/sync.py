"""Sync: the till's queued and abandoned events pushed in order; each is marked from the
server's own answer only, and the server's authoritative balances refresh the cache. The
last call settles the till's offline allowances (their unspent points go back)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from loyalty_gst.ledger.postings import stamp
from loyalty_gst.pos.client import Client
from loyalty_gst.pos.local import Local


@dataclass(frozen=True)
class SyncReport:
    sent: int
    applied: int
    replayed: int
    rejected: int
    voided: int
    abandoned: int


def push(api: Client, local: Local, terminal_id: str, batch: int = 100) -> SyncReport:
    """Push queued and abandoned events in order; each is marked from the server's own
    answer only. Raises Offline if the server cannot be reached (nothing is lost)."""
    counts = dict.fromkeys(("sent", "applied", "replayed", "rejected", "voided", "abandoned"), 0)
    while rows := local.to_push(batch):
        events = []
        for r in rows:
            ev = json.loads(r.event)
            if r.status == "abandoned":
                ev["kind"] = "abandon"
            events.append(ev)
        body = {"terminal": terminal_id, "events": events, "settle": False}
        answer = api.call("POST", "/v1/sync", body)
        by_id = {res["event_id"]: res for res in answer["results"]}
        with local.begin() as conn:
            for r, ev in zip(rows, events, strict=True):
                res = by_id.get(ev["event_id"])
                if res is None:
                    continue
                counts["sent"] += 1
                counts[res["status"]] = counts.get(res["status"], 0) + 1
                final = (
                    "rejected"
                    if res["status"] == "rejected"
                    else ("settled" if r.status == "abandoned" else "synced")
                )
                local.set_status(conn, r.seq, final, result=json.dumps(res))
            for acc in answer["accounts"]:
                local.update_account(
                    conn,
                    acc["account_id"],
                    balance=acc["balance"],
                    available=acc["available"],
                    overdraft=acc["overdraft"],
                    tier=acc["tier"],
                    lots=json.dumps([[lt["points"], str(lt["expires_on"])] for lt in acc["lots"]]),
                    synced_at=stamp(dt.datetime.now(dt.UTC)),
                )
        if not any(ev["event_id"] in by_id for ev in events):
            break  # the server answered none of them: stop rather than loop
    # everything is synced: the till's parts of the members' offline budgets go back
    api.call("POST", "/v1/sync", {"terminal": terminal_id, "events": [], "settle": True})
    local.clear_allowances()
    return SyncReport(**counts)
