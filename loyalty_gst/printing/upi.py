"""The B2C dynamic QR: a UPI payment string for the amount payable (notification 14/2020-CT).

NPCI's UPI linking format `upi://pay?…` with the payee VPA (`pa`), payee name (`pn`),
amount (`am`), currency (`cu`), transaction reference (`tr`, the invoice number) and
note (`tn`), plus the GST fields of NPCI's GST-invoice extension: `gstIn`, `invoiceNo`,
`invoiceDate` and `gstBrkUp` (CGST:…|SGST:…|IGST:…|CESS:…). Values are percent-encoded.

>>> from decimal import Decimal
>>> upi_string(vpa="shop@upi", payee="Lakshmi Retail", amount=Decimal("2952"),
...     number="INV/1", gstin="27AABCL4321K1ZL", day=dt.date(2025, 11, 21),
...     cgst=Decimal("126"), sgst=Decimal("126"), igst=Decimal(0), cess=Decimal(0))
'upi://pay?pa=shop@upi&pn=Lakshmi%20Retail&am=2952.00&cu=INR&tr=INV%2F1&tn=Invoice%20INV%2F1&gstIn=27AABCL4321K1ZL&invoiceNo=INV%2F1&invoiceDate=2025-11-21&gstBrkUp=CGST%3A126.00%7CSGST%3A126.00%7CIGST%3A0.00%7CCESS%3A0.00'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from loyalty_gst.money import paise


def _q(value: str) -> str:
    return quote(value, safe="@.-_")


def upi_string(
    *,
    vpa: str,
    payee: str,
    amount: Decimal,
    number: str,
    gstin: str,
    day: dt.date,
    cgst: Decimal,
    sgst: Decimal,
    igst: Decimal,
    cess: Decimal,
) -> str:
    """The UPI payment string of one invoice (amounts to the paisa)."""
    brk = "|".join(
        f"{head}:{paise(v):.2f}"
        for head, v in (("CGST", cgst), ("SGST", sgst), ("IGST", igst), ("CESS", cess))
    )
    fields = (
        ("pa", vpa),
        ("pn", payee),
        ("am", f"{paise(amount):.2f}"),
        ("cu", "INR"),
        ("tr", number),
        ("tn", f"Invoice {number}"),
        ("gstIn", gstin),
        ("invoiceNo", number),
        ("invoiceDate", day.isoformat()),
        ("gstBrkUp", brk),
    )
    return "upi://pay?" + "&".join(f"{k}={_q(v)}" for k, v in fields)
