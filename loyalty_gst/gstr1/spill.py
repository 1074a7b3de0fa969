"""Per-invoice rows of a return, kept in memory up to a limit, then in a temp SQLite file.

b2b, b2cl, exp, cdnr and cdnur list every document, so at a million invoices their
rows cannot all be held. Each row arrives as finished JSON text with its section and
group (the buyer GSTIN, the POS, the export type) and sort key (date, number); below
`limit` rows they stay in a list, past it they go in batches to a scratch SQLite file
(stdlib sqlite3; the empty file name makes a private temporary database that SQLite
deletes itself when the connection closes or is collected) and come back grouped by
(section, group), sorted by the key — so the return does not depend on the order the
documents came in. Memory is then bounded by the batch, not by the number of invoices.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import groupby

BATCH = 10_000


class Spill:
    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._rows: list[tuple[str, str, str, str]] = []
        self._db: sqlite3.Connection | None = None

    @property
    def spilled(self) -> bool:
        return self._db is not None

    def add(self, section: str, group: str, key: str, row: str) -> None:
        self._rows.append((section, group, key, row))
        if len(self._rows) >= (BATCH if self._db else self.limit):
            self._flush()

    def _flush(self) -> None:
        if self._db is None:
            self._db = sqlite3.connect("")
            # a scratch file: no journal, no fsync; lost on a crash, rebuilt on the next run
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("CREATE TABLE r (section TEXT, grp TEXT, k TEXT, body TEXT)")
        self._db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", self._rows)
        self._rows = []

    def groups(self, section: str) -> Iterator[tuple[str, Iterator[str]]]:
        """(group, rows) of one section, groups sorted, rows by their key."""
        if self._db is None:
            mine = sorted((r for r in self._rows if r[0] == section), key=lambda r: (r[1], r[2]))
            for grp, rows in groupby(mine, key=lambda r: r[1]):
                yield grp, (r[3] for r in rows)
            return
        if self._rows:
            self._flush()
        cur = self._db.execute(
            "SELECT grp, body FROM r WHERE section = ? ORDER BY grp, k", (section,)
        )
        for grp, rows in groupby(cur, key=lambda r: r[0]):
            yield grp, (r[1] for r in rows)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
