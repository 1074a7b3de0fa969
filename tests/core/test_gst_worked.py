"""Worked examples of GST_RULES §2, each with its arithmetic written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import credit_note
from loyalty_gst.models import ReturnLine

from .factories import BELT, BUYER_KA, SHIRTS, sale, taxed


def amounts(line, *names):
    return tuple(getattr(line, n) for n in names)


def test_intra_state_two_rates_300_points_on_taxable():
    inv = taxed(sale())
    shirt, belt = inv.lines
    # V = 300 × ₹1 = 300.00, split pro rata to taxable 2000 : 1000 → 200.00 / 100.00
    assert (shirt.loyalty_discount, belt.loyalty_discount) == (D("200.00"), D("100.00"))
    # taxable 2000 − 200 = 1800.00 ; 1000 − 100 = 900.00
    assert (shirt.taxable_value, belt.taxable_value) == (D("1800.00"), D("900.00"))
    # CGST = SGST: 1800 × 5/200 = 45.00 ; 900 × 18/200 = 81.00
    assert amounts(shirt, "cgst", "sgst", "igst") == (D("45.00"), D("45.00"), D("0.00"))
    assert amounts(belt, "cgst", "sgst", "igst") == (D("81.00"), D("81.00"), D("0.00"))
    t = inv.totals
    assert inv.supply == "intra" and inv.place_of_supply == "27"
    # 45 + 81 = 126.00 each; 2700 + 252 = 2952.00
    assert (t.cgst, t.sgst, t.igst) == (D("126.00"), D("126.00"), D("0.00"))
    assert t.taxable_value == D("2700.00") and t.loyalty_discount == D("300.00")
    assert t.grand_total == D("2952.00") == t.amount_payable
    # the tax the discount removed: 200 × 5% + 100 × 18% = 10 + 18 = 28.00
    assert t.gst_foregone == D("28.00")
    assert inv.loyalty.points_redeemed == 300 and inv.loyalty.value == D("300.00")


def test_same_sale_inter_state_is_igst():
    inv = taxed(sale(buyer=BUYER_KA))
    assert inv.supply == "inter" and inv.place_of_supply == "29"
    # IGST: 1800 × 5% = 90.00 ; 900 × 18% = 162.00 ; total 252.00
    assert [ln.igst for ln in inv.lines] == [D("90.00"), D("162.00")]
    assert (inv.totals.cgst, inv.totals.sgst, inv.totals.igst) == (D("0"), D("0"), D("252.00"))
    assert inv.totals.grand_total == D("2952.00")


def test_place_of_supply_not_buyer_state_decides():
    # buyer in Karnataka but goods delivered in Maharashtra: POS 27 = seller state → intra
    inv = taxed(sale(buyer=BUYER_KA, place_of_supply="27"))
    assert inv.supply == "intra" and inv.totals.cgst == D("126.00")


def test_tax_inclusive_mrp_lines_on_bill_basis():
    doc = sale(
        buyer=None,
        prices_include_tax=True,
        round_to_rupee=True,
        lines=[
            {
                "sku": "CREAM",
                "hsn": "3304",
                "qty": "1",
                "unit": "NOS",
                "unit_price": "590",
                "gst_rate": "18",
            },
            {
                "sku": "SHAMPOO",
                "hsn": "3305",
                "qty": "2",
                "unit": "BTL",
                "unit_price": "210",
                "gst_rate": "5",
            },
        ],
        loyalty={"points": 100, "point_value": "1", "basis": "bill"},
    )
    inv = taxed(doc)
    cream, shampoo = inv.lines
    # before loyalty: 590 × 100/118 = 500.00 ; 420 × 100/105 = 400.00
    assert (cream.taxable_before_loyalty, shampoo.taxable_before_loyalty) == (
        D("500.00"),
        D("400.00"),
    )
    # V = 100.00 split over the tax-inclusive 590 : 420 (W = 1010):
    #   10000 × 590/1010 = 5841.58 paise, 10000 × 420/1010 = 4158.42 → floors 5841 + 4158 = 9999,
    #   the leftover paisa to the larger remainder (.58) → 58.42 and 41.58
    assert (cream.loyalty_value, shampoo.loyalty_value) == (D("58.42"), D("41.58"))
    # after: (590 − 58.42) × 100/118 = 450.4915 → 450.49 ; (420 − 41.58) × 100/105 = 360.40
    assert (cream.taxable_value, shampoo.taxable_value) == (D("450.49"), D("360.40"))
    assert (cream.loyalty_discount, shampoo.loyalty_discount) == (D("49.51"), D("39.60"))
    # CGST = SGST: 450.49 × 9% = 40.5441 → 40.54 ; 360.40 × 2.5% = 9.01
    assert (cream.cgst, cream.sgst, shampoo.cgst, shampoo.sgst) == (
        D("40.54"),
        D("40.54"),
        D("9.01"),
        D("9.01"),
    )
    # lines: 450.49 + 81.08 = 531.57 ; 360.40 + 18.02 = 378.42 ; Σ 909.99 → 910 (round-off 0.01)
    assert (cream.total, shampoo.total) == (D("531.57"), D("378.42"))
    assert inv.totals.round_off == D("0.01") and inv.totals.grand_total == D("910.00")
    # the customer pays the MRP 1010 less the points' 100
    assert inv.totals.amount_payable == D("910.00")


def test_cess_line_before_cess_ended():
    # an older document (June 2025): aerated drink 28% + 12% cess, 10 × ₹100
    inv = taxed(
        sale(
            date="2025-06-01",
            loyalty=None,
            lines=[
                {
                    "sku": "COLA",
                    "hsn": "2202",
                    "qty": "10",
                    "unit": "BTL",
                    "unit_price": "100",
                    "gst_rate": "28",
                    "cess_rate": "12",
                }
            ],
        )
    )
    (ln,) = inv.lines
    # taxable 1000.00 ; CGST = SGST = 1000 × 28/200 = 140.00 ; cess 1000 × 12% = 120.00
    assert amounts(ln, "taxable_value", "cgst", "sgst", "cess") == (
        D("1000.00"),
        D("140.00"),
        D("140.00"),
        D("120.00"),
    )
    assert inv.totals.grand_total == D("1400.00")


def test_cess_in_tax_inclusive_price():
    # MRP 140 at 28% + 12% cess: taxable = 140 × 100 / (100 + 28 + 12) = 100.00
    inv = taxed(
        sale(
            buyer=None,
            prices_include_tax=True,
            loyalty=None,
            date="2025-06-01",
            lines=[
                {
                    "sku": "COLA",
                    "hsn": "2202",
                    "qty": "1",
                    "unit": "BTL",
                    "unit_price": "140",
                    "gst_rate": "28",
                    "cess_rate": "12",
                }
            ],
        )
    )
    (ln,) = inv.lines
    assert amounts(ln, "taxable_value", "cgst", "sgst", "cess", "total") == (
        D("100.00"),
        D("14.00"),
        D("14.00"),
        D("12.00"),
        D("140.00"),
    )


def test_nil_rated_line_takes_its_share_and_no_tax():
    inv = taxed(
        sale(
            lines=[
                {
                    "sku": "BOOK",
                    "hsn": "4901",
                    "qty": "1",
                    "unit": "NOS",
                    "unit_price": "500",
                    "gst_rate": "0",
                },
                {
                    "sku": "SHIRT",
                    "hsn": "6105",
                    "qty": "1",
                    "unit": "PCS",
                    "unit_price": "1000",
                    "gst_rate": "5",
                },
            ],
            loyalty={"points": 150, "point_value": "1"},
        )
    )
    book, shirt = inv.lines
    assert book.tax_category == "nil_rated"
    # V 150 over 500 : 1000 → 50.00 / 100.00
    assert (book.loyalty_discount, shirt.loyalty_discount) == (D("50.00"), D("100.00"))
    # book 450.00 no tax; shirt 900 × 2.5% = 22.50 each
    assert (book.taxable_value, book.cgst, book.total) == (D("450.00"), D("0.00"), D("450.00"))
    assert (shirt.cgst, shirt.sgst, shirt.total) == (D("22.50"), D("22.50"), D("945.00"))
    assert inv.totals.grand_total == D("1395.00")


def test_tender_treatment_leaves_tax_alone():
    inv = taxed(sale(loyalty={"points": 300, "point_value": "1", "treatment": "tender"}))
    # no discount: taxable 3000 ; CGST = 2000×2.5% + 1000×9% = 50 + 90 = 140.00 each
    t = inv.totals
    assert t.loyalty_discount == D("0.00") and t.taxable_value == D("3000.00")
    assert (t.cgst, t.sgst) == (D("140.00"), D("140.00"))
    # grand total 3280.00 ; the points pay 300 of it after tax → payable 2980.00
    assert t.grand_total == D("3280.00") and t.amount_payable == D("2980.00")
    assert inv.loyalty.value == D("300.00") and inv.loyalty.treatment == "tender"
    # vs pre-tax discount: 3280 − 2952 = 328 more billed, 28 of it GST
    assert t.tax - taxed(sale()).totals.tax == D("28.00")


def test_trade_discount_before_loyalty():
    inv = taxed(sale(lines=[{**SHIRTS, "discount": "200"}, BELT]))
    shirt, belt = inv.lines
    # shirt: gross 2000 − trade 200 = 1800 ; V 300 over 1800 : 1000 (W 2800)
    #   30000 × 1800/2800 = 19285.71 paise, 30000 × 1000/2800 = 10714.28 → 19285 + 10714 = 29999,
    #   leftover paisa to the larger remainder (.71) → 192.86 / 107.14
    assert shirt.trade_discount == D("200.00")
    assert (shirt.loyalty_discount, belt.loyalty_discount) == (D("192.86"), D("107.14"))
    assert (shirt.taxable_value, belt.taxable_value) == (D("1607.14"), D("892.86"))
    # CGST 1607.14 × 2.5% = 40.1785 → 40.18 ; 892.86 × 9% = 80.3574 → 80.36
    assert (shirt.cgst, belt.cgst) == (D("40.18"), D("80.36"))


def test_caps_max_share_whole_points_and_minimum():
    # 50% of a 3000 bill = 1500 ; at ₹0.25 a point → at most 6000 points
    inv = taxed(sale(loyalty={"points": 9000, "point_value": "0.25", "max_share_percent": "50"}))
    assert inv.loyalty.points_requested == 9000
    assert inv.loyalty.points_redeemed == 6000 and inv.loyalty.value == D("1500.00")
    # ₹0.30 a point: 1500 / 0.30 = 5000 points exactly
    inv = taxed(sale(loyalty={"points": 9000, "point_value": "0.30", "max_share_percent": "50"}))
    assert inv.loyalty.points_redeemed == 5000
    # ₹0.70 a point: 1500 / 0.70 = 2142.86 → 2142 whole points = 1499.40
    inv = taxed(sale(loyalty={"points": 9000, "point_value": "0.70", "max_share_percent": "50"}))
    assert (inv.loyalty.points_redeemed, inv.loyalty.value) == (2142, D("1499.40"))
    with pytest.raises(InvalidInput, match="at least 100 points"):
        taxed(sale(loyalty={"points": 50, "point_value": "1", "min_points": 100}))


def test_excluded_lines_get_no_share_and_value_capped_to_eligible():
    inv = taxed(
        sale(
            lines=[SHIRTS, {**BELT, "redeemable": False}],
            loyalty={"points": 5000, "point_value": "1"},
        )
    )
    shirt, belt = inv.lines
    # only the shirts (2000) are eligible: 5000 points capped to 2000
    assert inv.loyalty.points_redeemed == 2000
    assert (shirt.loyalty_discount, belt.loyalty_discount) == (D("2000.00"), D("0.00"))
    assert shirt.taxable_value == D("0.00") and shirt.cgst == D("0.00")


def test_partial_credit_note_carries_its_share_of_loyalty():
    inv = taxed(sale())
    # return 1 of the 2 shirts: half of every amount of line 1
    cn = credit_note(
        inv,
        number="CN/2025/0001",
        date=dt.date(2025, 11, 25),
        returns=[ReturnLine(line_no=1, qty=D("1"))],
    )
    (ln,) = cn.lines
    assert cn.kind == "credit_note" and cn.against.number == "INV/2025/0001"
    # taxable 1800/2 = 900.00, loyalty 200/2 = 100.00, CGST = SGST = 45/2 = 22.50
    assert amounts(ln, "qty", "taxable_value", "loyalty_discount", "cgst", "sgst", "total") == (
        D("1"),
        D("900.00"),
        D("100.00"),
        D("22.50"),
        D("22.50"),
        D("945.00"),
    )
    # points come back pro rata to the loyalty value: 300 × 100/300 = 100
    assert cn.loyalty.points_redeemed == 100 and cn.loyalty.value == D("100.00")
    assert cn.totals.grand_total == D("945.00")
    # the rest in a second note: both notes add up to the invoice exactly
    rest = credit_note(
        inv, number="CN/2025/0002", date=dt.date(2025, 11, 26), previously_returned={1: D("1")}
    )
    assert cn.totals.taxable_value + rest.totals.taxable_value == inv.totals.taxable_value
    assert cn.totals.tax + rest.totals.tax == inv.totals.tax
    assert cn.loyalty.points_redeemed + rest.loyalty.points_redeemed == 300


def test_credit_note_rejects_more_than_sold():
    inv = taxed(sale())
    with pytest.raises(InvalidInput) as err:
        credit_note(
            inv,
            number="CN/1",
            date=dt.date(2025, 11, 25),
            returns=[ReturnLine(line_no=1, qty=D("3")), ReturnLine(line_no=9, qty=D("1"))],
        )
    fields = [p.field for p in err.value.problems]
    assert fields == ["returns.0.qty", "returns.1.line_no"]


def test_thirds_cumulative_returns_add_up():
    # 3 units, taxable 1000.00 after loyalty, returned one at a time, cumulatively:
    #   round(1000 × 1/3) = 333.33 ; round(1000 × 2/3) − 333.33 = 666.67 − 333.33 = 333.34 ;
    #   1000.00 − 666.67 = 333.33 → the three notes add up to 1000.00 exactly
    inv = taxed(
        sale(
            lines=[{**SHIRTS, "qty": "3", "unit_price": "400"}],
            loyalty={"points": 200, "point_value": "1"},
        )
    )
    assert inv.lines[0].taxable_value == D("1000.00")
    got, before = [], D(0)
    for k in range(3):
        cn = credit_note(
            inv,
            number=f"CN/{k}",
            date=dt.date(2025, 12, 1),
            returns=[ReturnLine(line_no=1, qty=D(1))],
            previously_returned={1: before},
        )
        before += 1
        got.append(cn.lines[0].taxable_value)
    assert got == [D("333.33"), D("333.34"), D("333.33")]


def test_zero_rated_without_payment_keeps_rate_and_charges_no_tax():
    # SEZ unit under LUT (SEZWOP): IGST supply, the rate shown, no tax paid (Sec. 16 IGST Act)
    inv = taxed(sale(buyer=BUYER_KA, category="SEZWOP"))
    shirt, belt = inv.lines
    assert inv.supply == "inter" and (shirt.gst_rate, belt.gst_rate) == (D("5"), D("18"))
    # the loyalty split is unchanged: 300 → 200.00 / 100.00; taxable 1800.00 / 900.00
    assert (shirt.taxable_value, belt.taxable_value) == (D("1800.00"), D("900.00"))
    assert [ln.igst + ln.cgst + ln.sgst + ln.cess for ln in inv.lines] == [D("0"), D("0")]
    # no tax was due, so none was foregone; grand total = taxable 2700.00
    assert inv.totals.gst_foregone == D("0") and inv.totals.grand_total == D("2700.00")
    # the same sale with payment (SEZWP): IGST 90.00 + 162.00 as in the inter-state example
    assert taxed(sale(buyer=BUYER_KA, category="SEZWP")).totals.igst == D("252.00")


def test_without_payment_price_inclusive_flag_holds_no_tax():
    # an export without payment: "prices include tax" has no tax to back out
    line = {**SHIRTS, "qty": "1", "unit_price": "1050"}
    doc = sale(lines=[line], category="EXPWOP", loyalty=None, prices_include_tax=True)
    doc["buyer"] = {**BUYER_KA, "gstin": None, "state_code": "96", "pincode": "999999"}
    inv = taxed(doc)
    assert inv.place_of_supply == "96" and inv.lines[0].taxable_value == D("1050.00")
    assert inv.totals.igst == D("0") and inv.totals.grand_total == D("1050.00")
