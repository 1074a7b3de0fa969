"""The offline allowance: one budget per member and day (the program's
`offline_cap_per_day`), shared by every till.

A till, while online, is granted its part of a member's budget (`grant`); offline it may
redeem for that member on that day only within its part, which `spend` enforces when
the till syncs (an event beyond it is refused, not flagged); a sync `settle`s the till's
open parts and so returns what it did not spend. So, whatever the tills do:

- Σ offline redemptions of a member on a day ≤ the cap (Σ parts granted ≤ the cap), and
- a part is granted only out of the member's usable points not already granted to other
  tills, so points spent online meanwhile can overdraw the member by at most what is
  granted: the balance never goes below −cap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from loyalty_gst import program as pg
from loyalty_gst.errors import OfflineAllowanceExceeded
from loyalty_gst.ledger import available
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s

_A = s.allowances


def _mine(
    conn: sa.Connection, account_id: int, store_code: str, terminal: str, day: dt.date
) -> sa.Row[Any] | None:
    return conn.execute(
        sa.select(_A).where(
            _A.c.account_id == account_id,
            _A.c.store_code == store_code,
            _A.c.terminal == terminal,
            _A.c.day == day,
            _A.c.status == "open",
        )
    ).first()


def grant(
    conn: sa.Connection,
    prog: pg.Program,
    *,
    account_id: int,
    store_code: str,
    terminal: str,
    day: dt.date,
    at: dt.datetime,
) -> int:
    """Top up this till's part of the member's budget for `day`; the points it may still
    redeem offline. A part is never lowered (the till may have spent it unsynced)."""
    a = acc.lock(conn, account_id)  # grants for one member are granted one at a time
    rows = conn.execute(sa.select(_A).where(_A.c.account_id == a.id, _A.c.day == day)).all()
    mine = next(
        (
            r
            for r in rows
            if r.store_code == store_code and r.terminal == terminal and r.status == "open"
        ),
        None,
    )
    others = [r for r in rows if r is not mine]
    # the cap: every other part counts whole while open, what it spent once settled
    cap_room = prog.offline_cap_per_day - sum(
        r.points if r.status == "open" else r.used for r in others
    )
    # the points: usable now, less what other tills may still spend unsynced
    usable = min(
        a.balance, available(ent.lots_of(conn, a.id), day, ent.open_holds(conn, a.id, stamp(at)))
    )
    out = sum(r.points - r.used for r in others if r.status == "open")
    used = mine.used if mine is not None else 0
    want = min(cap_room, used + max(0, usable - out))
    have = mine.points if mine is not None else 0
    points = max(have, want, 0)
    if mine is None:
        if points > 0:
            conn.execute(
                _A.insert().values(
                    account_id=a.id, store_code=store_code, terminal=terminal, day=day,
                    points=points, used=0, status="open", granted_at=stamp(at),
                )
            )  # fmt: skip
    elif points != have:
        conn.execute(_A.update().where(_A.c.id == mine.id).values(points=points))
    return points - used


def spend(
    conn: sa.Connection,
    *,
    account_id: int,
    store_code: str,
    terminal: str,
    day: dt.date,
    points: int,
) -> None:
    """Draw an offline redemption from this till's open part for the member and day, or
    refuse it (nothing is written)."""
    mine = _mine(conn, account_id, store_code, terminal, day)
    left = (mine.points - mine.used) if mine is not None else 0
    if points > left:
        raise OfflineAllowanceExceeded(
            f"{points} points redeemed offline on {day}, but this till's offline allowance "
            f"for the member has {left} left"
        )
    conn.execute(_A.update().where(_A.c.id == mine.id).values(used=_A.c.used + points))


def settle(conn: sa.Connection, *, store_code: str, terminal: str, at: dt.datetime) -> int:
    """Close the till's open parts (after its sync): what they did not spend goes back to
    each member's budget. The points returned."""
    q = _A.c.store_code == store_code, _A.c.terminal == terminal, _A.c.status == "open"
    back = conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(_A.c.points - _A.c.used), 0)).where(*q)
    )
    conn.execute(_A.update().where(*q).values(status="settled", settled_at=stamp(at)))
    return int(back or 0)
