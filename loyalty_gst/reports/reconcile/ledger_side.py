"""Store ↔ ledger: the points each stored document moved, against the ledger's entries.

An invoice that redeemed points has the entry `redeem:<GSTIN>:<number>` of minus those
points; a credit note that gives points back has `restore:<GSTIN>:<note>` whose points
plus the points it forfeited (lots expired meanwhile) and any offline overdraft it
forgave (`forgive:`) equal the note's points. A redemption entry of the period whose
document the store does not hold is a difference (an invoice missing from the store).

Entries are read by key range (`redeem:<GSTIN>:` …, the key's unique index), each
prefix in key order — that is, document-number order — and merged into one stream.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from loyalty_gst.reports.reconcile.books import Book, stored
from loyalty_gst.reports.reconcile.differences import Differences
from loyalty_gst.store import schema as s
from loyalty_gst.store.documents import binary

KINDS = ("redeem", "restore_redeem", "recover")  # a forgiveness is a `recover` keyed forgive:
PREFIXES = ("redeem", "restore", "forgive")
Entry = tuple[str, int, str]  # (key prefix, points as the document sees them, UTC time)


def _prefix(conn: sa.Connection, gstin: str, prefix: str) -> Iterator[tuple[str, Entry]]:
    e = s.entries
    head = f"{prefix}:{gstin}:"
    key = binary(e.c.key, conn.dialect.name)
    q = (
        sa.select(e.c.kind, e.c.key, e.c.points, e.c.at, e.c.body)
        .where(e.c.kind.in_(KINDS), key >= head, key < f"{prefix}:{gstin};")
        .order_by(key)
    )
    rows = conn.execution_options(stream_results=True, yield_per=5000).execute(q)
    for kind, k, points, at, body in rows:
        if kind == "recover" and prefix != "forgive":
            continue
        n = int(points)
        if kind == "restore_redeem":
            n += int(json.loads(body).get("forfeited", 0))
        yield k[len(head) :], (prefix, n, at)


def stream(connect: Callable[[], sa.Connection], gstin: str) -> Iterator[tuple[str, Entry]]:
    """(document number, entry) of the GSTIN's redemption, restore and forgive entries,
    in number order (each prefix on a connection of `connect`)."""
    parts = [_prefix(connect(), gstin, p) for p in PREFIXES]
    return heapq.merge(*parts, key=lambda x: x[0])


class Ledger:
    """Checks one document number at a time (its Book, if stored, and its entries)."""

    def __init__(
        self,
        conn: sa.Connection,
        gstin: str,
        window: tuple[dt.date, dt.date],
        diffs: Differences,
    ) -> None:
        self.conn, self.gstin, self.diffs = conn, gstin, diffs
        self.start = (window[0] - dt.timedelta(days=1)).isoformat()
        self.end = (window[1] + dt.timedelta(days=1)).isoformat()
        self.checked = 0

    def check(self, number: str, book: Book | None, entries: list[Entry]) -> None:
        got = {prefix: (points, at) for prefix, points, at in entries}
        add = self.diffs.add
        if book is not None and book.points:
            self.checked += 1
            if book.kind == "invoice":
                redeem = got.pop("redeem", None)
                if redeem is None:
                    add("ledger", number, "redeem points", -book.points, None)
                elif redeem[0] != -book.points:
                    add("ledger", number, "redeem points", -book.points, redeem[0])
            elif book.kind == "credit_note":
                restore = got.pop("restore", None)
                forgiven = got.pop("forgive", (0, ""))[0]
                have = (restore[0] if restore else 0) + abs(forgiven)
                if restore is None and not forgiven:
                    add("ledger", number, "restored points", book.points, None)
                elif have != book.points:
                    add("ledger", number, "restored points", book.points, have)
        left = got.get("redeem")
        if left is None or book is not None or not self.start <= left[1][:10] <= self.end:
            return
        if "#" in number or stored(self.conn, self.gstin, number):
            return  # a cancellation's whole-invoice measure, or a document of another month
        add("ledger", number, "stored invoice", None, f"redeem {left[0]}")

    def done(self) -> None:
        self.diffs.checked["ledger"] = self.checked
