"""Ledger rows: apply a `Plan` (entry, lot changes, account head) and read entries back.

Only this module writes entries and lots; it runs inside the caller's transaction,
after the account row was locked. The write helpers take a connection or the
transaction's gathered `Writes` (store.batch), sent together at its end.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa

from loyalty_gst.ledger import AccountState, Entry, Lot, Plan, canonical
from loyalty_gst.money import ZERO
from loyalty_gst.store import schema as s
from loyalty_gst.store.batch import Executes

# Statements built once, with bind parameters: SQLAlchemy then reuses their compiled
# form and cache key on every call instead of building and keying a new statement.
_e, _lt, _h, _sp, _rq = s.entries, s.lots, s.holds, s.spend, s.requests
_ENTRY_INSERT = _e.insert()
# a lot is changed by its id and its account (the distribution key: docs/scale.md)
_LOT_ROW = sa.and_(_lt.c.id == sa.bindparam("lid"), _lt.c.account_id == sa.bindparam("a"))
_LOT_TAKE = _lt.update().where(_LOT_ROW).values(remaining=_lt.c.remaining - sa.bindparam("n"))
_LOT_GIVE = _lt.update().where(_LOT_ROW).values(remaining=_lt.c.remaining + sa.bindparam("n"))
_LOT_INSERT = _lt.insert()
_HEAD = s.accounts.update().where(s.accounts.c.id == sa.bindparam("b_id"))
_LOTS = (
    sa.select(_lt.c.id, _lt.c.remaining, _lt.c.expires_on, _lt.c.earned_on)
    .where(_lt.c.account_id == sa.bindparam("a"))
    .order_by(_lt.c.id)
)
_LIVE_LOTS = (
    sa.select(_lt.c.id, _lt.c.remaining, _lt.c.expires_on, _lt.c.earned_on)
    .where(_lt.c.account_id == sa.bindparam("a"), _lt.c.remaining > 0)
    .order_by(_lt.c.id)
)


def apply(conn: Executes, plan: Plan, state: AccountState, *, head: bool = True) -> AccountState:
    """Append the plan's entry, change its lots, move the account's head and balance.
    `head=False` leaves the account row to the caller, who writes the final state once
    (`write_head`) after all of a transaction's plans."""
    e = plan.entry
    if e.seq != state.seq + 1 or e.prev_hash != state.head:
        raise RuntimeError("plan was built on a stale account state")
    conn.execute(
        _ENTRY_INSERT,
        {
            "account_id": e.account_id,
            "seq": e.seq,
            "kind": e.kind,
            "key": e.key,
            "points": e.points,
            "at": e.at,
            "body": canonical(e.body),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        },
    )
    a = e.account_id
    if plan.takes:
        conn.execute(_LOT_TAKE, [{"lid": t.lot_id, "a": a, "n": t.points} for t in plan.takes])
    if plan.gives:
        conn.execute(_LOT_GIVE, [{"lid": t.lot_id, "a": a, "n": t.points} for t in plan.gives])
    if plan.new_lots:
        conn.execute(
            _LOT_INSERT,
            [
                {
                    "account_id": e.account_id,
                    "points": new.points,
                    "remaining": new.points,
                    "expires_on": new.expires_on,
                    "earned_on": new.earned_on,
                    "entry_key": e.key,
                    "carried_from": None,
                }
                for new in plan.new_lots
            ],
        )
    after = plan.after(state)
    if head:
        write_head(conn, after)
    return after


def write_head(conn: Executes, state: AccountState, **values: object) -> None:
    """The account row's balance and chain head (and any further columns) in one UPDATE."""
    conn.execute(
        _HEAD,
        {"b_id": state.id, "balance": state.balance, "seq": state.seq, "head": state.head,
         **values},
    )  # fmt: skip


def lots_of(conn: sa.Connection, account_id: int, *, with_empty: bool = False) -> list[Lot]:
    rows = conn.execute(_LOTS if with_empty else _LIVE_LOTS, {"a": account_id})
    return [Lot(r.id, r.remaining, r.expires_on, r.earned_on) for r in rows]


def lots_by_id(conn: sa.Connection, ids: Sequence[int]) -> dict[int, tuple[int, Lot]]:
    """lot id -> (account id, lot), whatever account holds it."""
    lt = s.lots
    rows = conn.execute(
        sa.select(lt.c.id, lt.c.account_id, lt.c.remaining, lt.c.expires_on, lt.c.earned_on).where(
            lt.c.id.in_(list(ids))
        )
    )
    return {r.id: (r.account_id, Lot(r.id, r.remaining, r.expires_on, r.earned_on)) for r in rows}


