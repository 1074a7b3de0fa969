"""A transaction's writes gathered while the use case computes, then sent together.

The store's write helpers (`entries.apply`, `write_head`, `add_spend`, `invoices.add`,
`put_request`, …) take either a connection (the statement runs now) or `Writes` (it is
kept, in order). `flush` runs what was kept: on PostgreSQL as one pipelined batch (one
round-trip, with the COMMIT when asked), elsewhere statement by statement through
SQLAlchemy — the same statements with the same parameters in the same order, so every
database ends in the same state. A read that must see the writes before it flushes first.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from loyalty_gst.store import pipeline


class Writes:
    """Statements kept for one transaction, in the order they were given."""

    def __init__(self) -> None:
        self.items: list[tuple[sa.Executable, list[dict[str, Any]]]] = []

    def execute(self, statement: sa.Executable, parameters: Any = None) -> None:
        rows = parameters if isinstance(parameters, list) else [parameters or {}]
        self.items.append((statement, rows))

    def flush(self, conn: sa.Connection, *, commit: bool = False) -> None:
        """Run the kept statements in `conn`'s transaction; with `commit` on PostgreSQL
        the COMMIT goes in the same batch (the transaction's end then only closes it)."""
        items, self.items = self.items, []
        if pipeline.usable(conn):
            if items or commit:
                pipeline.run(conn, items, commit=commit)
            return
        for statement, rows in items:
            conn.execute(statement, rows if len(rows) > 1 else rows[0])


Executes = sa.Connection | Writes
