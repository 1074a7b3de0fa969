"""Database URLs and engines: SQLite (embedded default), PostgreSQL, MariaDB.

Every posting locks its account row. PostgreSQL and MariaDB do it with SELECT … FOR
UPDATE at READ COMMITTED (so reads after the lock see the latest committed lots; at
MariaDB's default REPEATABLE READ a read before the lock would pin an older snapshot).
SQLite has no row locks: every transaction begins IMMEDIATE (the write lock is taken
up front, so two writers never both read a balance and then both spend it) and waits
up to `busy_timeout` for the other writer; WAL lets readers run beside the writer.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

DEFAULT_SQLITE = "loyalty.sqlite"
BUSY_TIMEOUT_MS = 60_000


def default_url() -> str:
    """$LOYALTY_GST_DB, else the SQLite file ./loyalty.sqlite."""
    return os.environ.get("LOYALTY_GST_DB") or f"sqlite:///{DEFAULT_SQLITE}"


def normalise_url(url: str) -> str:
    """Accept plain paths and driverless schemes; pick the installed drivers."""
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    drivers = {
        "postgres": "postgresql+psycopg",
        "postgresql": "postgresql+psycopg",
        "mysql": "mysql+pymysql",
        "mariadb": "mariadb+pymysql",
    }
    return f"{drivers.get(scheme, scheme)}://{rest}"


def kind_of(url: str) -> str:
    """'sqlite', 'postgresql' or 'mariadb' (MySQL URLs are served by the MariaDB path)."""
    name = sa.make_url(normalise_url(url)).get_backend_name()
    return "mariadb" if name in ("mysql", "mariadb") else name


def _sqlite_hooks(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # let SQLAlchemy's "begin" event below, not pysqlite, start transactions
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(
    url: str | None = None, *, pool_size: int = 20, max_overflow: int = 60
) -> sa.Engine:
    full = normalise_url(url or default_url())
    kind = kind_of(full)
    if kind == "sqlite":
        engine = sa.create_engine(
            full, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _sqlite_hooks(engine)
        return engine
    # psycopg's own automatic prepared statements stay off on PostgreSQL: on a ROLLBACK
    # psycopg drops them with DEALLOCATE ALL, which would drop the checkout's too
    # (store.pipeline prepares its statements once per connection)
    args = {"prepare_threshold": None} if kind == "postgresql" else {}
    return sa.create_engine(
        full,
        connect_args=args,
        isolation_level="READ COMMITTED",
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=120,
        # no ping per checkout (a round-trip on every transaction): a connection the
        # server dropped fails its statement, the pool discards it, writes retry
        # (service.common._retry) and the API answers 503 with Retry-After
        pool_pre_ping=False,
        pool_recycle=1800,
    )
