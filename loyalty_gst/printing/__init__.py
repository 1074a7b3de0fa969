"""Printed GST documents (reportlab): A4 tax invoice, bill of supply, credit / debit note,
and the 80 mm till receipt — all from one TaxedInvoice through one `Content`.

>>> # render(PrintJob(invoice=inv), "a4") -> PDF bytes
"""

from __future__ import annotations

from typing import Literal

from loyalty_gst.printing import a4, content, receipt
from loyalty_gst.printing.content import title_of
from loyalty_gst.printing.particulars import COPY_MARKS, CopyMark, EInvoiced, Letterhead, PrintJob

Format = Literal["a4", "receipt"]


def render(job: PrintJob, fmt: Format = "a4") -> bytes:
    """The document as PDF bytes: A4 pages, or one 80 mm receipt page per copy."""
    c = content.build(job)
    return a4.render(c) if fmt == "a4" else receipt.render(c)


__all__ = [
    "COPY_MARKS",
    "CopyMark",
    "EInvoiced",
    "Format",
    "Letterhead",
    "PrintJob",
    "render",
    "title_of",
]
