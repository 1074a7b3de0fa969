"""A till's offline outbox, synced: each event judged by the program, in the till's order."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from loyalty_gst import service
from loyalty_gst.api import presence
from loyalty_gst.api.deps import OwnSync, Svc, TerminalCaller, account_of, scoped_key
from loyalty_gst.api.schemas import (
    AccountSnapshot,
    Allowance,
    AllowanceRequest,
    LotOut,
    SyncResponse,
)
from loyalty_gst.service import allowance
from loyalty_gst.service.common import IST
from loyalty_gst.service.offline import EventResult, apply_event

router = APIRouter(prefix="/v1", tags=["terminals"])


@router.post("/sync", response_model=SyncResponse)
def sync(req: OwnSync, c: TerminalCaller, svc: Svc) -> SyncResponse:
    assert c.gstin and c.store_code and c.terminal
    results: list[EventResult] = []
    check = presence.offline_proof(svc.key)
    for ev in sorted(req.events, key=lambda e: e.seq):
        if not ev.event_id.startswith(f"{c.terminal}:"):
            results.append(
                EventResult(
                    event_id=ev.event_id,
                    status="rejected",
                    code="forbidden",
                    detail="an event id starts with its terminal's name",
                )
            )
            continue
        r = apply_event(
            svc.store,
            ev,
            gstin=c.gstin,
            store_code=c.store_code,
            terminal=c.terminal,
            program=svc.book,
            scope=scoped_key(c, ""),
            presence=check,
        )
        results.append(r)
        if r.status == "applied":
            svc.announce(c, r.account_id, r.balance, "sync")
    today = dt.datetime.now(IST).date()
    ids = sorted({r.account_id for r in results if r.account_id is not None})
    accounts = []
    for i in ids:
        b = service.balance_of(svc.store, i, on=today)
        accounts.append(
            AccountSnapshot(
                account_id=i,
                balance=b.balance,
                available=b.available,
                overdraft=b.overdraft,
                tier=b.tier,
                lots=[LotOut(points=lt.points, expires_on=lt.expires_on) for lt in b.lots],
            )
        )
    settled = 0
    if req.settle:
        with svc.store.begin() as conn:
            settled = allowance.settle(
                conn, store_code=c.store_code, terminal=c.terminal, at=dt.datetime.now(dt.UTC)
            )
    return SyncResponse(results=results, accounts=accounts, settled=settled)


@router.post("/allowances", response_model=Allowance)
def grant(req: AllowanceRequest, c: TerminalCaller, svc: Svc) -> Allowance:
    """This till's part of the member's offline budget for today, topped up."""
    assert c.store_code and c.terminal
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(IST).date()
    a = account_of(svc.store, req.mobile)
    with svc.store.begin() as conn:
        points = allowance.grant(
            conn, svc.book.active(today), account_id=a.id, store_code=c.store_code,
            terminal=c.terminal, day=today, at=now,
        )  # fmt: skip
    return Allowance(account_id=a.id, day=today, points=points)