def carried(conn: sa.Connection, lot_id: int) -> int | None:
    """The lot that continues `lot_id` after a merge, if any."""
    return conn.scalar(sa.select(s.lots.c.id).where(s.lots.c.carried_from == lot_id))


def mark_carried(
    conn: sa.Connection, account_id: int, entry_key: str, sources: Sequence[int]
) -> None:
    """Link the lots a merge_in entry created to the merged account's lots, in order."""
    new_ids = list(
        conn.scalars(
            sa.select(s.lots.c.id)
            .where(s.lots.c.account_id == account_id, s.lots.c.entry_key == entry_key)
            .order_by(s.lots.c.id)
        )
    )
    for new, old in zip(new_ids, sources, strict=True):
        conn.execute(s.lots.update().where(s.lots.c.id == new).values(carried_from=old))


def lot_of_entry(conn: sa.Connection, key: str) -> int | None:
    return conn.scalar(sa.select(s.lots.c.id).where(s.lots.c.entry_key == key))


def _entry(row: sa.Row[object]) -> Entry:
    m = row._mapping
    return Entry(
        m["account_id"], m["seq"], m["kind"], m["key"], m["points"], m["at"],
        json.loads(m["body"]), m["prev_hash"], m["hash"],
    )  # fmt: skip


_ECOLS = [
    s.entries.c[n]
    for n in ("account_id", "seq", "kind", "key", "points", "at", "body", "prev_hash", "hash")
]


_FIND_ENTRY = sa.select(*_ECOLS).where(_e.c.key == sa.bindparam("k"))


def find_entry(conn: sa.Connection, key: str) -> Entry | None:
    row = conn.execute(_FIND_ENTRY, {"k": key}).first()
    return _entry(row) if row else None


def entries_of(
    conn: sa.Connection, account_id: int, *, kinds: Sequence[str] | None = None
) -> list[Entry]:
    q = sa.select(*_ECOLS).where(s.entries.c.account_id == account_id)
    if kinds:
        q = q.where(s.entries.c.kind.in_(list(kinds)))
    return [_entry(r) for r in conn.execute(q.order_by(s.entries.c.seq))]


def redeemed_since(conn: sa.Connection, account_id: int, since: str) -> tuple[int, int]:
    """(points redeemed, number of redemptions) by the account since the UTC stamp."""
    row = conn.execute(_REDEEMED_SINCE, {"a": account_id, "since": since}).one()
    return int(row[0]), int(row[1])


_REDEEMED_SINCE = sa.select(sa.func.coalesce(sa.func.sum(-_e.c.points), 0), sa.func.count()).where(
    _e.c.account_id == sa.bindparam("a"), _e.c.kind == "redeem", _e.c.at >= sa.bindparam("since")
)


