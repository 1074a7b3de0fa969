"""GSTR-1 from TaxedInvoices, streaming (GST_RULES §4): every section of the portal JSON.

    builder = Builder("27AABCL4321K1ZL", "112025", Settings(cancelled={"X/1"}))
    for inv in invoices:          # TaxedInvoice, or reader.iter_views(path) views
        builder.add(inv)
    result = builder.result()     # .write(fh), .summary, .reconciliation, .warnings

Pure: no database, no network. The one exception is the builder's scratch spill file
for per-invoice rows past a limit (see spill.py). `stored.py` is the glue that reads
the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from loyalty_gst.gstr1.builder import Builder
from loyalty_gst.gstr1.result import Gstr1Result
from loyalty_gst.gstr1.rules import Period, Settings
from loyalty_gst.gstr1.view import DocView
from loyalty_gst.models import TaxedInvoice


def build(
    gstin: str, fp: str, docs: Iterable[TaxedInvoice | DocView], settings: Settings | None = None
) -> Gstr1Result:
    """GSTR-1 of `gstin` for period `fp` (MMYYYY) from invoices and notes, in one pass."""
    return Builder(gstin, fp, settings).extend(docs).result()


__all__ = ["Builder", "Gstr1Result", "Period", "Settings", "build"]
