"""Account rows: find by any identity key, create, lock (SELECT … FOR UPDATE), update head."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from loyalty_gst.ledger import GENESIS, AccountState
from loyalty_gst.store import schema as s


@dataclass(frozen=True)
class Account:
    id: int
    mobile: str | None
    email: str | None
    card_no: str | None
    name: str | None
    birthday: dt.date | None
    referred_by: int | None
    status: str
    merged_into: int | None
    balance: int
    tier: str
    purchases: int
    seq: int
    head: str

    @property
    def state(self) -> AccountState:
        return AccountState(self.id, self.balance, self.seq, self.head)


_COLS = [c for c in s.accounts.c if c.name in Account.__dataclass_fields__]
_NAMES = [c.name for c in _COLS]


def _row(row: sa.Row[object] | None) -> Account | None:
    return Account(**row._mapping) if row is not None else None  # type: ignore[arg-type]


def of_row(row: Sequence[Any]) -> Account:
    """An account from a row of its columns in table order (as `LOCK_BY_MOBILE` reads)."""
    return Account(**dict(zip(_NAMES, row, strict=True)))


# Statements built once, with bind parameters: SQLAlchemy then reuses their compiled
# form and cache key on every call instead of building and keying a new statement.
_t = s.accounts
_FIND = {
    key: sa.select(*_COLS).where(_t.c[key] == sa.bindparam("v"))
    for key in ("id", "mobile", "email", "card_no")
}
_LOCK = sa.select(*_COLS).where(_t.c.id == sa.bindparam("v")).with_for_update()
LOCK_BY_MOBILE = sa.select(*_COLS).where(_t.c.mobile == sa.bindparam("v")).with_for_update()
_INSERT = _t.insert()
_UPDATE = _t.update().where(_t.c.id == sa.bindparam("b_id"))
_ALL_IDS = sa.select(_t.c.id).order_by(_t.c.id)


def find(
    conn: sa.Connection,
    *,
    id: int | None = None,
    mobile: str | None = None,
    email: str | None = None,
    card_no: str | None = None,
) -> Account | None:
    """The account holding that key (not following merges)."""
    for key, value in (("id", id), ("mobile", mobile), ("email", email), ("card_no", card_no)):
        if value is not None:
            return _row(conn.execute(_FIND[key], {"v": value}).first())
    return None


def lock(conn: sa.Connection, account_id: int) -> Account:
    """The account row, locked until the transaction ends (FOR UPDATE; SQLite: the
    IMMEDIATE transaction already holds the database's write lock)."""
    acct = _row(conn.execute(_LOCK, {"v": account_id}).first())
    if acct is None:
        raise LookupError(account_id)
    return acct


def lock_by_mobile(conn: sa.Connection, mobile: str) -> Account | None:
    """The account of a (normalised) mobile number, found and locked in one statement;
    None when there is none. A merged account comes back as it is (the caller follows
    `merged_into`)."""
    return _row(conn.execute(LOCK_BY_MOBILE, {"v": mobile}).first())


def create(
    conn: sa.Connection,
    *,
    tier: str,
    at: str,
    mobile: str | None = None,
    email: str | None = None,
    card_no: str | None = None,
    name: str | None = None,
    birthday: dt.date | None = None,
    referred_by: int | None = None,
) -> int:
    result = conn.execute(
        _INSERT,
        {
            "mobile": mobile,
            "email": email,
            "card_no": card_no,
            "name": name,
            "birthday": birthday,
            "referred_by": referred_by,
            "status": "active",
            "balance": 0,
            "tier": tier,
            "purchases": 0,
            "seq": 0,
            "head": GENESIS,
            "created_at": at,
        },
    )
    return int(result.inserted_primary_key[0])


def update(conn: sa.Connection, account_id: int, **values: object) -> None:
    conn.execute(_UPDATE, {"b_id": account_id, **values})


def all_ids(conn: sa.Connection) -> list[int]:
    return list(conn.scalars(_ALL_IDS))
