"""Account use cases: lookup, history, adjust, opening balances (migrate), expiry, verify,
merge. Each write is one transaction under the account's row lock; keyed ones replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from loyalty_gst import identity
from loyalty_gst import program as pg
from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger import Entry, available, postings, verify
from loyalty_gst.ledger.postings import overdraft_of, stamp
from loyalty_gst.service.common import IST, Balance, Expired, LotView, _book, _Frozen, _now
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s


def lookup(
    store: Store, phone: str, *, on: dt.date | None = None, now: dt.datetime | None = None
) -> Balance:
    """The customer's balance, available points, tier and lots (by mobile number)."""
    at = _now(now)
    day = on or at.astimezone(IST).date()
    with store.engine.connect() as conn:
        a = identity.resolve(conn, phone=phone)
        return _balance(conn, a, day, at)


def balance_of(store: Store, account_id: int, *, on: dt.date | None = None) -> Balance:
    at = _now(None)
    with store.engine.connect() as conn:
        a = identity.resolve(conn, account_id=account_id)
        return _balance(conn, a, on or at.astimezone(IST).date(), at)


def _balance(conn: sa.Connection, a: acc.Account, day: dt.date, at: dt.datetime) -> Balance:
    lots = ent.lots_of(conn, a.id)
    held = ent.open_holds(conn, a.id, stamp(at))
    return Balance(
        account_id=a.id,
        mobile=mask(a.mobile or ""),
        tier=a.tier,
        balance=a.balance,
        overdraft=sum(lt.remaining for lt in lots) - a.balance,  # the ledger's invariant
        available=available(lots, day, held),
        held=held,
        lots=tuple(
            LotView(points=lt.remaining, expires_on=lt.expires_on)
            for lt in sorted(lots, key=lambda x: (x.expires_on, x.id))
        ),
    )


def history(store: Store, phone: str) -> list[Entry]:
    """Every entry of the customer's live account, oldest first."""
    with store.engine.connect() as conn:
        a = identity.resolve(conn, phone=phone)
        return ent.entries_of(conn, a.id)


def adjust(
    store: Store,
    *,
    phone: str,
    points: int,
    reason: str,
    actor: str,
    key: str,
    program: pg.ProgramBook | None = None,
    now: dt.datetime | None = None,
) -> Entry:
    """A manual correction (+ adds a lot with the program's expiry, − takes FIFO).
    Returns the entry; a replayed key returns the first one and changes nothing."""
    at = _now(now)
    day = at.astimezone(IST).date()
    prog = _book(store, program).active(day)
    with store.begin() as conn:
        a = acc.lock(conn, identity.resolve(conn, phone=phone).id)
        first = ent.find_entry(conn, key)
        if first is not None:
            return first
        plan = postings.adjust(
            a.state, ent.lots_of(conn, a.id), key=key, points=points, reason=reason,
            actor=actor, on=day, expires_on=pg.add_months(day, prog.expiry_months), at=at,
        )  # fmt: skip
        ent.apply(conn, plan, a.state)
        return plan.entry


def migrate_in(
    conn: sa.Connection,
    *,
    phone: str,
    lots: Sequence[tuple[int, dt.date]],
    key: str,
    program: pg.Program,
    at: dt.datetime,
    name: str | None = None,
    source: str = "legacy",
) -> int:
    """Opening balance inside the caller's transaction: enrol the customer if new, then
    one `migrate` entry with its own lots. A replayed key adds nothing. Returns the points."""
    a = identity.enrol(conn, phone=phone, tier=program.tiers[0].name, at=stamp(at), name=name)
    a = acc.lock(conn, a.id)
    if ent.find_entry(conn, key) is not None:
        return 0
    plan = postings.migrate(
        a.state, key=key, lots=lots, on=at.astimezone(IST).date(), at=at, source=source
    )
    ent.apply(conn, plan, a.state)
    return plan.entry.points


