"""Account rows: find by any identity key, create, lock (SELECT … FOR UPDATE), update head."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def _row(row: sa.Row[object] | None) -> Account | None:
    return Account(**row._mapping) if row is not None else None  # type: ignore[arg-type]


def find(
    conn: sa.Connection,
    *,
    id: int | None = None,
    mobile: str | None = None,
    email: str | None = None,
    card_no: str | None = None,
) -> Account | None:
    """The account holding that key (not following merges)."""
    t = s.accounts
    q = sa.select(*_COLS)
    if id is not None:
        q = q.where(t.c.id == id)
    elif mobile is not None:
        q = q.where(t.c.mobile == mobile)
    elif email is not None:
        q = q.where(t.c.email == email)
    elif card_no is not None:
        q = q.where(t.c.card_no == card_no)
    else:
        return None
    return _row(conn.execute(q).first())


def lock(conn: sa.Connection, account_id: int) -> Account:
    """The account row, locked until the transaction ends (FOR UPDATE; SQLite: the
    IMMEDIATE transaction already holds the database's write lock)."""
    q = sa.select(*_COLS).where(s.accounts.c.id == account_id).with_for_update()
    acct = _row(conn.execute(q).first())
    if acct is None:
        raise LookupError(account_id)
    return acct


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
        s.accounts.insert().values(
            mobile=mobile,
            email=email,
            card_no=card_no,
            name=name,
            birthday=birthday,
            referred_by=referred_by,
            status="active",
            balance=0,
            tier=tier,
            purchases=0,
            seq=0,
            head=GENESIS,
            created_at=at,
        )
    )
    return int(result.inserted_primary_key[0])


def update(conn: sa.Connection, account_id: int, **values: object) -> None:
    conn.execute(s.accounts.update().where(s.accounts.c.id == account_id).values(**values))


def all_ids(conn: sa.Connection) -> list[int]:
    return list(conn.scalars(sa.select(s.accounts.c.id).order_by(s.accounts.c.id)))
