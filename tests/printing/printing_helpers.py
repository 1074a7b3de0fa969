"""Documents to print, with their values worked by hand, and readers for the PDFs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pypdfium2
import zxingcpp

from loyalty_gst.gst import compute, credit_note
from loyalty_gst.models import ReturnLine, TaxedInvoice
from loyalty_gst.validation import parse_sale

DAY = dt.date(2025, 11, 21)
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
WALK_IN_KA = {
    "legal_name": "Ananya Rao",
    "address": "12 Church Street",
    "city": "Bengaluru",
    "pincode": "560001",
    "state_code": "29",
}
SHIRTS = {
    "sku": "SHIRT",
    "description": "Cotton shirt",
    "hsn": "6105",
    "qty": "2",
    "unit": "PCS",
    "unit_price": "1000",
    "gst_rate": "5",
}
BELT = {
    "sku": "BELT",
    "description": "Leather belt",
    "hsn": "4203",
    "qty": "1",
    "unit": "NOS",
    "unit_price": "1000",
    "gst_rate": "18",
}


def b2b() -> TaxedInvoice:
    """2 shirts ₹1000 @5% + belt ₹1000 @18%, 300 points at ₹1 (pro rata 200 / 100):
    taxable 1800.00 + 900.00; CGST = SGST = 45.00 + 81.00 = 126.00; total 2952.00."""
    return compute(
        parse_sale(
            {
                "number": "INV/2025/0001",
                "date": DAY.isoformat(),
                "seller": SELLER,
                "buyer": BUYER_MH,
                "lines": [SHIRTS, BELT],
                "loyalty": {"points": 300, "point_value": "1", "basis": "taxable"},
            }
        )
    )


def b2c_large() -> TaxedInvoice:
    """A television ₹1,20,000 @18% to an unregistered buyer in Karnataka (inter-state),
    500 points at ₹0.50 = ₹250: taxable 1,19,750.00; IGST 18% = 21,555.00;
    invoice value 1,41,305.00."""
    return compute(
        parse_sale(
            {
                "number": "BLR/2025/0042",
                "date": DAY.isoformat(),
                "seller": SELLER,
                "buyer": WALK_IN_KA,
                "lines": [
                    {
                        "sku": "TV55",
                        "description": "55-inch LED television",
                        "hsn": "852872",
                        "qty": "1",
                        "unit": "NOS",
                        "unit_price": "120000",
                        "gst_rate": "18",
                    }
                ],
                "loyalty": {"points": 500, "point_value": "0.50", "basis": "taxable"},
            }
        )
    )


def bill_of_supply() -> TaxedInvoice:
    """Nil-rated only: 2.5 KGS of rice at ₹40 = 100.00 and 2 books at ₹250 = 500.00 (exempt);
    no tax; 600.00."""
    return compute(
        parse_sale(
            {
                "number": "BOS/2025/0007",
                "date": DAY.isoformat(),
                "seller": SELLER,
                "lines": [
                    {
                        "sku": "RICE",
                        "description": "Rice, loose",
                        "hsn": "1006",
                        "qty": "2.5",
                        "unit": "KGS",
                        "unit_price": "40",
                        "gst_rate": "0",
                    },
                    {
                        "sku": "BOOK",
                        "description": "Printed book",
                        "hsn": "4901",
                        "qty": "2",
                        "unit": "NOS",
                        "unit_price": "250",
                        "gst_rate": "0",
                        "tax_category": "exempt",
                    },
                ],
            }
        )
    )


def credit() -> TaxedInvoice:
    """One of the two shirts of b2b() comes back on 25/11/2025: gross 1000.00, loyalty
    100.00, taxable 900.00, CGST = SGST = 22.50, note value 945.00."""
    return credit_note(
        b2b(),
        number="CN/2025/0001",
        date=dt.date(2025, 11, 25),
        returns=[ReturnLine(line_no=1, qty=1)],
    )


def debit() -> TaxedInvoice:
    """A price revision of ₹50 a shirt on the 2 shirts of b2b(): taxable 100.00, CGST =
    SGST = 2.50, note value 105.00."""
    return compute(
        parse_sale(
            {
                "number": "DN/2025/0001",
                "date": "2025-11-26",
                "kind": "debit_note",
                "against": {"number": "INV/2025/0001", "date": DAY.isoformat()},
                "seller": SELLER,
                "buyer": BUYER_MH,
                "lines": [{**SHIRTS, "unit_price": "50"}],
            }
        )
    )


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def qr_codes(pdf: bytes, page: int = 0, scale: float = 3) -> list[str]:  # float ok
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=scale).to_pil()
    finally:
        doc.close()
    return [b.text for b in zxingcpp.read_barcodes(image)]


def page_sizes_mm(pdf: bytes) -> list[tuple[Any, Any]]:
    mm = 72 / 25.4
    return [
        (
            round(float(p.mediabox.width) / mm, 2),
            round(float(p.mediabox.height) / mm, 2),
        )  # float ok
        for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]
