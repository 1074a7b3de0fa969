"""What every use case shares: result models, the program, the idempotent transaction
(`keyed`), retries, velocity. The clock lives in `loyalty_gst.clock`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from loyalty_gst import clock, company
from loyalty_gst import program as pg
from loyalty_gst.clock import IST as IST  # re-exported: channels import it from here
from loyalty_gst.clock import stamp
from loyalty_gst.errors import KeyConflict
from loyalty_gst.ledger import AccountState, available, postings
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import Store
from loyalty_gst.store import entries as ent
from loyalty_gst.store.batch import Writes

T = TypeVar("T")
R = TypeVar("R", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class LotView(_Frozen):
    points: int
    expires_on: dt.date


class Balance(_Frozen):
    account_id: int
    mobile: str  # masked
    tier: str
    balance: int  # Σ points on the account (lots not yet expired by the job included)
    available: int  # what a redemption today may use: unexpired, not on hold
    held: int
    overdraft: int = 0  # offline overdraft still owed (balance = lots − overdraft)
    lots: tuple[LotView, ...]


class Quote(_Frozen):
    invoice: TaxedInvoice
    account_id: int | None = None
    hold_key: str | None = None
    hold_until: str | None = None


class Committed(_Frozen):
    invoice: TaxedInvoice
    account_id: int | None = None
    points_redeemed: int = 0
    points_earned: int = 0
    bonus_points: int = 0
    balance: int | None = None
    tier: str | None = None
    replayed: bool = False


class Returned(_Frozen):
    note: TaxedInvoice
    account_id: int | None = None
    points_restored: int = 0
    points_forfeited: int = 0
    points_reversed: int = 0
    shortfall: int = 0
    balance: int | None = None
    tier: str | None = None
    replayed: bool = False


class Voided(_Frozen):
    """An invoice cancelled: its redeemed points given back, its earned points taken back."""

    invoice_number: str
    seller_gstin: str
    account_id: int | None = None
    points_restored: int = 0
    points_forfeited: int = 0
    points_reversed: int = 0
    shortfall: int = 0
    balance: int | None = None
    tier: str | None = None
    replayed: bool = False


class Expired(_Frozen):
    accounts: int
    points: int


_now = clock.now


def _book(store: Store, program: pg.ProgramBook | None) -> pg.ProgramBook:
    """The program given, else the one set up in the store's database (`loyalty-gst setup`)."""
    if program is not None:
        return program
    return company.current(store).program


def _retry(store: Store, work: Callable[[sa.Connection], T], replay: Callable[[], T | None]) -> T:
    """Run `work` in one transaction; on a lost race (unique key, deadlock) replay or retry."""
    for attempt in range(5):
        try:
            with store.begin() as conn:
                return work(conn)
        except (sa.exc.IntegrityError, sa.exc.OperationalError):
            again = replay()
            if again is not None:
                return again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def keyed(
    store: Store,
    key: str,
    kind: str,
    at: dt.datetime,
    *,
    find: Callable[[sa.Connection], T | None],
    run: Callable[[sa.Connection], R],
    replay: Callable[[], T | None],
    answer: Callable[[sa.Connection, R], T] | None = None,
    writes: Writes | None = None,
    dump: Callable[[R], str] | None = None,
) -> T:
    """The idempotent transaction, in named steps: `find` the first answer under `key`
    (a replay: return it); else `run` the use case, store its result under the key (kind
    `kind`), and give the caller `answer(conn, result)` (default: the result itself) —
    all in one transaction. A lost race on the key (a unique violation when storing it)
    rolls back and `replay`s the winner's answer, else retries (`_retry`).

    With `writes` (which `run` fills), the stored result joins them and they are sent
    together at the end — on PostgreSQL with the COMMIT, one round-trip. `dump` makes
    the stored JSON (default: `model_dump_json`)."""

    def work(conn: sa.Connection) -> T:
        if writes is not None:
            writes.items.clear()  # a retried transaction starts again
        prior = find(conn)
        if prior is not None:
            return prior
        result = run(conn)
        text = dump(result) if dump is not None else result.model_dump_json()
        ent.put_request(writes or conn, key, kind, text, stamp(at))
        if writes is not None:
            writes.flush(conn, commit=answer is None)
        return answer(conn, result) if answer is not None else result  # type: ignore[return-value]

    return _retry(store, work, replay)


