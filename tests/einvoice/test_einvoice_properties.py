"""Property: for random valid sales, the payload passes the validator and adds up to the paisa."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from einvoice_helpers import BUYER_KA, BUYER_MH, DAY, SELLER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from einvoice.builder import build
from einvoice.validator import Settings, validate
from loyalty_gst.gst import compute
from loyalty_gst.money import ZERO
from loyalty_gst.validation import parse_sale

RATES = ["0.25", "1.5", "3", "5", "12", "18", "28", "40"]
money = st.integers(min_value=100, max_value=500_000).map(lambda p: str(Decimal(p) / 100))


@st.composite
def lines(draw: st.DrawFn) -> dict[str, Any]:
    nil = draw(st.booleans().map(lambda b: b and draw(st.integers(0, 4)) == 0))
    qty = draw(st.sampled_from(["1", "2", "3", "5", "12", "0.5", "1.250", "7.125"]))
    price = draw(money)
    line: dict[str, Any] = {
        "sku": "SKU" + str(draw(st.integers(1, 999))),
        "description": draw(st.sampled_from(["Shirt", "Oil 1L", "Bag", "x"])),
        "hsn": draw(st.sampled_from(["6105", "610510", "42032910", "998599"])),
        "qty": qty,
        "unit": draw(st.sampled_from(["PCS", "NOS", "KGS", "LTR"])),
        "unit_price": price,
        "gst_rate": "0" if nil else draw(st.sampled_from(RATES)),
        "cess_rate": draw(st.sampled_from(["0", "0", "0", "1", "12"])) if not nil else "0",
        "redeemable": draw(st.booleans()) or not nil,
    }
    value = Decimal(qty) * Decimal(price)
    if draw(st.booleans()) and value > 10:
        line["discount"] = str((value / 10).quantize(Decimal("0.01")))
    return line


@st.composite
def sales(draw: st.DrawFn) -> dict[str, Any]:
    inclusive = draw(st.booleans())
    # before 22 Sep 2025 every rate and cess; from then on the new slabs and, after
    # 1 Feb 2026, no cess (validation refuses the old ones on later invoices)
    older = draw(st.booleans())
    items = draw(st.lists(lines(), min_size=1, max_size=6))
    if not older:
        for ln in items:
            ln["gst_rate"] = {"12": "18", "28": "40"}.get(ln["gst_rate"], ln["gst_rate"])
    doc: dict[str, Any] = {
        "number": f"INV/{draw(st.integers(1, 99999))}",
        "date": "2025-06-16" if older else DAY.isoformat(),
        "seller": SELLER,
        "buyer": draw(st.sampled_from([BUYER_MH, BUYER_KA])),
        "category": draw(st.sampled_from(["B2B", "B2B", "SEZWP", "DEXP"])),
        "prices_include_tax": inclusive,
        "round_to_rupee": draw(st.booleans()),
        "lines": items,
    }
    if draw(st.booleans()):
        doc["loyalty"] = {
            "points": draw(st.integers(0, 5000)),
            "point_value": draw(st.sampled_from(["0.25", "0.5", "1"])),
            "basis": "bill" if inclusive or draw(st.booleans()) else "taxable",
        }
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales())
def test_builder_output_passes_validator_and_matches_taxed_invoice(doc):
    inv = compute(parse_sale(doc))
    if not any(ln.tax_category == "taxable" for ln in inv.lines):
        return  # not applicable (tested elsewhere)
    payload = build(inv)
    assert validate(payload, Settings(today=DAY)) == []

    t, v = inv.totals, payload.ValDtls
    taxable_lines = [ln for ln in inv.lines if ln.tax_category == "taxable"]
    nil_lines = [ln for ln in inv.lines if ln.tax_category != "taxable"]
    items = payload.ItemList
    assert len(items) == len(taxable_lines)
    # every amount is the TaxedInvoice's, to the paisa
    assert v.TotInvVal == t.grand_total
    assert v.AssVal + sum((ln.taxable_value for ln in nil_lines), ZERO) == t.taxable_value
    assert (v.CgstVal or ZERO, v.SgstVal or ZERO, v.IgstVal or ZERO, v.CesVal or ZERO) == (
        t.cgst,
        t.sgst,
        t.igst,
        t.cess,
    )
    assert (v.OthChrg or ZERO) == sum((ln.total for ln in nil_lines), ZERO)
    assert (v.RndOffAmt or ZERO) == t.round_off
    assert v.Discount is None  # loyalty never goes to ValDtls.Discount
    for it, ln in zip(items, taxable_lines, strict=True):
        assert it.TotAmt == ln.gross
        assert (it.Discount or ZERO) == ln.trade_discount + ln.loyalty_discount
        assert it.AssAmt == ln.taxable_value == it.TotAmt - (it.Discount or ZERO)
        assert it.TotItemVal == ln.total
    assert sum((it.Discount or ZERO for it in items), ZERO) == sum(
        (ln.trade_discount + ln.loyalty_discount for ln in taxable_lines), ZERO
    )
