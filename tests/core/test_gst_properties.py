"""Invariants of the taxed invoice, each over ≥ 1,000 random sales (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_gst.gst import RATES, compute, credit_note
from loyalty_gst.models import Buyer, Loyalty, ReturnLine, Sale, SaleLine, Seller
from loyalty_gst.money import ZERO, split

from .factories import BUYER_KA, BUYER_MH, SELLER

MANY = settings(max_examples=1000, deadline=None)

money = st.integers(min_value=0, max_value=5_000_000).map(lambda p: Decimal(p) / 100)
weights = st.lists(money, min_size=1, max_size=12)


@st.composite
def sales(draw: st.DrawFn) -> Sale:
    n = draw(st.integers(1, 8))
    lines = []
    for k in range(n):
        qty = Decimal(draw(st.integers(1, 5000))) / Decimal(draw(st.sampled_from([1, 10, 1000])))
        price = Decimal(draw(st.integers(0, 2_000_000))) / 1000
        rate = draw(st.sampled_from(sorted(RATES)))
        value = (qty * price).quantize(Decimal("0.01"))
        disc = Decimal(draw(st.integers(0, int(value * 100)))) / 100 if draw(st.booleans()) else 0
        lines.append(
            SaleLine(
                sku=f"S{k}",
                hsn="6109",
                qty=qty,
                unit="PCS",
                unit_price=price,
                gst_rate=rate,
                cess_rate=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(12)])),
                discount=disc,
                redeemable=draw(st.booleans()) or k == 0,
            )
        )
    loyalty = None
    if draw(st.booleans()):
        loyalty = Loyalty(
            points=draw(st.integers(0, 200_000)),
            point_value=draw(
                st.sampled_from([Decimal("1"), Decimal("0.25"), Decimal("0.1"), Decimal("0.333")])
            ),
            basis=draw(st.sampled_from(["taxable", "bill"])),
            treatment=draw(st.sampled_from(["pre_tax_discount", "pre_tax_discount", "tender"])),
            max_share_percent=draw(st.sampled_from([Decimal(100), Decimal(50), Decimal("33.3")])),
        )
    buyer = draw(st.sampled_from([None, BUYER_MH, BUYER_KA]))
    return Sale(
        number="P/1",
        date=dt.date(2025, 11, 21),
        seller=Seller(**SELLER),
        buyer=Buyer(**buyer) if buyer else None,
        prices_include_tax=draw(st.booleans()),
        round_to_rupee=draw(st.booleans()),
        lines=tuple(lines),
        loyalty=loyalty,
    )


@MANY
@given(money, weights)
def test_split_sums_exactly_and_stays_within_lines(total, ws):
    if sum(ws) == 0:
        return
    total = min(total, sum(ws))
    shares = split(total, ws)
    assert sum(shares) == total
    for share, w in zip(shares, ws, strict=True):
        assert ZERO <= share <= w


@MANY
@given(sales())
def test_loyalty_shares_sum_to_value_and_stay_within_lines(sale):
    inv = compute(sale)
    assert sum(ln.loyalty_value for ln in inv.lines) == inv.loyalty.value
    for ln, src in zip(inv.lines, sale.lines, strict=True):
        assert ln.loyalty_value >= 0 and ln.loyalty_discount >= 0
        assert ln.loyalty_discount <= ln.taxable_before_loyalty
        assert ln.taxable_value >= 0
        if not src.redeemable:
            assert ln.loyalty_value == 0
    if inv.loyalty.treatment == "tender":
        assert inv.totals.loyalty_discount == 0
        assert inv.totals.amount_payable == inv.totals.grand_total - inv.loyalty.value
    elif inv.loyalty.basis == "taxable":
        assert inv.totals.loyalty_discount == inv.loyalty.value


@MANY
@given(sales())
def test_cgst_equals_sgst_and_one_tax_type(sale):
    inv = compute(sale)
    for ln in inv.lines:
        assert ln.cgst == ln.sgst
        if inv.supply == "intra":
            assert ln.igst == 0
        else:
            assert ln.cgst == 0
        # taxable × rate: the line tax is the rounded product, never recomputed elsewhere
        assert abs(ln.cgst + ln.sgst + ln.igst - ln.taxable_value * ln.gst_rate / 100) <= Decimal(
            "0.01"
        )


@MANY
@given(sales())
def test_totals_are_sums_of_lines(sale):
    inv = compute(sale)
    t = inv.totals
    for name in (
        "gross",
        "trade_discount",
        "loyalty_discount",
        "taxable_value",
        "cgst",
        "sgst",
        "igst",
        "cess",
    ):
        assert getattr(t, name) == sum(getattr(ln, name) for ln in inv.lines), name
    assert t.tax == t.cgst + t.sgst + t.igst + t.cess
    assert t.grand_total == sum(ln.total for ln in inv.lines) + t.round_off
    assert abs(t.round_off) < 1
    for ln in inv.lines:
        assert ln.total == ln.taxable_value + ln.cgst + ln.sgst + ln.igst + ln.cess
        assert ln.taxable_value == ln.gross - ln.trade_discount - ln.loyalty_discount


@MANY
@given(sales())
def test_full_return_restores_original_to_the_paisa(sale):
    inv = compute(sale)
    cn = credit_note(inv, number="CN/1", date=dt.date(2025, 11, 30))
    for name in (
        "taxable_value",
        "loyalty_discount",
        "cgst",
        "sgst",
        "igst",
        "cess",
        "tax",
        "grand_total",
    ):
        assert getattr(cn.totals, name) == getattr(inv.totals, name), name
    assert cn.loyalty.points_redeemed == inv.loyalty.points_redeemed
    assert cn.loyalty.value == inv.loyalty.value


@settings(max_examples=300, deadline=None)
@given(sales(), st.data())
def test_partial_returns_add_up_to_the_invoice(sale, data):
    inv = compute(sale)
    before: dict[int, Decimal] = {}
    notes = []
    while True:
        left = {ln.line_no: ln.qty - before.get(ln.line_no, ZERO) for ln in inv.lines}
        left = {k: v for k, v in left.items() if v > 0}
        if not left:
            break
        no = data.draw(st.sampled_from(sorted(left)))
        q = left[no] if data.draw(st.booleans()) else (left[no] / 2).quantize(Decimal("0.001"))
        q = q if q > 0 else left[no]
        notes.append(
            credit_note(
                inv,
                number="CN/1",
                date=dt.date(2025, 12, 1),
                returns=[ReturnLine(line_no=no, qty=q)],
                previously_returned=dict(before),
            )
        )
        before[no] = before.get(no, ZERO) + q
    for name in ("taxable_value", "cgst", "sgst", "igst", "cess"):
        assert sum(getattr(n.totals, name) for n in notes) == getattr(inv.totals, name)
    assert sum(n.loyalty.points_redeemed for n in notes) == inv.loyalty.points_redeemed
