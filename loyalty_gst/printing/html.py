"""The document's content for an HTML print format (ERPNext's Jinja print formats).

`view(job)` is the same `Content` the PDF lays out, as plain data, with the QR codes as
inline SVG and the logo as a data URI; the template `TEMPLATE` (shipped in the package,
loaded by frappe's Jinja loader as `loyalty_gst/templates/print/gst_document.html`)
lays it out, one block per copy.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from loyalty_gst.printing import content, qrcode
from loyalty_gst.printing.particulars import PrintJob

TEMPLATE = "templates/print/gst_document.html"  # inside the loyalty_gst package
TEMPLATE_PATH = Path(__file__).resolve().parents[1] / TEMPLATE


def _data_uri(image: bytes) -> str:
    kind = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(image).decode()}"


def view(job: PrintJob) -> dict[str, Any]:
    """Every printed string of the document, and its QR codes and logo ready for HTML."""
    c = content.build(job)
    data = c.model_dump(exclude={"logo"})
    data["number_label"] = {"Credit Note": "Credit note", "Debit Note": "Debit note"}.get(
        c.title, "Invoice"
    )
    data["logo_uri"] = _data_uri(c.logo) if c.logo else None
    data["signed_qr_svg"] = qrcode.svg(c.signed_qr, 40) if c.signed_qr else None
    data["upi_svg"] = qrcode.svg(c.upi, 30) if c.upi else None
    return data
