"""The ledger in the site's own MariaDB database, inside frappe's own transaction.

Choice: the SQL store's tables (`loyalty_gst.store`, created by its migrations in the
site database next to frappe's `tab…` tables, so no name can clash with a DocType),
not DocTypes — the hash chain, row locks, idempotency keys and FIFO lots are the
store's, proven once for every channel, and reimplementing them on the Frappe ORM
would give two ledgers to audit.

Coupling: a hook's ledger writes go through frappe's *own* PyMySQL connection, lent
to SQLAlchemy (`_Lent`: frappe owns commit, rollback and close). So the invoice and
its ledger entries commit together or roll back together — no posting can outlive a
rolled-back invoice or the reverse. Each service transaction becomes a SAVEPOINT
(an error inside rolls back only the ledger's part and the service may replay its
idempotency key). Frappe runs REPEATABLE READ, whose plain reads would come from a
snapshot taken early in the request; inside a ledger transaction every SELECT is
made a locking read (`FOR UPDATE`), which InnoDB answers from the latest committed
rows — so two desks redeeming from one account serialise on it and see each other's
lots. A deadlock or lock timeout rolls frappe's whole transaction back: it is raised
as `LedgerBusy` (never retried here), so the request fails and the desk submits again.

`site_url()` is the same database through its own connection, for migrations and the
`bench … loyalty-gst` commands (which commit on their own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from loyalty_gst.errors import LedgerError
from loyalty_gst.store import Store, open_store

_SELECT = re.compile(r"^\s*SELECT\b", re.IGNORECASE)
_LOCKED = re.compile(r"\bFOR\s+UPDATE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b", re.IGNORECASE)
_LOCKING = "lgst_locking"


class LedgerBusy(LedgerError):
    """The database gave up on the ledger's locks (deadlock / timeout); nothing was kept."""

    code = "ledger_busy"
    status = 503


class _Lent:
    """frappe's DB-API connection, lent to SQLAlchemy: commit, rollback and close are
    frappe's (they happen once, at the end of the request), so here they do nothing."""

    def __init__(self, raw: Any) -> None:
        object.__setattr__(self, "_raw", raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        return None

    def close(self) -> None:
        return None


def _frappe_connection() -> _Lent:
    import frappe

    if not getattr(frappe.db, "_conn", None):
        frappe.db.connect()
    return _Lent(frappe.db._conn)


def locking_sql(statement: str) -> str:
    """A SELECT made a locking read (latest committed rows under REPEATABLE READ)."""
    if _SELECT.match(statement) and not _LOCKED.search(statement):
        return statement.rstrip().rstrip(";") + " FOR UPDATE"
    return statement


def _lent_engine() -> sa.Engine:
    engine = sa.create_engine("mariadb+pymysql://", creator=_frappe_connection, poolclass=NullPool)

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _lock_reads(
        conn: sa.Connection, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> tuple[str, Any]:
        if conn.get_execution_options().get(_LOCKING):
            statement = locking_sql(statement)
        return statement, params

    return engine


class SiteStore(Store):
    """The Store on frappe's connection: `begin()` is a savepoint in frappe's transaction."""

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{_LOCKING: True})
            try:
                with conn.begin(), conn.begin_nested():
                    yield conn
            except sa.exc.OperationalError as exc:
                raise LedgerBusy(f"the loyalty ledger is busy, submit again ({exc.orig})") from exc


_ENGINE: sa.Engine | None = None


def site_store() -> SiteStore:
    """The ledger of the current site, on frappe's connection (one engine per process:
    the connection is looked up at each checkout, so it follows frappe's current site)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _lent_engine()
    return SiteStore(_ENGINE)


def site_url() -> str:
    """The site database as a SQLAlchemy URL (own connection; password included)."""
    import frappe

    conf = frappe.conf
    url = sa.URL.create(
        "mariadb+pymysql",
        username=conf.db_user or conf.db_name,
        password=conf.db_password,
        host=conf.db_host or "127.0.0.1",
        port=int(conf.db_port or 3306),
        database=conf.db_name,
        query={"charset": "utf8mb4"},
    )
    return url.render_as_string(hide_password=False)


def migrate() -> list[int]:
    """Create or upgrade the ledger tables in the site database (idempotent)."""
    store = open_store(site_url(), migrate=False)
    try:
        return store.migrate()
    finally:
        store.dispose()