def with_invoice(result: Committed, invoice_json: str) -> str:
    """`result.model_dump_json()`, its invoice's JSON (already made for the stored
    invoice) put in rather than made again: the same text, one serialisation less."""
    rest = result.model_dump_json(exclude={"invoice"})
    return '{"invoice":' + invoice_json + ("," + rest[1:] if rest != "{}" else "}")


_KINDS = {"Committed": "commit", "Returned": "return", "Voided": "void"}


def _first(
    conn: sa.Connection, key: str, model: type[Committed] | type[Returned] | type[Voided]
) -> T | None:
    """The first result stored under `key`, marked replayed; a key already used by
    another kind of request is a conflict, never a silent success."""
    found = ent.get_request_kind(conn, key)
    return None if found is None else _answer(key, found, model)


def _answer(
    key: str,
    found: tuple[str, str],
    model: type[Committed] | type[Returned] | type[Voided],
) -> T:
    """The stored (kind, result) of `key` as the replay of a `model` request."""
    kind, text = found
    if kind != _KINDS[model.__name__]:
        raise KeyConflict(f"the key {key!r} was already used by a {kind} request")
    return model.model_validate_json(text).model_copy(update={"replayed": True})  # type: ignore[return-value]


def same_document(key: str, first: TaxedInvoice, now: TaxedInvoice) -> None:
    """A key names one request: reused for another document, or for other content under
    the same number, it is refused with both documents named (never a silent replay)."""
    if first == now:
        return
    other = "" if first.number != now.number else " with other content"
    raise KeyConflict(
        f"the key {key.rsplit('/', 1)[-1]!r} already posted {first.kind} {first.number}; "
        f"this request is {now.kind} {now.number}{other}"
    )


def _replayed(
    store: Store, key: str, model: type[Committed] | type[Returned] | type[Voided]
) -> T | None:
    with store.engine.connect() as conn:
        return _first(conn, key, model)


def _rolling_tier(conn: sa.Connection, prog: pg.Program, account_id: int, on: dt.date) -> pg.Tier:
    spent = ent.spend_between(conn, account_id, pg.add_months(on, -12), on)
    return pg.tier_for(spent, prog.tiers)


def _velocity(
    conn: sa.Connection,
    prog: pg.Program,
    account_id: int,
    points: int,
    now: dt.datetime,
    approver: str | None,
    but: str | None = None,
) -> int:
    """Check the program's velocity limits (one query); returns the points on open holds
    (except `but`), which the redemption needs next."""
    today, last_hour, held = ent.redemptions(
        conn, account_id, day_start=stamp(clock.ist_midnight(now)),
        hour_ago=stamp(now - dt.timedelta(hours=1)), now=stamp(now), but=but,
    )  # fmt: skip
    pg.check_velocity(
        prog,
        points=points,
        points_today=today + held,
        redemptions_last_hour=last_hour,
        approver=approver,
    )
    return held


def recover_overdraft(
    conn: sa.Connection,
    state: AccountState,
    *,
    on: dt.date,
    at: dt.datetime,
    key: str,
    head: bool = True,
) -> AccountState:
    """Pay offline overdraft back from the account's usable points (new earnings first
    in effect: an overdrawn account has no other usable points)."""
    lots = ent.lots_of(conn, state.id)
    # balance = Σ lots − overdraft (the ledger's invariant; `verify` checks it from the
    # entries): the cheap way to know what is owed on the hot path
    owed = sum(lt.remaining for lt in lots) - state.balance
    if owed <= 0:
        return state
    pay = min(owed, available(lots, on, ent.open_holds(conn, state.id, stamp(at))))
    if pay <= 0:
        return state
    plan = postings.recover(state, lots, key=key, points=pay, on=on, at=at)
    return ent.apply(conn, plan, state, head=head)
