"""Sources put in document-number order, so reconciliation is one sorted merge.

The merge walks every source once, by document number, holding one document of each at
a time: memory stays flat however many documents the month holds. A database source is
read `ORDER BY` its number under a binary collation (`binary`), so the database's order
is Python's string order; `ascending` checks it as it streams (a wrong order would pair
the wrong documents, so it raises instead). A file (Tally XML, GSTR-1 JSON) comes in
whatever order its writer chose: `Sorted` sorts it — in memory below `limit` items,
past that in a scratch SQLite file (stdlib sqlite3; the empty name makes a private
temporary database, deleted when closed) — keeping the input order among equal keys.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any, TypeVar

from loyalty_gst.store.documents import binary

T = TypeVar("T")
BATCH = 20_000
LIMIT = 20_000  # items held in memory before a Sorted moves to its scratch file
TICK = 1000  # a progress tick per this many documents (or vouchers)


def ascending(pairs: Iterable[tuple[str, T]], source: str) -> Iterator[tuple[str, T]]:
    """The (number, item) pairs as they come, checked to be in number order."""
    last = ""
    for number, item in pairs:
        if number < last:
            raise RuntimeError(f"{source} is not in document-number order: {number} after {last}")
        last = number
        yield number, item


def grouped(pairs: Iterable[tuple[str, T]]) -> Iterator[tuple[str, list[T]]]:
    """(number, [items]) of number-ordered pairs: each number once."""
    for number, run in groupby(pairs, key=lambda p: p[0]):
        yield number, [item for _, item in run]


class Sorted:
    """(key, item) pairs added in any order, read back ordered by key (ties: as added)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = LIMIT if limit is None else limit
        self.count = 0
        self._rows: list[tuple[str, int, Any]] = []
        self._db: sqlite3.Connection | None = None

    def add(self, key: str, item: Any) -> None:
        self._rows.append((key, self.count, item))
        self.count += 1
        if len(self._rows) >= (BATCH if self._db is not None else self.limit):
            self._flush()

    def _flush(self) -> None:
        if self._db is None:
            self._db = sqlite3.connect("")
            # a scratch file: no journal, no fsync; lost on a crash, rebuilt on the next run
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("CREATE TABLE s (k TEXT, n INTEGER, item BLOB)")
        dumps = pickle.dumps
        self._db.executemany(
            "INSERT INTO s VALUES (?, ?, ?)", [(k, n, dumps(it, 5)) for k, n, it in self._rows]
        )
        self._rows = []

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        if self._db is None:
            self._rows.sort(key=lambda r: (r[0], r[1]))
            for k, _n, item in self._rows:
                yield k, item
            return
        if self._rows:
            self._flush()
        loads = pickle.loads
        for k, blob in self._db.execute("SELECT k, item FROM s ORDER BY k, n"):
            yield k, loads(blob)

    def close(self) -> None:
        self._rows = []
        if self._db is not None:
            self._db.close()
            self._db = None


def merge(
    *sources: Iterable[tuple[str, list[Any]]],
) -> Iterator[tuple[str, tuple[list[Any], ...]]]:
    """(number, (items of source 0, items of source 1, …)) for every number any source
    holds, in number order; a source without that number gives []. Each source yields
    (number, [items]) in ascending order, each number once (`grouped`)."""
    its = [iter(s) for s in sources]
    heads: list[tuple[str, list[Any]] | None] = [next(it, None) for it in its]
    while True:
        live = [h[0] for h in heads if h is not None]
        if not live:
            return
        number = min(live)
        out: list[list[Any]] = []
        for i, h in enumerate(heads):
            if h is not None and h[0] == number:
                out.append(h[1])
                heads[i] = next(its[i], None)
            else:
                out.append([])
        yield number, tuple(out)


__all__ = ["Sorted", "ascending", "binary", "grouped", "merge"]
