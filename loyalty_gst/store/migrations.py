"""Versioned migrations: `schema_version` records each applied step; applying twice is a no-op.

Steps are ordered (version, name, function of a connection). A new schema change is a
new step appended at the end; applied steps are never edited.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from loyalty_gst import clock
from loyalty_gst.store import schema as s

Step = tuple[int, str, Callable[[sa.Connection], None]]


def _v1(conn: sa.Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.V1_TABLES[1:]), checkfirst=True)


def _v2(conn: sa.Connection) -> None:
    for index in s.V2_INDEXES:
        index.create(conn, checkfirst=True)


def _v3(conn: sa.Connection) -> None:
    s.cancellations.create(conn, checkfirst=True)


def _v4(conn: sa.Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.V4_TABLES), checkfirst=True)


def _v5(conn: sa.Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.V5_TABLES), checkfirst=True)


def _v6(conn: sa.Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.V6_TABLES), checkfirst=True)


def _v7(conn: sa.Connection) -> None:
    s.metadata.create_all(conn, tables=list(s.V7_TABLES), checkfirst=True)
    have = {c["name"] for c in sa.inspect(conn).get_columns(s.otps.name)}
    for name, kind in s.V7_OTP_COLUMNS:
        if name not in have:
            ddl = kind.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {s.otps.name} ADD COLUMN {name} {ddl}")


MIGRATIONS: tuple[Step, ...] = (
    (1, "ledger tables: accounts, entries, lots, holds, spend, requests, invoices", _v1),
    (2, "indexes for streaming invoices and velocity checks", _v2),
    (3, "cancelled invoices", _v3),
    (4, "channel API: tokens, presence challenges and nonces, keys, notifier outbox", _v4),
    (5, "the company: particulars, registrations, stores, items, program, series", _v5),
    (6, "members: consents, sessions, WhatsApp messages, erasures, counters", _v6),
    (7, "offline allowances shared by the tills, OTP askers", _v7),
)


def applied(conn: sa.Connection) -> set[int]:
    return set(conn.scalars(sa.select(s.schema_version.c.version)))


def migrate(engine: sa.Engine) -> list[int]:
    """Apply every step not yet recorded; returns the versions applied now."""
    with engine.begin() as conn:
        s.schema_version.create(conn, checkfirst=True)
    done: list[int] = []
    for version, name, step in MIGRATIONS:
        with engine.begin() as conn:
            if version in applied(conn):
                continue
            step(conn)
            now = clock.stamp(clock.now())
            conn.execute(
                s.schema_version.insert().values(version=version, name=name, applied_at=now)
            )
            done.append(version)
    return done


def current(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return max(applied(conn), default=0)
