"""Postings: each turns the account's state (and lots) into a `Plan` — one chained entry
plus the lot changes it implies. Pure; the store applies plans under the account lock.

Kinds: earn, redeem (FIFO by expiry), hold / release (points reserved, balance unchanged),
reverse_earn (origin lot first, then FIFO; what cannot be taken back is recorded as a
shortfall, never overdrawn), restore_redeem (back into the lots the redemption used,
latest-expiring first; a lot already expired keeps its points forfeited), expire, adjust
(reason + actor), migrate (opening balance with its own lots), merge_out / merge_in,
and for the offline terminal: redeem_offline (what the lots cannot cover becomes offline
overdraft) and recover (new points pay the overdraft back).
Invariant: balance = Σ entry points = Σ lot remaining − offline overdraft, where the
overdraft = Σ `overdraft` − Σ `recovered` over the entries' bodies. Only an offline
redemption (already printed on a receipt) ever takes the balance below zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from loyalty_gst.clock import stamp
from loyalty_gst.errors import InvalidInput
from loyalty_gst.ledger.chain import Entry, entry_hash
from loyalty_gst.ledger.lots import Lot, Take, available, take_fifo, usable


@dataclass(frozen=True)
class AccountState:
    id: int
    balance: int
    seq: int
    head: str


@dataclass(frozen=True)
class NewLot:
    points: int
    expires_on: dt.date
    earned_on: dt.date


@dataclass(frozen=True)
class Plan:
    entry: Entry
    takes: tuple[Take, ...] = ()  # lot remaining decreases
    gives: tuple[Take, ...] = ()  # lot remaining increases (restores)
    new_lots: tuple[NewLot, ...] = ()

    def after(self, state: AccountState) -> AccountState:
        return AccountState(
            state.id, state.balance + self.entry.points, self.entry.seq, self.entry.hash
        )


def _takes_body(takes: Iterable[Take]) -> list[list[int]]:
    return [[t.lot_id, t.points] for t in takes]


def post(
    state: AccountState,
    *,
    kind: str,
    key: str,
    points: int,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
    takes: tuple[Take, ...] = (),
    gives: tuple[Take, ...] = (),
    new_lots: tuple[NewLot, ...] = (),
) -> Plan:
    """Chain one entry after the account's head."""
    entry = Entry(state.id, state.seq + 1, kind, key, points, stamp(at), body or {}, state.head)
    entry = Entry(**{**entry.__dict__, "hash": entry_hash(entry.content(), state.head)})
    return Plan(entry, takes, gives, new_lots)


def earn(
    state: AccountState,
    *,
    key: str,
    points: int,
    on: dt.date,
    expires_on: dt.date,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
) -> Plan:
    if points < 0:
        raise InvalidInput.one("points", points, "earned points must not be negative")
    lots = (NewLot(points, expires_on, on),) if points else ()
    return post(state, kind="earn", key=key, points=points, at=at, body=body, new_lots=lots)


def redeem(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    on: dt.date,
    at: dt.datetime,
    held: int = 0,
    body: dict[str, Any] | None = None,
) -> Plan:
    """Consume `points` first-expiring-first; `held` are points other holds reserve."""
    takes = take_fifo(lots, points, on, held)
    b = {**(body or {}), "lots": _takes_body(takes)}
    return post(state, kind="redeem", key=key, points=-points, at=at, body=b, takes=takes)


def redeem_offline(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    on: dt.date,
    at: dt.datetime,
    held: int = 0,
    body: dict[str, Any] | None = None,
) -> Plan:
    """A redemption a terminal made offline and already printed: the usable lots give
    what they have (FIFO), the rest is offline overdraft — the invoice stands."""
    covered = min(points, available(lots, on, held))
    takes = take_fifo(lots, covered, on, held)
    b = {
        **(body or {}),
        "lots": _takes_body(takes),
        "offline": True,
        "overdraft": points - covered,
    }
    return post(state, kind="redeem", key=key, points=-points, at=at, body=b, takes=takes)


def recover(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    on: dt.date,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
) -> Plan:
    """Pay `points` of offline overdraft back from usable lots; the balance already
    counts the debt, so it does not move."""
    takes = take_fifo(lots, points, on)
    b = {**(body or {}), "lots": _takes_body(takes), "recovered": points}
    return post(state, kind="recover", key=key, points=0, at=at, body=b, takes=takes)


def forgive(
    state: AccountState,
    *,
    key: str,
    points: int,
    owed: int,
    on: dt.date,
    expires_on: dt.date,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
) -> Plan:
    """A return undid `points` of an overdrawn redemption that no lot ever covered: the
    debt still `owed` is cancelled, and what later earnings had already repaid comes
    back as a lot (so reversing those earnings finds it). The balance rises by `points`."""
    cancels = min(points, owed)
    b = {**(body or {}), "recovered": cancels, "forgiven": points}
    lots = (NewLot(points - cancels, expires_on, on),) if points > cancels else ()
    return post(state, kind="recover", key=key, points=points, at=at, body=b, new_lots=lots)


def overdraft_of(entries: Iterable[Entry]) -> int:
    """Offline overdraft still owed: Σ overdraft − Σ recovered over the entries."""
    return sum(e.details.overdraft - e.details.recovered for e in entries)


def hold(
    state: AccountState, *, key: str, points: int, until: dt.datetime, at: dt.datetime
) -> Plan:
    return post(
        state, kind="hold", key=key, points=0, at=at, body={"hold": points, "until": stamp(until)}
    )


def release(state: AccountState, *, key: str, hold_key: str, at: dt.datetime) -> Plan:
    return post(state, kind="release", key=key, points=0, at=at, body={"hold_key": hold_key})


