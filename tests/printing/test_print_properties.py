"""For any sale: every figure the TaxedInvoice holds is on the printed page, in Indian
grouping, on the A4 page and on the receipt; the words say the invoice value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from printing_helpers import BUYER_MH, SELLER, WALK_IN_KA, text_of

from loyalty_gst.gst import compute
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.printing import PrintJob, render
from loyalty_gst.printing.figures import count, grouped, in_words, inr
from loyalty_gst.validation import parse_sale

RATES = ["0", "0.25", "3", "5", "18", "40"]


@st.composite
def invoices(draw: st.DrawFn) -> TaxedInvoice:
    n = draw(st.integers(1, 6))
    lines = [
        {
            "sku": f"S{i}",
            "description": f"Item {i}",
            "hsn": draw(st.sampled_from(["6105", "4203", "852872", "1006"])),
            "qty": str(draw(st.integers(1, 20))),
            "unit": "NOS",
            "unit_price": f"{draw(st.integers(100, 20_000_000)) / 100:.2f}",  # float ok: text
            "gst_rate": draw(st.sampled_from(RATES)),
        }
        for i in range(n)
    ]
    doc: dict[str, object] = {
        "number": f"P/{draw(st.integers(1, 99999))}",
        "date": dt.date(2025, 11, 21).isoformat(),
        "seller": SELLER,
        "lines": lines,
        "prices_include_tax": draw(st.booleans()),
        "round_to_rupee": draw(st.booleans()),
    }
    buyer = draw(st.sampled_from([None, BUYER_MH, WALK_IN_KA]))
    if buyer:
        doc["buyer"] = buyer
    points = draw(st.integers(0, 2000))
    if points:
        doc["loyalty"] = {"points": points, "point_value": "0.25", "basis": "taxable"}
    return compute(parse_sale(doc))


def flat(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoices(), st.sampled_from(["a4", "receipt"]))
def test_every_figure_is_printed(inv: TaxedInvoice, fmt: str) -> None:
    body = flat(text_of(render(PrintJob(invoice=inv), fmt)))
    t = inv.totals
    assert inv.number in body
    assert inr(t.grand_total) in body and inr(t.taxable_value) in body
    assert flat(in_words(t.grand_total)) in body
    for ln in inv.lines:
        assert ln.description in body and ln.hsn in body
        for amount in (ln.gross, ln.taxable_value, ln.total):
            assert grouped(amount) in body, (ln.line_no, amount)
        if ln.tax_category == "taxable":
            for tax in (ln.cgst, ln.igst):
                if tax:
                    assert grouped(tax) in body
        if ln.loyalty_discount:
            assert grouped(ln.loyalty_discount) in body
    lo = inv.loyalty
    if lo.points_redeemed:
        line = f"Points redeemed: {count(lo.points_redeemed)} × {inr(lo.point_value)} = "
        assert line + inr(lo.value) in body
    # Indian grouping: a figure of a lakh or more is never grouped in threes
    for a in (t.gross, t.grand_total):
        if a >= Decimal(100000):
            assert f"{a:,.2f}" not in body and grouped(a) in body
