"""What every use case shares: result models, the clock, the program, retries, velocity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from loyalty_gst import program as pg
from loyalty_gst.errors import KeyConflict
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import Store
from loyalty_gst.store import entries as ent

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
T = TypeVar("T")


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


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _book(program: pg.ProgramBook | None) -> pg.ProgramBook:
    return program or pg.load()


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


_KINDS = {"Committed": "commit", "Returned": "return", "Voided": "void"}


def _first(
    conn: sa.Connection, key: str, model: type[Committed] | type[Returned] | type[Voided]
) -> T | None:
    """The first result stored under `key`, marked replayed; a key already used by
    another kind of request is a conflict, never a silent success."""
    found = ent.get_request_kind(conn, key)
    if found is None:
        return None
    kind, text = found
    if kind != _KINDS[model.__name__]:
        raise KeyConflict(f"the key {key!r} was already used by a {kind} request")
    return model.model_validate_json(text).model_copy(update={"replayed": True})  # type: ignore[return-value]


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
) -> None:
    day_start = now.astimezone(IST).replace(hour=0, minute=0, second=0, microsecond=0)
    today, _ = ent.redeemed_since(conn, account_id, stamp(day_start))
    _, last_hour = ent.redeemed_since(conn, account_id, stamp(now - dt.timedelta(hours=1)))
    held = ent.open_holds(conn, account_id, stamp(now), but=but)
    pg.check_velocity(
        prog,
        points=points,
        points_today=today + held,
        redemptions_last_hour=last_hour,
        approver=approver,
    )
