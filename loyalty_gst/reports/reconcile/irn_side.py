"""Store ↔ e-invoice log: an IRN for every document that needs one, none live for a
cancelled invoice.

Documents that need an IRN (INV-01 applies): B2B, SEZ, deemed exports and exports —
invoices, credit and debit notes. The log (`lgst_einvoice_log`, written by
einvoice.client) gives each document's IRN from a successful `generate` (the IRN is in
the response's Data.Irn) or a lookup that returned one, and the IRNs a successful
`cancel` ended. A table that is missing, or that holds no registration while documents
need one, is a difference. IRNs stream in document-number order for the sorted merge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from einvoice.log import einvoice_log
from loyalty_gst.reports.reconcile.books import NEEDS_IRN, Book
from loyalty_gst.reports.reconcile.differences import Differences
from loyalty_gst.store.documents import binary


def _irn_of(row: Any) -> str | None:
    if row.irn and row.operation != "cancel":
        return str(row.irn)
    try:
        data = json.loads(row.response or "null")
    except ValueError:
        return None
    inner = data.get("Data") if isinstance(data, dict) else None
    if isinstance(inner, dict) and inner.get("Irn"):
        return str(inner["Irn"])
    return None


def _ok_rows(engine: sa.Engine, gstin: str, cancels: bool) -> sa.Select[Any]:
    t = einvoice_log
    op = t.c.operation == "cancel"
    return sa.select(t.c.operation, t.c.doc_no, t.c.irn, t.c.response).where(
        t.c.gstin == gstin, t.c.outcome == "ok", op if cancels else ~op
    )


def read(engine: sa.Engine, gstin: str, diffs: Differences) -> Log | None:
    """The GSTIN's successful exchanges; None (and a difference) when there is no log."""
    if not sa.inspect(engine).has_table(einvoice_log.name):
        diffs.add("einvoice", "-", "log", "an e-invoice log", f"no table {einvoice_log.name}")
        return None
    cancelled: set[str] = set()  # cancellations are few: their IRNs are held
    with engine.connect() as conn:
        for row in conn.execute(_ok_rows(engine, gstin, cancels=True)):
            if row.irn:
                cancelled.add(str(row.irn))
    return Log(engine, gstin, frozenset(cancelled))


class Log:
    """The log's IRNs by document number, streamed in number order (the last successful
    exchange of a document wins), and the IRNs a cancel ended."""

    def __init__(self, engine: sa.Engine, gstin: str, cancelled: frozenset[str]) -> None:
        self.engine, self.gstin, self.cancelled = engine, gstin, cancelled
        self.registrations = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        t = einvoice_log
        q = _ok_rows(self.engine, self.gstin, cancels=False).order_by(
            binary(t.c.doc_no, self.engine.dialect.name), t.c.id
        )
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True, yield_per=5000).execute(q)
            for row in rows:
                irn = _irn_of(row)
                if irn and row.doc_no:
                    self.registrations += 1
                    yield str(row.doc_no), irn


class Irns:
    """Checks one document number at a time: its Book (if stored) and the log's IRNs."""

    def __init__(self, cancelled: frozenset[str] | set[str], diffs: Differences) -> None:
        self.cancelled, self.diffs = cancelled, diffs
        self.checked = 0

    def check(self, number: str, b: Book | None, irns: list[str]) -> None:
        if b is None or b.category not in NEEDS_IRN:
            return
        self.checked += 1
        irn = irns[-1] if irns else None
        add = self.diffs.add
        if b.cancelled:
            if irn is not None and irn not in self.cancelled:
                add("einvoice", number, "irn", "cancelled", f"live {irn[:16]}…")
            return
        if irn is None:
            add("einvoice", number, "irn", "needed", "missing")
        elif irn in self.cancelled:
            add("einvoice", number, "irn", "live", f"cancelled {irn[:16]}…")

    def done(self, registrations: int, gstin: str) -> None:
        """`registrations`: the log's IRNs of the GSTIN; none while documents need one is
        a difference of its own."""
        if not registrations and self.checked:
            self.diffs.add("einvoice", "-", "log", "registrations", f"none for {gstin}")
        self.diffs.checked["einvoice"] = self.checked


def compare(
    docs: dict[str, Book], irns: dict[str, str], cancelled: set[str], diffs: Differences
) -> None:
    """The same checks over documents and IRNs held in dicts (small sets, tests)."""
    check = Irns(cancelled, diffs)
    for number, b in docs.items():
        check.check(number, b, [irns[number]] if number in irns else [])
    diffs.checked["einvoice"] = check.checked
