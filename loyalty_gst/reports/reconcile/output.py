"""The reconciliation written out: JSON ({summary, differences: [...]}) or a table."""

from __future__ import annotations

import json
from pathlib import Path

from loyalty_gst.reports.reconcile import Reconciled
from loyalty_gst.reports.reconcile.differences import COLUMNS
from loyalty_gst.reports.table import TableReport, format_of, write


def save(result: Reconciled, path: str) -> None:
    """The differences as JSON ({summary, differences: [...]}) or a table (csv, xlsx, pdf)."""
    kind = format_of(path, ("csv", "xlsx", "pdf", "json"))
    if kind == "json":
        body = {
            "gstin": result.span.gstin,
            "period": result.span.fp,
            "ok": result.ok,
            "summary": result.summary(),
            "compared": result.compared,
            "not_compared": result.skipped,
            "differences": [{
                "source": d.source, "document": d.document, "field": d.field,
                "store": d.store, "other": d.other} for d in result.differences],
        }  # fmt: skip
        Path(path).write_text(json.dumps(body, indent=1, ensure_ascii=False), encoding="utf-8")
        return
    rows = ([d.source, d.document, d.field, d.store, d.other] for d in result.differences)
    write(TableReport("Reconciliation", result.summary(), COLUMNS, rows), path)
