"""Builders for sales used across the core tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalty_gst.gst import compute
from loyalty_gst.models import Sale, TaxedInvoice
from loyalty_gst.validation import parse_sale

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
SHIRTS = {
    "sku": "SHIRT",
    "hsn": "6105",
    "qty": "2",
    "unit": "PCS",
    "unit_price": "1000",
    "gst_rate": "5",
}
BELT = {
    "sku": "BELT",
    "hsn": "4203",
    "qty": "1",
    "unit": "NOS",
    "unit_price": "1000",
    "gst_rate": "18",
}


def sale(**over: Any) -> dict[str, Any]:
    """The GST_RULES worked example (2 shirts @5% + a belt @18%, 300 points at ₹1)."""
    doc: dict[str, Any] = {
        "number": "INV/2025/0001",
        "date": "2025-11-21",
        "seller": SELLER,
        "buyer": BUYER_MH,
        "lines": [SHIRTS, BELT],
        "loyalty": {"points": 300, "point_value": "1", "basis": "taxable"},
    }
    doc.update(over)
    return doc


def taxed(doc: dict[str, Any]) -> TaxedInvoice:
    return compute(parse_sale(doc))


def as_sale(doc: dict[str, Any]) -> Sale:
    return parse_sale(doc)


D = Decimal
