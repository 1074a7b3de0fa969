"""Five-way reconciliation of one GSTIN's month: ledger ↔ stored invoices ↔ GSTR-1 JSON ↔
Tally XML ↔ e-invoice log, to the paisa.

The stored invoices are the books: each other source is compared with them, and every
difference is listed by document, field and both values. Sources given but missing or
empty are differences; sources not asked for are not compared (and say so).

    result = reconcile(store, span, gstr1="g.json", tally="tally/", einvoice=engine)
    result.ok, list(result.differences)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from loyalty_gst.errors import InvalidInput
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.reconcile import books, gstr1_side, irn_side, ledger_side, tally_side
from loyalty_gst.reports.reconcile.differences import Difference, Differences
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


def reconcile(
    store: Store,
    span: Span,
    *,
    gstr1: str | None = None,
    tally: str | None = None,
    einvoice: sa.Engine | None = None,
    tick: Callable[[int], None] | None = None,
) -> Reconciled:
    if not span.gstin or not span.fp:
        raise InvalidInput.one(
            "--period", span.label, "reconcile takes --gstin and --period MMYYYY"
        )
    gstin, fp = span.gstin, span.fp
    diffs = Differences()
    got = books.read(store, span, tick)
    result = got.builder.result()
    try:
        built = result.to_dict()
    finally:
        result.close()
    out = Reconciled(span, len(got.docs), diffs, compared=["ledger"])
    if not got.docs:
        diffs.add("store", "-", "documents", f"none for {gstin} in {fp}", "-")
    ledger_side.compare(store, got.docs, ledger_side.read(store, gstin), gstin,
                        (span.start, span.end), diffs)  # fmt: skip
    if gstr1 is not None:
        out.compared.append("gstr1")
        filed = gstr1_side.load(gstr1, diffs)
        if filed is not None:
            gstr1_side.compare(built, filed, diffs, gstin, fp)
    else:
        out.skipped.append("gstr1")
    if tally is not None:
        out.compared.append("tally")
        found = tally_side.vouchers(tally, gstin, diffs)
        tally_side.compare(got.docs, found, diffs, (span.start.isoformat(), span.end.isoformat()))
    else:
        out.skipped.append("tally")
    if einvoice is not None:
        out.compared.append("einvoice")
        irns, cancelled = irn_side.read(einvoice, gstin, diffs, irn_side.needed(got.docs))
        irn_side.compare(got.docs, irns, cancelled, diffs)
    else:
        out.skipped.append("einvoice")
    return out


__all__ = ["Difference", "Differences", "Reconciled", "reconcile"]
