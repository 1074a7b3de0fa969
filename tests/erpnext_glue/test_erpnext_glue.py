"""The ERPNext glue's pure parts, without a bench: custom field definitions, the points →
additional-discount plan, GST foregone, masking, locking reads, hook wiring.

The glue inside a real site is tested by loyalty_gst/tests/erpnext (bench run-tests).
"""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_gst import hooks
from loyalty_gst import program as pg
from loyalty_gst.erpnext import custom_fields, discount
from loyalty_gst.erpnext.adapter import to_taxed_invoice
from loyalty_gst.erpnext.store_bridge import locking_sql
from loyalty_gst.errors import InsufficientPoints, InvalidInput

D = Decimal
PROGRAM = pg.parse(
    """{"version": "t", "effective": "2025-04-01", "point_value": "1", "earn_per_100": "4",
        "tiers": [{"name": "Silver", "min_spend": "0", "multiplier": "1"}],
        "expiry_months": 12, "min_points": 100, "max_share_percent": "50",
        "excluded_skus": ["GOLD"],
        "velocity": {"max_points_per_day": 20000, "max_redemptions_per_hour": 10,
                     "approval_threshold": 5000}}"""
).versions[0]
# India Compliance's fields and ERPNext's own loyalty fields: read, never created
FOREIGN = {"company_gstin", "place_of_supply", "gst_category", "gst_hsn_code", "taxable_value"}


def test_every_custom_field_is_prefixed_and_well_formed() -> None:
    defs = custom_fields.definitions()
    assert set(defs) == {"Sales Invoice", "POS Invoice", "Customer", "Company"}
    for doctype, fields in defs.items():
        names = [f["fieldname"] for f in fields]
        assert len(names) == len(set(names)), doctype
        for f in fields:
            assert f["fieldname"].startswith("lgst_"), f
            assert f["fieldname"] not in FOREIGN and not f["fieldname"].startswith("loyalty_")
            assert f["fieldtype"] in {
                "Section Break", "Column Break", "Int", "Data", "Currency", "Select",
            }  # fmt: skip
            assert f["insert_after"], f
        # each insert_after is a standard field or one defined before it
        ours = set()
        for f in fields:
            assert f["insert_after"] in ours or not f["insert_after"].startswith("lgst_"), f
            ours.add(f["fieldname"])
    assert defs["Sales Invoice"] == defs["POS Invoice"]


def test_hooks_name_importable_callables_and_no_override() -> None:
    assert not hasattr(hooks, "override_doctype_class")
    assert hooks.required_apps == ["frappe/erpnext"]
    paths = [hooks.after_install, hooks.after_migrate]
    for events in hooks.doc_events.values():
        assert set(events) == {"before_validate", "validate", "before_submit", "on_cancel"}
        paths += list(events.values())
    for path in paths:
        module, attr = path.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attr)), path


def test_worked_example_plan() -> None:
    # 2 shirts ₹2000 + belt ₹1000 (net), 300 points at ₹1, basis taxable: cap 50 % of 3000
    p = discount.plan(
        points=300, available=1000, program=PROGRAM, basis="taxable",
        treatment="pre_tax_discount", manual=D("0"), bill=D("3000"), eligible=D("3000"),
    )  # fmt: skip
    assert (p.points, p.value, p.discount_amount) == (300, D("300.00"), D("300.00"))
    assert p.apply_discount_on == "Net Total"


def test_manual_discount_kept_and_bill_basis() -> None:
    p = discount.plan(
        points=300, available=300, program=PROGRAM, basis="bill",
        treatment="pre_tax_discount", manual=D("100"), bill=D("3180"), eligible=D("3180"),
    )  # fmt: skip
    # manual 100 + loyalty 300 = 400 off the Grand Total
    assert (p.manual, p.discount_amount, p.apply_discount_on) == (
        D("100.00"), D("400.00"), "Grand Total",
    )  # fmt: skip


def test_tender_leaves_the_discount_alone() -> None:
    p = discount.plan(
        points=300, available=300, program=PROGRAM, basis="taxable", treatment="tender",
        manual=D("50"), bill=D("3000"), eligible=D("3000"),
    )  # fmt: skip
    assert (p.value, p.discount_amount, p.apply_discount_on) == (D("300.00"), D("50.00"), None)


def test_caps_excluded_lines_and_share() -> None:
    total, eligible = discount.eligible_share(
        [("SHIRT", "6205", D("1000")), ("GOLD", "7113", D("5000"))], PROGRAM
    )
    assert (total, eligible) == (D("6000"), D("1000"))
    # min(50 % × 6000 = 3000, eligible 1000) = 1000 points at ₹1
    p = discount.plan(
        points=3000, available=5000, program=PROGRAM, basis="taxable",
        treatment="pre_tax_discount", manual=D("0"), bill=total, eligible=eligible,
    )  # fmt: skip
    assert (p.points_requested, p.points, p.value) == (3000, 1000, D("1000.00"))


def test_more_than_balance_and_below_minimum_refused() -> None:
    kw = dict(program=PROGRAM, basis="taxable", treatment="pre_tax_discount", manual=D(0))
    with pytest.raises(InsufficientPoints, match="300 requested, 200 available"):
        discount.plan(points=300, available=200, bill=D(3000), eligible=D(3000), **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="at least 100 points"):
        discount.plan(points=50, available=200, bill=D(3000), eligible=D(3000), **kw)  # type: ignore[arg-type]