def redemptions(
    conn: sa.Connection,
    account_id: int,
    *,
    day_start: str,
    hour_ago: str,
    now: str,
    but: str | None,
) -> tuple[int, int, int]:
    """(points redeemed since `day_start`, redemptions since `hour_ago`, points on open
    holds except `but`) — what the velocity limits need, in one statement."""
    row = conn.execute(
        _VELOCITY,
        {"a": account_id, "day": day_start, "hour": hour_ago, "now": now, "but": but or ""},
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


_VELOCITY = sa.select(
    sa.select(sa.func.coalesce(sa.func.sum(-_e.c.points), 0))
    .where(_e.c.account_id == sa.bindparam("a"), _e.c.kind == "redeem",
           _e.c.at >= sa.bindparam("day"))
    .scalar_subquery(),
    sa.select(sa.func.count())
    .where(_e.c.account_id == sa.bindparam("a"), _e.c.kind == "redeem",
           _e.c.at >= sa.bindparam("hour"))
    .scalar_subquery(),
    sa.select(sa.func.coalesce(sa.func.sum(_h.c.points), 0))
    .where(_h.c.account_id == sa.bindparam("a"), _h.c.status == "open",
           _h.c.until > sa.bindparam("now"), _h.c.key != sa.bindparam("but"))
    .scalar_subquery(),
)  # fmt: skip


# --- holds ---


def open_holds(conn: sa.Connection, account_id: int, now: str, *, but: str | None = None) -> int:
    """Points reserved by the account's unexpired open holds (except hold `but`)."""
    # no hold key is empty, so "" stands for "no exception"
    return int(conn.scalar(_OPEN_HOLDS, {"a": account_id, "now": now, "but": but or ""}) or 0)


_OPEN_HOLDS = sa.select(sa.func.coalesce(sa.func.sum(_h.c.points), 0)).where(
    _h.c.account_id == sa.bindparam("a"),
    _h.c.status == "open",
    _h.c.until > sa.bindparam("now"),
    _h.c.key != sa.bindparam("but"),
)
_GET_HOLD = sa.select(_h).where(_h.c.key == sa.bindparam("k"))
_SET_HOLD = _h.update().where(_h.c.key == sa.bindparam("k"))
# with the account known (the checkout's case): routed by the distribution key too
_GET_OWN_HOLD = _GET_HOLD.where(_h.c.account_id == sa.bindparam("a"))
_SET_OWN_HOLD = _SET_HOLD.where(_h.c.account_id == sa.bindparam("a"))
_OWN_HOLDS_LIKE = (
    sa.select(_h)
    .where(_h.c.account_id == sa.bindparam("a"), _h.c.key.like(sa.bindparam("prefix")))
    .order_by(_h.c.id)
)


def get_hold(
    conn: sa.Connection, key: str, *, account_id: int | None = None
) -> sa.Row[object] | None:
    """The hold `key` (of `account_id`, when the caller knows whose it must be)."""
    if account_id is not None:
        return conn.execute(_GET_OWN_HOLD, {"k": key, "a": account_id}).first()
    return conn.execute(_GET_HOLD, {"k": key}).first()


def holds_like(
    conn: sa.Connection, prefix: str, *, account_id: int | None = None
) -> list[sa.Row[object]]:
    if account_id is not None:
        return list(conn.execute(_OWN_HOLDS_LIKE, {"a": account_id, "prefix": prefix + "%"}))
    h = s.holds
    return list(conn.execute(sa.select(h).where(h.c.key.like(prefix + "%")).order_by(h.c.id)))


def add_hold(conn: sa.Connection, *, account_id: int, key: str, points: int, until: str) -> None:
    conn.execute(
        s.holds.insert().values(
            account_id=account_id, key=key, points=points, until=until, status="open"
        )
    )


def set_hold(conn: Executes, key: str, status: str, *, account_id: int | None = None) -> None:
    if account_id is not None:
        conn.execute(_SET_OWN_HOLD, {"k": key, "a": account_id, "status": status})
        return
    conn.execute(_SET_HOLD, {"k": key, "status": status})


# --- spend (for tiers) ---


_SPEND_INSERT = _sp.insert()
# the rolling window's total as one aggregate; paise are whole numbers, so SUM is exact
# on every database and Paise turns it back into rupees
_SPEND_SUM = sa.select(
    sa.type_coerce(sa.func.coalesce(sa.func.sum(_sp.c.amount), 0), s.Paise)
).where(
    _sp.c.account_id == sa.bindparam("a"),
    _sp.c.day > sa.bindparam("after"),
    _sp.c.day <= sa.bindparam("upto"),
)


def add_spend(conn: Executes, account_id: int, day: dt.date, amount: Decimal, ref: str) -> None:
    conn.execute(
        _SPEND_INSERT, {"account_id": account_id, "day": day, "amount": amount, "ref": ref}
    )


def spend_between(conn: sa.Connection, account_id: int, after: dt.date, upto: dt.date) -> Decimal:
    """Σ spend with after < day ≤ upto (rolling window)."""
    total = conn.scalar(_SPEND_SUM, {"a": account_id, "after": after, "upto": upto})
    return total if total is not None else ZERO


def copy_spend(conn: sa.Connection, source: int, target: int) -> None:
    sp = s.spend
    rows = conn.execute(
        sa.select(sp.c.day, sp.c.amount, sp.c.ref).where(sp.c.account_id == source)
    ).all()
    if rows:
        conn.execute(
            sp.insert(),
            [{"account_id": target, "day": r.day, "amount": r.amount, "ref": r.ref} for r in rows],
        )


# --- keyed requests (replays return the first result) ---


_GET_REQUEST = sa.select(_rq.c.kind, _rq.c.result).where(_rq.c.key == sa.bindparam("k"))
_PUT_REQUEST = _rq.insert()


def get_request(conn: sa.Connection, key: str) -> str | None:
    found = get_request_kind(conn, key)
    return found[1] if found is not None else None


def get_request_kind(conn: sa.Connection, key: str) -> tuple[str, str] | None:
    """(kind, result) of a keyed request, or None."""
    row = conn.execute(_GET_REQUEST, {"k": key}).first()
    return (row.kind, row.result) if row is not None else None


def overdraft(conn: sa.Connection, account_id: int) -> int:
    """The account's offline overdraft still owed (see ledger.postings)."""
    from loyalty_gst.ledger.postings import overdraft_of

    return overdraft_of(entries_of(conn, account_id, kinds=("redeem", "recover")))


def put_request(conn: Executes, key: str, kind: str, result: str, at: str) -> None:
    conn.execute(_PUT_REQUEST, {"key": key, "kind": kind, "result": result, "at": at})
