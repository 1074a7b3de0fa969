"""The GST_RULES worked example and helpers to read Tally XML back, for the Tally tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from loyalty_gst.gst import compute, credit_note
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.validation import parse_sale

D = Decimal
SELLER = {
    "gstin": "27AABCL4321K1ZL",
    "legal_name": "Lakshmi Lifestyle Retail Pvt Ltd",
    "address": "14 Linking Road",
    "city": "Mumbai",
    "pincode": "400050",
}
BUYER_MH = {
    "gstin": "27AAPFU0939F1ZV",
    "legal_name": "Sahyadri Traders Pvt Ltd",
    "address": "Plot 5, MIDC",
    "city": "Mumbai",
    "pincode": "400093",
    "state_code": "27",
}
BUYER_KA = {
    "gstin": "29AAPFU0939F1ZR",
    "legal_name": "Kaveri Hospitality Pvt Ltd",
    "address": "45 Residency Road",
    "city": "Bengaluru",
    "pincode": "560025",
    "state_code": "29",
}
SHIRTS = {"sku": "SHIRT", "hsn": "6105", "qty": "2", "unit": "PCS", "unit_price": "1000",
          "gst_rate": "5"}  # fmt: skip
BELT = {"sku": "BELT", "hsn": "4203", "qty": "1", "unit": "PCS", "unit_price": "1000",
        "gst_rate": "18"}  # fmt: skip


def sale(**over: Any) -> dict[str, Any]:
    """2 shirts ₹1000 @5% + a belt ₹1000 @18%, 300 points at ₹1 pre-tax, intra-state."""
    doc: dict[str, Any] = {
        "number": "INV/2025/0001",
        "date": "2025-11-21",
        "seller": SELLER,
        "buyer": BUYER_MH,
        "lines": [SHIRTS, BELT],
        "loyalty": {"points": 300, "point_value": "1", "basis": "taxable"},
        "store": "MUM-BAN",
    }
    doc.update(over)
    return doc


def taxed(**over: Any) -> TaxedInvoice:
    return compute(parse_sale(sale(**over)))


def worked_credit_note() -> TaxedInvoice:
    return credit_note(taxed(), number="CN/2025/0001", date=dt.date(2025, 11, 25))


def parse(path_or_bytes: Path | bytes) -> etree._Element:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return etree.fromstring(data)


def amounts(voucher: etree._Element) -> dict[str, Decimal]:
    """Ledger or stock item → signed AMOUNT, as Tally reads the voucher."""
    out: dict[str, Decimal] = {}
    for inv in voucher.findall("ALLINVENTORYENTRIES.LIST"):
        out[inv.findtext("STOCKITEMNAME")] = D(inv.findtext("AMOUNT"))
    for le in voucher.findall("LEDGERENTRIES.LIST"):
        out[le.findtext("LEDGERNAME")] = D(le.findtext("AMOUNT"))
    return out


def voucher_sum(voucher: etree._Element) -> Decimal:
    """Σ of every amount: ledger entries + inventory entries (allocations repeat those)."""
    total = D(0)
    for tag in ("ALLINVENTORYENTRIES.LIST", "LEDGERENTRIES.LIST"):
        for e in voucher.findall(tag):
            total += D(e.findtext("AMOUNT"))
    return total
