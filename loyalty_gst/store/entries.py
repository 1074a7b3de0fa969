"""Ledger rows: apply a `Plan` (entry, lot changes, account head) and read entries back.

Only this module writes entries and lots; it runs inside the caller's transaction,
after the account row was locked.
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


def apply(conn: sa.Connection, plan: Plan, state: AccountState) -> AccountState:
    """Append the plan's entry, change its lots, move the account's head and balance."""
    e = plan.entry
    if e.seq != state.seq + 1 or e.prev_hash != state.head:
        raise RuntimeError("plan was built on a stale account state")
    conn.execute(
        s.entries.insert().values(
            account_id=e.account_id,
            seq=e.seq,
            kind=e.kind,
            key=e.key,
            points=e.points,
            at=e.at,
            body=canonical(e.body),
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
    )
    lt = s.lots
    if plan.takes:
        conn.execute(
            lt.update()
            .where(lt.c.id == sa.bindparam("lid"))
            .values(remaining=lt.c.remaining - sa.bindparam("n")),
            [{"lid": t.lot_id, "n": t.points} for t in plan.takes],
        )
    if plan.gives:
        conn.execute(
            lt.update()
            .where(lt.c.id == sa.bindparam("lid"))
            .values(remaining=lt.c.remaining + sa.bindparam("n")),
            [{"lid": t.lot_id, "n": t.points} for t in plan.gives],
        )
    for new in plan.new_lots:
        conn.execute(
            lt.insert().values(
                account_id=e.account_id,
                points=new.points,
                remaining=new.points,
                expires_on=new.expires_on,
                earned_on=new.earned_on,
                entry_key=e.key,
            )
        )
    after = plan.after(state)
    conn.execute(
        s.accounts.update()
        .where(s.accounts.c.id == state.id)
        .values(balance=after.balance, seq=after.seq, head=after.head)
    )
    return after


def lots_of(conn: sa.Connection, account_id: int, *, with_empty: bool = False) -> list[Lot]:
    lt = s.lots
    q = sa.select(lt.c.id, lt.c.remaining, lt.c.expires_on, lt.c.earned_on).where(
        lt.c.account_id == account_id
    )
    if not with_empty:
        q = q.where(lt.c.remaining > 0)
    return [
        Lot(r.id, r.remaining, r.expires_on, r.earned_on) for r in conn.execute(q.order_by(lt.c.id))
    ]


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


def find_entry(conn: sa.Connection, key: str) -> Entry | None:
    row = conn.execute(sa.select(*_ECOLS).where(s.entries.c.key == key)).first()
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
    e = s.entries
    row = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(-e.c.points), 0), sa.func.count()).where(
            e.c.account_id == account_id, e.c.kind == "redeem", e.c.at >= since
        )
    ).one()
    return int(row[0]), int(row[1])


# --- holds ---


def open_holds(conn: sa.Connection, account_id: int, now: str, *, but: str | None = None) -> int:
    """Points reserved by the account's unexpired open holds (except hold `but`)."""
    h = s.holds
    q = sa.select(sa.func.coalesce(sa.func.sum(h.c.points), 0)).where(
        h.c.account_id == account_id, h.c.status == "open", h.c.until > now
    )
    if but:
        q = q.where(h.c.key != but)
    return int(conn.scalar(q) or 0)


def get_hold(conn: sa.Connection, key: str) -> sa.Row[object] | None:
    return conn.execute(sa.select(s.holds).where(s.holds.c.key == key)).first()


def holds_like(conn: sa.Connection, prefix: str) -> list[sa.Row[object]]:
    h = s.holds
    return list(conn.execute(sa.select(h).where(h.c.key.like(prefix + "%")).order_by(h.c.id)))


def add_hold(conn: sa.Connection, *, account_id: int, key: str, points: int, until: str) -> None:
    conn.execute(
        s.holds.insert().values(
            account_id=account_id, key=key, points=points, until=until, status="open"
        )
    )


def set_hold(conn: sa.Connection, key: str, status: str) -> None:
    conn.execute(s.holds.update().where(s.holds.c.key == key).values(status=status))


# --- spend (for tiers) ---


def add_spend(
    conn: sa.Connection, account_id: int, day: dt.date, amount: Decimal, ref: str
) -> None:
    conn.execute(s.spend.insert().values(account_id=account_id, day=day, amount=amount, ref=ref))


def spend_between(conn: sa.Connection, account_id: int, after: dt.date, upto: dt.date) -> Decimal:
    """Σ spend with after < day ≤ upto (rolling window)."""
    sp = s.spend
    rows = conn.scalars(
        sa.select(sp.c.amount).where(
            sp.c.account_id == account_id, sp.c.day > after, sp.c.day <= upto
        )
    )
    return sum(rows, ZERO)


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


def get_request(conn: sa.Connection, key: str) -> str | None:
    return conn.scalar(sa.select(s.requests.c.result).where(s.requests.c.key == key))


def get_request_kind(conn: sa.Connection, key: str) -> tuple[str, str] | None:
    """(kind, result) of a keyed request, or None."""
    row = conn.execute(
        sa.select(s.requests.c.kind, s.requests.c.result).where(s.requests.c.key == key)
    ).first()
    return (row.kind, row.result) if row is not None else None


def overdraft(conn: sa.Connection, account_id: int) -> int:
    """The account's offline overdraft still owed (see ledger.postings)."""
    from loyalty_gst.ledger.postings import overdraft_of

    return overdraft_of(entries_of(conn, account_id, kinds=("redeem", "recover")))


def put_request(conn: sa.Connection, key: str, kind: str, result: str, at: str) -> None:
    conn.execute(s.requests.insert().values(key=key, kind=kind, result=result, at=at))
