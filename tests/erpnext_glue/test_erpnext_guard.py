"""No discount without its points, the pure part: points input, the ₹0 reason, and the
debit check the submit hook makes after posting (property: it passes exactly when the
discount is the debited points × the point value)."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_gst import hooks
from loyalty_gst import program as pg
from loyalty_gst.erpnext import custom_fields, discount, guard

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


WHOLE = [(150, 150), ("150", 150), (150.0, 150), ("", 0), (None, 0), (" 42 ", 42), ("1,000", 1000)]


@pytest.mark.parametrize(("typed", "points"), WHOLE)
def test_whole_points_are_taken(typed: object, points: int) -> None:
    assert guard.parse_points(typed) == points


@pytest.mark.parametrize(
    ("typed", "words"),
    [(150.5, "150.5 has a fraction"), ("150.5", "150.5 has a fraction"),
     ("abc", "'abc' is not a number"), (-3, "cannot be negative"), (True, "whole number"),
     ("nan", "'nan' is not a number")],
)  # fmt: skip
def test_anything_else_is_refused_with_a_clear_message(typed: object, words: str) -> None:
    with pytest.raises(guard.PointsInput, match="Points to Redeem") as caught:
        guard.parse_points(typed)
    assert words in str(caught.value)


def test_zero_reason_names_the_excluded_items_or_the_cap() -> None:
    all_out = guard.zero_reason(
        points=300, excluded=["GOLD-1", "GOLD-2"], all_excluded=True, min_points=100,
        max_share_percent=D("50"), point_value=D("1"), ceiling=D("0"),
    )  # fmt: skip
    assert "every item is excluded from redemption (GOLD-1, GOLD-2)" in all_out
    capped = guard.zero_reason(
        points=120, excluded=["GOLD-1"], all_excluded=False, min_points=100,
        max_share_percent=D("50"), point_value=D("1"), ceiling=D("90.00"),
    )  # fmt: skip
    assert "items excluded from redemption: GOLD-1" in capped
    assert "at most 50% of the bill (₹90.00)" in capped and "at least 100 points" in capped


@given(
    points=st.integers(0, 10_000),
    debited=st.integers(0, 10_000),
    value=st.sampled_from([D("1"), D("0.25"), D("0.5"), D("2")]),
    amount_off=st.sampled_from([D("0"), D("0.01"), D("-0.01"), D("1")]),
)
def test_debit_check_passes_exactly_when_discount_is_points_debited(
    points: int, debited: int, value: Decimal, amount_off: Decimal
) -> None:
    amount = (points * value).quantize(D("0.01")) + amount_off
    # the last point may pay only the rest of a bill: just under points × value
    matches = debited == points and (amount_off == 0 or (points > 0 and -value < amount_off < 0))
    if matches or (not amount and not debited):
        guard.check_debit(
            invoice="X", loyalty_amount=amount, points=points, point_value=value, debited=debited
        )
    else:
        with pytest.raises(guard.NoDiscountWithoutPoints, match="the invoice is not submitted"):
            guard.check_debit(
                invoice="X", loyalty_amount=amount, points=points, point_value=value,
                debited=debited,
            )  # fmt: skip


def test_refusal_says_why_and_what_to_do() -> None:
    text = str(guard.refuse("SINV-1", "company X has no GSTIN (Tax ID)"))
    assert text.startswith("SINV-1: no loyalty discount can be given — company X has no GSTIN")
    assert "Clear Points to Redeem" in text


def test_hsn_field_only_without_india_compliance() -> None:
    assert "Item" not in custom_fields.definitions(india_compliance=True)
    (field,) = custom_fields.definitions(india_compliance=False)["Item"]
    assert field["fieldname"] == "lgst_hsn_code"


def test_desk_scripts_exist_and_parse() -> None:
    lists = [*hooks.doctype_js.values(), *hooks.page_js.values()]
    assert set(hooks.doctype_js) == {"Sales Invoice", "POS Invoice"}
    assert set(hooks.page_js) == {"point-of-sale"}
    # every page that quotes also carries the presence check (OTP / app code), loaded first
    for scripts in lists:
        assert scripts[0] == "public/js/loyalty_presence.js", scripts
    for rel in {rel for scripts in lists for rel in scripts}:
        path = ROOT / "loyalty_gst" / rel
        text = path.read_text()
        method = "presence." if rel.endswith("loyalty_presence.js") else "desk."
        assert f"loyalty_gst.erpnext.{method}" in text
        node = shutil.which("node")
        if node:
            subprocess.run([node, "--check", str(path)], check=True)


WHOLE_BILL = pg.parse(
    """{"version": "t", "effective": "2025-04-01", "point_value": "1", "earn_per_100": "4",
        "tiers": [{"name": "Silver", "min_spend": "0", "multiplier": "1"}],
        "expiry_months": 12, "min_points": 1, "max_share_percent": "100",
        "velocity": {"max_points_per_day": 20000, "max_redemptions_per_hour": 10,
                     "approval_threshold": 5000}}"""
).versions[0]


def whole_bill_plan(points: int, program: pg.Program = WHOLE_BILL) -> discount.Plan:
    return discount.plan(
        points=points, available=5000, program=program, basis="taxable",
        treatment="pre_tax_discount", manual=D(0), bill=D("1234.56"), eligible=D("1234.56"),
    )  # fmt: skip


def test_last_point_covers_the_rest_of_the_bill() -> None:
    # ₹1,234.56 at ₹1 a point: 1234 whole points leave ₹0.56; the 1235th point pays it
    p = whole_bill_plan(2000)
    assert (p.points, p.value, p.discount_amount) == (1235, D("1234.56"), D("1234.56"))
    guard.check_debit(invoice="X", loyalty_amount=p.value, points=p.points,
                      point_value=p.point_value, debited=1235)  # fmt: skip
    # asked for exactly the whole points: that is what is taken
    assert (whole_bill_plan(1234).points, whole_bill_plan(1234).value) == (1234, D("1234.00"))
    # a program that keeps to whole points' value leaves the ₹0.56 to pay
    keep = WHOLE_BILL.model_copy(update={"last_point": "whole_points"})
    assert (whole_bill_plan(2000, keep).points, whole_bill_plan(2000, keep).value) == (
        1234, D("1234.00"),
    )  # fmt: skip


@given(
    bill=st.decimals(min_value=D("0.01"), max_value=D("99999"), places=2),
    value=st.sampled_from([D("1"), D("0.25"), D("0.5"), D("2"), D("0.3")]),
)
def test_redeeming_the_whole_bill_leaves_no_paise(bill: Decimal, value: Decimal) -> None:
    prog = WHOLE_BILL.model_copy(update={"point_value": value})
    p = discount.plan(
        points=10**6, available=10**6, program=prog, basis="taxable",
        treatment="pre_tax_discount", manual=D(0), bill=bill, eligible=bill,
    )  # fmt: skip
    assert p.value == bill  # nothing left to collect
    assert (p.points - 1) * value < p.value <= p.points * value