def migrate_opening(
    store: Store,
    *,
    phone: str,
    lots: Sequence[tuple[int, dt.date]],
    key: str,
    program: pg.ProgramBook | None = None,
    name: str | None = None,
    now: dt.datetime | None = None,
) -> Entry:
    """An opening balance (see migrate_in); returns the migrate entry (the first on replay)."""
    at = _now(now)
    day = at.astimezone(IST).date()
    prog = _book(store, program).active(day)
    with store.begin() as conn:
        migrate_in(conn, phone=phone, lots=lots, key=key, program=prog, at=at, name=name)
        entry = ent.find_entry(conn, key)
        assert entry is not None
        return entry


def expire(store: Store, *, as_of: dt.date, now: dt.datetime | None = None) -> Expired:
    """Expire every lot whose day has come (expires_on ≤ as_of), one account at a time."""
    at = _now(now)
    lt = s.lots
    with store.engine.connect() as conn:
        due = list(
            conn.scalars(
                sa.select(lt.c.account_id)
                .where(lt.c.remaining > 0, lt.c.expires_on <= as_of)
                .distinct()
                .order_by(lt.c.account_id)
            )
        )
    accounts = points = 0
    for account_id in due:
        with store.begin() as conn:
            a = acc.lock(conn, account_id)
            key = f"expire:{a.id}:{a.seq + 1}"
            plan = postings.expire(a.state, ent.lots_of(conn, a.id), key=key, as_of=as_of, at=at)
            if plan is None:
                continue
            ent.apply(conn, plan, a.state)
            accounts += 1
            points -= plan.entry.points
    return Expired(accounts=accounts, points=points)


class DueLot(_Frozen):
    """A lot that expiry would take: whose (masked), how many points, since when due."""

    account_id: int
    mobile: str  # masked
    points: int
    expires_on: dt.date


def expiring(store: Store, *, as_of: dt.date) -> list[DueLot]:
    """What `expire(as_of=…)` would take, lot by lot — read only (the same rule: every lot
    with points left whose expiry date is on or before `as_of`)."""
    lt, a = s.lots, s.accounts
    query = (
        sa.select(lt.c.account_id, a.c.mobile, lt.c.remaining, lt.c.expires_on)
        .join(a, a.c.id == lt.c.account_id)
        .where(lt.c.remaining > 0, lt.c.expires_on <= as_of)
        .order_by(lt.c.account_id, lt.c.expires_on, lt.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        DueLot(account_id=r[0], mobile=mask(r[1] or ""), points=r[2], expires_on=r[3]) for r in rows
    ]


def verify_accounts(store: Store, *, account_id: int | None = None) -> list[Problem]:
    """Every altered, removed or reordered entry, and any balance or lot mismatch."""
    problems: list[Problem] = []
    with store.engine.connect() as conn:
        ids = [account_id] if account_id is not None else acc.all_ids(conn)
        for i in ids:
            a = acc.find(conn, id=i)
            if a is None:
                problems.append(Problem("account", i, "no such account", "unknown_customer"))
                continue
            chain = ent.entries_of(conn, i)
            problems += verify(chain, head_seq=a.seq, head_hash=a.head, balance=a.balance)
            in_lots = sum(lt.remaining for lt in ent.lots_of(conn, i))
            owed = overdraft_of(chain)
            if owed < 0 or in_lots - owed != a.balance:
                rule = (
                    f"lots hold {in_lots} points less {owed} offline overdraft, "
                    f"the balance says {a.balance}"
                )
                problems.append(Problem(f"account {i} lots", in_lots, rule, "lots"))
    return problems


def merge(
    store: Store,
    *,
    phone: str,
    into_phone: str,
    actor: str,
    program: pg.ProgramBook | None = None,
    now: dt.datetime | None = None,
) -> Balance:
    """Merge the account of `phone` into the account of `into_phone` (history kept)."""
    at = _now(now)
    with store.engine.connect() as conn:
        source = identity.resolve(conn, phone=phone).id
        into = identity.resolve(conn, phone=into_phone).id
    if source == into:
        raise InvalidInput.one("phone", mask(phone), "both numbers are on one account already")
    prog = _book(store, program).active(at.astimezone(IST).date())
    identity.merge(store, source=source, into=into, actor=actor, program=prog, now=at)
    return balance_of(store, into)