def reverse_earn(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    origin_lot: int | None,
    on: dt.date,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
) -> Plan:
    """Take back earned points: from the lot they created first, then FIFO."""
    left = points
    takes: list[Take] = []
    ordered = usable(lots, on)
    ordered.sort(key=lambda lt: lt.id != origin_lot)  # stable: origin first, then FIFO
    for lt in ordered:
        if left == 0:
            break
        n = min(left, lt.remaining)
        takes.append(Take(lt.id, n))
        left -= n
    b = {**(body or {}), "lots": _takes_body(takes), "shortfall": left}
    return post(
        state,
        kind="reverse_earn",
        key=key,
        points=-(points - left),
        at=at,
        body=b,
        takes=tuple(takes),
    )


def restore_redeem(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    consumed: Sequence[Take],
    on: dt.date,
    at: dt.datetime,
    body: dict[str, Any] | None = None,
) -> Plan:
    """Give `points` back to the lots the redemption consumed (what is still restorable
    per lot), latest-expiring first; a lot expired by `on` stays expired (forfeited)."""
    by_id = {lt.id: lt for lt in lots}
    order = sorted(consumed, key=lambda t: (by_id[t.lot_id].expires_on, t.lot_id), reverse=True)
    left = points
    gives: list[Take] = []
    lost: list[Take] = []
    for t in order:
        if left == 0:
            break
        n = min(left, t.points)
        left -= n
        (gives if by_id[t.lot_id].expires_on > on else lost).append(Take(t.lot_id, n))
    if left:
        raise InvalidInput.one("points", points, "more points restored than were redeemed")
    forfeited = sum(t.points for t in lost)
    restored = points - forfeited
    b = {
        **(body or {}),
        "lots": _takes_body(gives),
        "forfeited": forfeited,
        "forfeited_lots": _takes_body(lost),
    }
    return post(
        state, kind="restore_redeem", key=key, points=restored, at=at, body=b, gives=tuple(gives)
    )


def expire(
    state: AccountState, lots: Sequence[Lot], *, key: str, as_of: dt.date, at: dt.datetime
) -> Plan | None:
    """Expire every lot whose expiry date has come (expires_on ≤ as_of); None if none."""
    due = sorted(
        (lt for lt in lots if lt.remaining > 0 and lt.expires_on <= as_of),
        key=lambda lt: (lt.expires_on, lt.id),
    )
    if not due:
        return None
    takes = tuple(Take(lt.id, lt.remaining) for lt in due)
    total = sum(t.points for t in takes)
    body = {"as_of": as_of.isoformat(), "lots": _takes_body(takes)}
    return post(state, kind="expire", key=key, points=-total, at=at, body=body, takes=takes)


def adjust(
    state: AccountState,
    lots: Sequence[Lot],
    *,
    key: str,
    points: int,
    reason: str,
    actor: str,
    on: dt.date,
    expires_on: dt.date,
    at: dt.datetime,
) -> Plan:
    """A manual correction: positive adds a lot, negative takes FIFO (never overdraws)."""
    if not reason.strip() or not actor.strip():
        raise InvalidInput.one("reason", reason, "an adjustment needs a reason and an actor")
    if points == 0:
        raise InvalidInput.one("points", points, "an adjustment must change the balance")
    body = {"reason": reason, "actor": actor}
    if points > 0:
        new = (NewLot(points, expires_on, on),)
        return post(state, kind="adjust", key=key, points=points, at=at, body=body, new_lots=new)
    takes = take_fifo(lots, -points, on)
    body["lots"] = _takes_body(takes)  # type: ignore[assignment]
    return post(state, kind="adjust", key=key, points=points, at=at, body=body, takes=takes)


def migrate(
    state: AccountState,
    *,
    key: str,
    lots: Sequence[tuple[int, dt.date]],
    on: dt.date,
    at: dt.datetime,
    source: str = "legacy",
) -> Plan:
    """An opening balance carried from a legacy system, each part with its own expiry."""
    if any(p <= 0 for p, _ in lots):
        raise InvalidInput.one("points", [p for p, _ in lots], "migrated points must be positive")
    new = tuple(NewLot(p, exp, on) for p, exp in lots)
    body = {"source": source, "lots": [[p, exp.isoformat()] for p, exp in lots]}
    total = sum(p for p, _ in lots)
    return post(state, kind="migrate", key=key, points=total, at=at, body=body, new_lots=new)


def merge_out(
    state: AccountState, lots: Sequence[Lot], *, key: str, into: int, at: dt.datetime
) -> Plan:
    """Empty the merged account: every lot with points left moves to the survivor."""
    takes = tuple(
        Take(lt.id, lt.remaining) for lt in sorted(lots, key=lambda x: x.id) if lt.remaining
    )
    body = {"into": into, "lots": _takes_body(takes)}
    total = sum(t.points for t in takes)
    return post(state, kind="merge", key=key, points=-total, at=at, body=body, takes=takes)


def merge_in(
    state: AccountState, carried: Sequence[Lot], *, key: str, source: int, at: dt.datetime
) -> Plan:
    """Receive the merged account's lots, each keeping its own expiry."""
    moving = [lt for lt in sorted(carried, key=lambda x: x.id) if lt.remaining]
    new = tuple(NewLot(lt.remaining, lt.expires_on, lt.earned_on) for lt in moving)
    body = {
        "from": source,
        "lots": [[lt.id, lt.remaining, lt.expires_on.isoformat()] for lt in moving],
    }
    total = sum(lt.remaining for lt in moving)
    return post(state, kind="merge", key=key, points=total, at=at, body=body, new_lots=new)
