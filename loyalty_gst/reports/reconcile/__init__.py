"""Five-way reconciliation of one GSTIN's month: ledger ↔ stored invoices ↔ GSTR-1 JSON ↔
Tally XML ↔ e-invoice log, to the paisa.

The stored invoices are the books: each other source is compared with them, and every
difference is listed by document, field and both values. Sources given but missing or
empty are differences; sources not asked for are not compared (and say so).

    result = reconcile(store, span, gstr1="g.json", tally="tally/", einvoice=engine)
    result.ok, list(result.differences)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from loyalty_gst.errors import InvalidInput
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.reconcile import (
    books,
    gstr1_side,
    irn_side,
    ledger_side,
    ordered,
    tally_side,
)
from loyalty_gst.reports.reconcile.differences import Difference, Differences
from loyalty_gst.reports.reconcile.ordered import ascending, grouped, merge
from loyalty_gst.store import Store


@dataclass
class Reconciled:
    span: Span
    documents: int
    differences: Differences
    compared: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        by = self.differences.by_source()
        parts = [f"{s}: {by.get(s, 0)} difference(s)" for s in self.compared]
        mark = "agree to the paisa" if self.ok else f"{len(self.differences)} difference(s)"
        left = f"; not compared: {', '.join(self.skipped)}" if self.skipped else ""
        return f"{self.documents:,} stored documents; " + "; ".join(parts) + f" — {mark}{left}"


Check = Callable[[str, books.Book | None, list[Any]], None]  # (number, book, its items)


def reconcile(
    store: Store,
    span: Span,
    *,
    gstr1: str | None = None,
    tally: str | None = None,
    einvoice: sa.Engine | None = None,
    tick: Callable[[int], None] | None = None,
    read_tick: Callable[[int], None] | None = None,
) -> Reconciled:
    """`tick(n)`: n more stored documents merged; `read_tick(n)`: n more Tally vouchers
    read and sorted (before the merge)."""
    if not span.gstin or not span.fp:
        raise InvalidInput.one(
            "--period", span.label, "reconcile takes --gstin and --period MMYYYY"
        )
    gstin, fp = span.gstin, span.fp
    diffs = Differences()
    out = Reconciled(span, 0, diffs, compared=["ledger"])
    for name, given in (("gstr1", gstr1), ("tally", tally), ("einvoice", einvoice)):
        (out.compared if given is not None else out.skipped).append(name)
    with ExitStack() as held:
        connect = _connections(store, held)
        conn = connect()
        builder = books.builder(store, span, conn)
        ledger = ledger_side.Ledger(conn, gstin, (span.start, span.end), diffs)
        matcher = tally_side.Tally(diffs, (span.start.isoformat(), span.end.isoformat()))
        # one sorted merge by document number: the books first, then each other source
        sources: list[Iterable[tuple[str, list[Any]]]] = [
            grouped(ascending(books.stream(store, span, builder, conn), "the store")),
            grouped(ascending(ledger_side.stream(connect, gstin), "the ledger")),
        ]
        checks: list[Check] = [ledger.check]
        vouchers = tally_side.ordered(tally, gstin, diffs, read_tick) if tally is not None else None
        if vouchers is not None:
            held.callback(vouchers.close)
            sources.append(grouped(vouchers))
            checks.append(matcher.check)
        log = irn_side.read(einvoice, gstin, diffs) if einvoice is not None else None
        irns = irn_side.Irns(log.cancelled if log else frozenset(), diffs)
        if einvoice is not None:  # no log table: every document needing an IRN lacks one
            sources.append(grouped(ascending(log, "the e-invoice log")) if log else iter(()))
            checks.append(irns.check)
        out.documents = _walk(merge(*sources), checks, tick)
    if not out.documents:
        diffs.add("store", "-", "documents", f"none for {gstin} in {fp}", "-")
    ledger.done()
    if vouchers is not None:
        matcher.done()
    if log is not None:
        irns.done(log.registrations, gstin)
    elif einvoice is not None:
        diffs.checked["einvoice"] = irns.checked
    if gstr1 is not None:
        result = builder.result()
        try:
            gstr1_side.compare_file(result, gstr1, diffs, gstin, fp)
        finally:
            result.close()
    return out


def _connections(store: Store, held: ExitStack) -> Callable[[], sa.Connection]:
    """Connections for the merge's streams, closed with `held`: on SQLite one shared by
    all (every transaction there takes the write lock, so a second would wait for the
    first), elsewhere one each (MariaDB streams one result per connection)."""
    if store.engine.dialect.name == "sqlite":
        one = held.enter_context(store.engine.connect())
        return lambda: one
    return lambda: held.enter_context(store.engine.connect())


def _walk(
    merged: Iterable[tuple[str, tuple[list[Any], ...]]],
    checks: list[Check],
    tick: Callable[[int], None] | None,
) -> int:
    """Each document number once, with what every source holds for it; the count of
    stored documents."""
    documents = 0
    for number, (mine, *others) in merged:
        book = mine[0] if mine else None
        if book is not None:
            documents += 1
            if tick is not None and documents % ordered.TICK == 0:
                tick(ordered.TICK)
        for check, items in zip(checks, others, strict=True):
            check(number, book, items)
    return documents


__all__ = ["Difference", "Differences", "Reconciled", "reconcile"]
