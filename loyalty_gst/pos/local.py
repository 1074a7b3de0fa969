"""The terminal's own SQLite file: customers as last synced, offline spend per customer
and day, the outbox of events, the invoices it issued, and settings (the program, the
presence public key, the invoice series).

Every write commits with `synchronous = FULL`: an event is on disk before the receipt
prints, so a crash (even a power cut) after the receipt cannot lose the sale.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("mobile", sa.String(16), primary_key=True),  # E.164
    sa.Column("account_id", sa.Integer),
    sa.Column("balance", sa.Integer, nullable=False),
    sa.Column("available", sa.Integer, nullable=False),  # as last synced, less offline spend
    sa.Column("overdraft", sa.Integer, nullable=False, default=0),
    sa.Column("tier", sa.String(20), nullable=False),
    sa.Column("lots", sa.Text, nullable=False),  # JSON [[points, "expires_on"], …]
    sa.Column("synced_at", sa.String(32), nullable=False),
)

offline_spend = sa.Table(
    "offline_spend",
    metadata,
    sa.Column("mobile", sa.String(16), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("points", sa.Integer, nullable=False),
)

# status: open (written, receipt not yet printed) → acked (committed online) | queued
# (printed offline, to sync) | refused (the server said no; nothing printed) | abandoned
# (never printed; the server is told, and cancels the sale if it got it) → synced / settled
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(120), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("event", sa.Text, nullable=False),  # the Event JSON
    sa.Column("result", sa.Text),  # the server's answer
    sa.Column("created_at", sa.String(32), nullable=False),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),  # the TaxedInvoice JSON as printed
)


def open_local(path: str) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    metadata.create_all(engine)
    return engine
