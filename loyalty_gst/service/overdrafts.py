"""The offline overdraft report: every account a till overdrew offline (each overdrawn
sale, what was recovered, what is still owed), and the events the ledger refused."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from loyalty_gst.events import EventResult
from loyalty_gst.ids.mobile import mask
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s


class OverdraftEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    invoice: str
    terminal: str | None
    event: str | None
    points: int
    overdraft: int
    over_cap: bool
    at: str


class OverdraftLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    account_id: int
    mobile: str  # masked
    overdraft: int  # still owed
    overdrawn: int  # Σ ever overdrawn
    recovered: int
    events: tuple[OverdraftEvent, ...]


def overdrafts(store: Store) -> list[OverdraftLine]:
    """Every account that was ever overdrawn offline: each overdrawn sale, what is owed."""
    e = s.entries
    with store.engine.connect() as conn:
        ids = conn.scalars(
            sa.select(e.c.account_id)
            .where(e.c.kind == "redeem", e.c.body.like('%"offline":true%'))
            .distinct()
            .order_by(e.c.account_id)
        ).all()
        out = []
        for i in ids:
            rows = ent.entries_of(conn, i, kinds=("redeem", "recover"))
            events = tuple(
                OverdraftEvent(
                    invoice=str(d.invoice),
                    terminal=d.terminal,
                    event=d.event,
                    points=-r.points,
                    overdraft=d.overdraft,
                    over_cap=d.over_cap,
                    at=r.at,
                )
                for r in rows
                if r.kind == "redeem" and (d := r.details).overdraft > 0
            )
            if not events:
                continue
            a = acc.find(conn, id=i)
            drawn = sum(ev.overdraft for ev in events)
            back = sum(r.details.recovered for r in rows if r.kind == "recover")
            out.append(
                OverdraftLine(
                    account_id=i,
                    mobile=mask(a.mobile or "") if a else "-",
                    overdraft=drawn - back,
                    overdrawn=drawn,
                    recovered=back,
                    events=events,
                )
            )
    return out


def refusals(store: Store, *, limit: int = 1000) -> list[dict[str, str | None]]:
    """The events tills sent that the ledger refused, newest first (their stored results)."""
    r = s.requests
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(r.c.key, r.c.result, r.c.at)
            .where(r.c.kind == "reject")
            .order_by(r.c.at.desc())
            .limit(limit)
        ).all()
    out = []
    for row in rows:
        res = EventResult.model_validate_json(row.result)
        out.append(
            {
                "key": row.key,
                "event_id": row.key.rsplit("/", 1)[-1],
                "code": res.code,
                "detail": res.detail,
                "at": row.at,
            }
        )
    return out
