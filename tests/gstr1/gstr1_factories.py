"""Sales, invoices and sums for the GSTR-1 tests (GSTIN 27… in Maharashtra files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from loyalty_gst import gst
from loyalty_gst.models import Buyer, Loyalty, Sale, SaleLine, Seller, TaxedInvoice

D = Decimal
GSTIN = "27AABCL4321K1ZL"
SELLER = Seller(
    gstin=GSTIN,
    legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
    address="14 Linking Road",
    city="Mumbai",
    pincode="400050",
)
OTHER_SELLER = SELLER.model_copy(update={"gstin": "29AABCL4321K1ZH"})
BUYER_MH = Buyer(
    gstin="27AAPFU0939F1ZV",
    legal_name="Sahyadri Traders Pvt Ltd",
    address="Plot 5, MIDC",
    city="Mumbai",
    pincode="400093",
    state_code="27",
)
BUYER_KA = Buyer(
    gstin="29AAPFU0939F1ZR",
    legal_name="Kaveri Hospitality Pvt Ltd",
    address="45 Residency Road",
    city="Bengaluru",
    pincode="560025",
    state_code="29",
)
ABROAD = Buyer(
    legal_name="Overseas Buyer Inc",
    address="1 Main St",
    city="Boston",
    pincode="999999",
    state_code="96",
    country="US",
)


def line(
    price: str, rate: str = "5", qty: str = "1", hsn: str = "6105", unit: str = "PCS", **kw: Any
) -> SaleLine:
    return SaleLine(
        sku=f"SKU-{hsn}",
        description=kw.pop("description", f"Item {hsn}"),
        hsn=hsn,
        qty=D(qty),
        unit=unit,
        unit_price=D(price),
        gst_rate=D(rate),
        **kw,
    )


def invoice(number: str, day: str, lines: Iterable[SaleLine], **kw: Any) -> TaxedInvoice:
    return gst.compute(
        Sale(
            number=number,
            date=dt.date.fromisoformat(day),
            seller=kw.pop("seller", SELLER),
            lines=tuple(lines),
            **kw,
        )
    )


def loyalty(points: int, value: str = "1") -> Loyalty:
    return Loyalty(points=points, point_value=D(value), basis="taxable")


def books(docs: Iterable[TaxedInvoice]) -> dict[str, Decimal]:
    """Σ of the documents' own totals, credit notes subtracting (the books)."""
    out = dict.fromkeys(("txval", "iamt", "camt", "samt", "csamt"), D("0.00"))
    for d in docs:
        sign = -1 if d.kind == "credit_note" else 1
        t = d.totals
        for key, v in zip(out, (t.taxable_value, t.igst, t.cgst, t.sgst, t.cess), strict=True):
            out[key] += sign * v
    return out


def _items(rows: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for r in rows:
        yield r.get("itm_det", r)


def sections_total(ret: dict[str, Any]) -> dict[str, Decimal]:
    """Σ over the return's sections as written (notes subtracting, nil as taxable value)."""
    out = dict.fromkeys(("txval", "iamt", "camt", "samt", "csamt"), D("0.00"))

    def add(items: Iterable[dict[str, Any]], sign: int) -> None:
        for it in items:
            for key in out:
                out[key] += sign * it.get(key, 0)

    for grp in ret.get("b2b", []) + ret.get("b2cl", []) + ret.get("exp", []):
        for inv in grp["inv"]:
            add(_items(inv["itms"]), 1)
    add(ret.get("b2cs", []), 1)
    for grp in ret.get("cdnr", []):
        for nt in grp["nt"]:
            add(_items(nt["itms"]), -1 if nt["ntty"] == "C" else 1)
    for nt in ret.get("cdnur", []):
        add(_items(nt["itms"]), -1 if nt["ntty"] == "C" else 1)
    for row in ret.get("nil", {}).get("inv", []):
        out["txval"] += row["nil_amt"] + row["expt_amt"] + row["ngsup_amt"]
    return out


def hsn_total(ret: dict[str, Any]) -> dict[str, Decimal]:
    out = dict.fromkeys(("txval", "iamt", "camt", "samt", "csamt"), D("0.00"))
    for table in ret.get("hsn", {}).values():
        for row in table:
            for key in out:
                out[key] += row[key]
    return out
