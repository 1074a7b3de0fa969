"""The loyalty-discount register of a period (Sec. 15(3)(a) CGST Act): one row per stored
invoice or note, its totals by GSTIN, store, month and rate, streamed to CSV, XLSX or PDF.

Cancelled invoices are left out (they are not supplies; GSTR-1 lists them in doc_issue
only) and counted in a note, so the register's totals are the period's GSTR-1 figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from loyalty_gst.reports.period import Span
from loyalty_gst.reports.register_row import register_row
from loyalty_gst.reports.register_table import COLUMNS, TOTALS_COLUMNS, cells, totals_line
from loyalty_gst.reports.table import Section, TableReport
from loyalty_gst.reports.totals import Totals
from loyalty_gst.store import Store
from loyalty_gst.store.documents import iter_docs

PDF_COLUMNS = ("number", "date", "kind", "store", "member", "points", "loyalty_discount",
               "taxable_before", "taxable_after", "cgst", "sgst", "igst", "gst_foregone",
               "points_restored", "gst_reversed", "against")  # fmt: skip
GROUP_TITLES = {"gstin": "GSTIN", "store": "store", "month": "month", "rate": "rate %",
                "total": "total"}  # fmt: skip
Tick = Callable[[int], None]


def scope(span: Span) -> str:
    parts = [span.label]
    if span.gstin:
        parts.append(f"GSTIN {span.gstin}")
    if span.store:
        parts.append(f"store {span.store}")
    return ", ".join(parts)


class Register:
    """Streams the register's rows once; totals and sections are ready afterwards."""

    def __init__(self, store: Store, span: Span, tick: Tick | None = None) -> None:
        self.store, self.span, self.tick = store, span, tick
        self.totals = Totals()
        self.cancelled = 0
        self.documents = 0

    def rows(self) -> Iterator[list[Any]]:
        add, tick = self.totals.add, self.tick
        for doc in iter_docs(self.store, self.span.where()):
            if doc.cancelled:
                self.cancelled += 1
                continue
            r = register_row(doc.body)
            add(r)
            self.documents += 1
            if tick is not None and self.documents % 1000 == 0:
                tick(1000)
            yield cells(r)

    def total_line(self) -> list[Any]:
        return totals_line("TOTAL", self.totals.overall)

    def sections(self) -> Sequence[Section]:
        rows = []
        for group, key, figures in self.totals.rows():
            line: list[Any] = [GROUP_TITLES[group], key, *figures]
            if group == "rate":
                line[3] = None  # points are not apportioned to rates
            rows.append(line)
        return (Section("Totals", TOTALS_COLUMNS, rows),)

    def report(self) -> TableReport:
        rep = TableReport(
            title="Loyalty-discount register",
            subtitle=f"{scope(self.span)} — Sec. 15(3)(a) CGST Act: points redeemed as a "
            "discount before GST; credit notes negative",
            columns=COLUMNS,
            rows=self.rows(),
            totals=self.total_line,
            sections=self.sections,
            pdf_columns=PDF_COLUMNS,
            signature=True,
        )
        return rep


def write_register(store: Store, span: Span, path: str, tick: Tick | None = None) -> Register:
    from loyalty_gst.reports.table import write

    reg = Register(store, span, tick)
    rep = reg.report()
    rep.notes.append("Cancelled invoices are left out of the register (GSTR-1 doc_issue).")
    write(rep, path)
    return reg
