"""Rate limits that hold across server processes and nodes. The counts live in the
database (the OTP rows themselves: sends per number, till and store in a 10-minute
window; wrong attempts on the challenge's row, read FOR UPDATE), so every node counts
the same rows; what makes the limit exact under concurrency is that two nodes never count
at once: `serialise` takes, inside the transaction that counts and inserts, the member's
account row (FOR UPDATE, every dialect) and, on PostgreSQL, a transaction-scoped
advisory lock per till and store. SQLite takes its one write lock at BEGIN anyway."""

from __future__ import annotations

import zlib

import sqlalchemy as sa

from loyalty_gst.store import schema as s

_ACCOUNT = sa.select(s.accounts.c.id).where(s.accounts.c.id == sa.bindparam("id")).with_for_update()
_ADVISORY = sa.text("SELECT pg_advisory_xact_lock(:k1, :k2)")
_SPACE = 0x4C475354  # "LGST": our advisory locks' first key, apart from other users'


def serialise(conn: sa.Connection, *, account_id: int, scopes: tuple[str, ...] = ()) -> None:
    """Until this transaction ends, no other counts sends for this member or `scopes`
    (e.g. "till:MUM-BAN/T1", "store:MUM-BAN"). The account first, then the scopes in
    order: every sender takes them in the same order, so they never deadlock."""
    conn.execute(_ACCOUNT, {"id": account_id})
    if conn.dialect.name == "postgresql":
        for scope in sorted(set(scopes)):
            key = zlib.crc32(scope.encode()) - 2**31  # a signed int4, stable across nodes
            conn.execute(_ADVISORY, {"k1": _SPACE, "k2": key})