def test_manual_part() -> None:
    # the field still holds what the hook wrote (100 manual + 300 loyalty): manual is 100
    assert discount.manual_part(D("400"), D("100"), D("300")) == D("100")
    # the user typed 250: all of it is manual
    assert discount.manual_part(D("250"), D("100"), D("300")) == D("250")
    assert discount.manual_part(D("80"), D("0"), D("0")) == D("80")


@settings(max_examples=200, deadline=None)
@given(
    points=st.integers(0, 20_000),
    bill=st.integers(1, 10_000_000).map(lambda p: D(p) / 100),
    manual=st.integers(0, 100_000).map(lambda p: D(p) / 100),
    frac=st.integers(0, 100),
)
def test_plan_never_exceeds_caps(points: int, bill: Decimal, manual: Decimal, frac: int) -> None:
    eligible = (bill * frac / 100).quantize(D("0.01"))
    if 0 < points < PROGRAM.min_points:
        return
    p = discount.plan(
        points=points, available=points, program=PROGRAM, basis="taxable",
        treatment="pre_tax_discount", manual=manual, bill=bill, eligible=eligible,
    )  # fmt: skip
    assert p.points <= points
    assert p.value <= eligible and p.value <= bill / 2
    assert p.discount_amount == (manual + p.value).quantize(D("0.01"))


def _erpnext_worked_invoice() -> dict[str, object]:
    """ERPNext's as_dict() of the worked example after its own tax run (no India Compliance:
    item rates come from item_tax_rate, the tax rows carry rate 0)."""
    rates5 = '{"CGST - X": 2.5, "SGST - X": 2.5}'
    rates18 = '{"CGST - X": 9.0, "SGST - X": 9.0}'
    return {
        "name": "SINV-1", "posting_date": "2025-11-20", "company": "Shop",
        "company_gstin": "07AABCL4321K1ZN", "apply_discount_on": "Net Total",
        "lgst_loyalty_amount": 300.0, "lgst_points_redeemed": 300, "lgst_point_value": 1.0,
        "base_grand_total": 2952.0, "base_rounding_adjustment": 0.0,
        "items": [
            {"item_code": "SHIRT", "item_name": "Shirt", "qty": 2, "base_rate": 1000.0,
             "base_amount": 2000.0, "base_net_amount": 1800.0, "gst_hsn_code": "61091000",
             "distributed_discount_amount": 200.0,
             "uom": "Nos", "item_tax_rate": rates5},
            {"item_code": "BELT", "item_name": "Belt", "qty": 1, "base_rate": 1000.0,
             "base_amount": 1000.0, "base_net_amount": 900.0, "gst_hsn_code": "42033000",
             "distributed_discount_amount": 100.0,
             "uom": "Nos", "item_tax_rate": rates18},
        ],
        "taxes": [
            {"account_head": "CGST - X", "charge_type": "On Net Total", "rate": 0,
             "base_tax_amount_after_discount_amount": 126.0},
            {"account_head": "SGST - X", "charge_type": "On Net Total", "rate": 0,
             "base_tax_amount_after_discount_amount": 126.0},
        ],
    }  # fmt: skip


def test_adapter_reads_item_tax_templates_and_foregone() -> None:
    inv = to_taxed_invoice(
        _erpnext_worked_invoice(),
        seller_address={"address": "1 Main Rd", "city": "Delhi", "pincode": "110001"},
    )
    # shirts: 1800 × 2.5 % = 45 each head; belt: 900 × 9 % = 81 each head
    assert [(ln.gst_rate, ln.cgst, ln.sgst) for ln in inv.lines] == [
        (D("5"), D("45.00"), D("45.00")), (D("18"), D("81.00"), D("81.00")),
    ]  # fmt: skip
    assert [ln.loyalty_discount for ln in inv.lines] == [D("200.00"), D("100.00")]
    assert inv.totals.taxable_before_loyalty == D("3000.00")
    # foregone: (2000 → 1800) at 5 %: 100 − 90 = 10; (1000 → 900) at 18 %: 180 − 162 = 18
    assert discount.foregone(inv) == D("28.00")


def test_masking() -> None:
    assert discount.mask_name("Ravi Kumar") == "R*** K***"
    assert discount.mask_name("") == "-"
    assert discount.mask_name(None) == "-"


def test_locking_reads() -> None:
    assert locking_sql("SELECT a FROM lots WHERE x = %s") == (
        "SELECT a FROM lots WHERE x = %s FOR UPDATE"
    )
    assert locking_sql("select 1 for update") == "select 1 for update"
    assert locking_sql("INSERT INTO entries VALUES (1)") == "INSERT INTO entries VALUES (1)"
    assert locking_sql("  SELECT 1;") == "  SELECT 1 FOR UPDATE"


def test_bench_suite_runs_in_a_bench() -> None:
    """The FrappeTestCase suite (loyalty_gst/tests/erpnext) needs a site; say how to run it."""
    pytest.importorskip(
        "frappe",
        reason="ERPNext site tests: CI=1 bench --site SITE run-tests --app loyalty_gst",
    )
