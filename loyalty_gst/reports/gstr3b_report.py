"""Glue: GSTR-3B of one GSTIN's month from the store, GSTR-1 built in the same pass from
the same documents, the check between them, and the outputs (JSON as the offline tool
takes it; CSV, XLSX or PDF as a table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.gstr1 import Builder, Settings
from loyalty_gst.gstr1 import stored as gstr1_stored
from loyalty_gst.gstr1.amounts import decimal
from loyalty_gst.gstr1.jsonout import dumps
from loyalty_gst.gstr1.view import of_json
from loyalty_gst.reports.columns import Column
from loyalty_gst.reports.gstr3b import HEADS, Gstr3b, check
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.table import TableReport, format_of, write
from loyalty_gst.store import Store
from loyalty_gst.store.documents import iter_docs

TITLES = {"osup_det": "3.1(a) outward taxable", "osup_zero": "3.1(b) zero-rated",
          "osup_nil_exmp": "3.1(c) nil-rated, exempt", "isup_rev": "3.1(d) reverse charge",
          "osup_nongst": "3.1(e) non-GST"}  # fmt: skip


@dataclass
class Gstr3bResult:
    body: dict[str, Any]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def build(store: Store, span: Span, tick: Callable[[int], None] | None = None) -> Gstr3bResult:
    if not span.gstin or not span.fp:
        raise InvalidInput.one("--period", span.label, "GSTR-3B takes --gstin and --period MMYYYY")
    gstin, fp = span.gstin, span.fp
    cancelled = gstr1_stored.cancelled(store, gstin, span.start, span.end)
    b3 = Gstr3b(gstin, fp, cancelled)
    g1 = Builder(
        gstin,
        fp,
        Settings(cancelled=cancelled, original_value=gstr1_stored.original_lookup(store, gstin)),
    )
    for n, d in enumerate(iter_docs(store, span.where()), start=1):
        v = of_json(d.body)
        b3.add(v)
        g1.add_view(v)
        if tick is not None and n % 1000 == 0:
            tick(1000)
    nil = g1.tally["nil"].amounts[0]
    result = g1.result()
    try:
        gstr1 = result.to_dict()
    finally:
        result.close()
    s = result.reconciliation.sections
    sections = dict(zip(HEADS, (s.taxable - decimal(nil), s.igst, s.cgst, s.sgst, s.cess),
                        strict=True))  # fmt: skip
    body = b3.to_json()
    return Gstr3bResult(body, check(body, gstr1, sections, decimal(nil)))


COLUMNS = (
    Column("table", "Table", "text", 24),
    Column("pos", "POS", "text", 5),
    *(Column(h, h, "money", 14) for h in HEADS),
)


def save(res: Gstr3bResult, path: str) -> None:
    kind = format_of(path, ("json", "csv", "xlsx", "pdf"))
    if kind == "json":
        Path(path).write_text(dumps(res.body), encoding="utf-8")
        return

    def paise(v: Decimal | None) -> int | None:
        return None if v is None else int(v * 100)

    rows: list[list[Any]] = []
    for key, heads in res.body["sup_details"].items():
        rows.append([TITLES[key], "", *(paise(heads.get(h)) for h in HEADS)])
    for r in res.body["inter_sup"]["unreg_details"]:
        rows.append(["3.2 unregistered", r["pos"], paise(r["txval"]), paise(r["iamt"]),
                     None, None, None])  # fmt: skip
    rep = TableReport("GSTR-3B", f"{res.body['gstin']} {res.body['ret_period']}", COLUMNS, rows)
    rep.notes.extend(str(p) for p in res.problems)
    write(rep, path)
