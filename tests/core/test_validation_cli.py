"""Bad input gets a clear error naming field, value and rule — and a non-zero CLI exit."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner

import loyalty_gst.ids.codes
import loyalty_gst.ids.gstin
import loyalty_gst.ids.mobile
import loyalty_gst.ids.pan
import loyalty_gst.money
from loyalty_gst.cli import main
from loyalty_gst.errors import InvalidInput
from loyalty_gst.validation import parse_sale

from .factories import BUYER_MH, SELLER, SHIRTS, sale


@pytest.mark.parametrize(
    "module",
    [
        loyalty_gst.money,
        loyalty_gst.ids.gstin,
        loyalty_gst.ids.mobile,
        loyalty_gst.ids.pan,
        loyalty_gst.ids.codes,
    ],
)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


BAD = [
    # (what, change, field, words in the rule)
    (
        "GSTIN check character",
        {"seller": {**SELLER, "gstin": "27AABCL4321K1ZM"}},
        "seller.gstin",
        "check character",
    ),
    (
        "GSTIN length",
        {"seller": {**SELLER, "gstin": "27AABCL4321K1Z"}},
        "seller.gstin",
        "15 characters",
    ),
    (
        "PAN inside GSTIN",
        {"seller": {**SELLER, "gstin": "27AAB1L4321K1ZL"}},
        "seller.gstin",
        "look like",
    ),
    (
        "state code",
        {"buyer": {**BUYER_MH, "state_code": "45"}},
        "buyer.state_code",
        "not a GST state code",
    ),
    (
        "GSTIN vs state",
        {"buyer": {**BUYER_MH, "state_code": "29", "pincode": "560001"}},
        "buyer.gstin",
        "differs",
    ),
    (
        "PIN in state",
        {"buyer": {**BUYER_MH, "pincode": "560001"}},
        "buyer.pincode",
        "not in the buyer's state",
    ),
    ("PIN format", {"seller": {**SELLER, "pincode": "40005"}}, "seller.pincode", "6 digits"),
    ("HSN", {"lines": [{**SHIRTS, "hsn": "61051"}]}, "lines.0.hsn", "4, 6 or 8 digits"),
    ("qty", {"lines": [{**SHIRTS, "qty": "0"}]}, "lines.0.qty", "positive"),
    ("negative qty", {"lines": [{**SHIRTS, "qty": "-1"}]}, "lines.0.qty", "positive"),
    ("UQC", {"lines": [{**SHIRTS, "unit": "PIECES"}]}, "lines.0.unit", "UQC"),
    ("rate", {"lines": [{**SHIRTS, "gst_rate": "13"}]}, "lines.0.gst_rate", "must be one of"),
    ("doc number", {"number": "0INV/1"}, "number", "document number"),
    ("doc number length", {"number": "INV/2025/00000001"}, "number", "16 characters"),
    ("note without original", {"kind": "credit_note"}, "against", "original"),
    (
        "float amount",
        {"lines": [{**SHIRTS, "unit_price": 10.5}]},
        "lines.0.unit_price",
        "never floats",
    ),
    (
        "missing field",
        {"seller": {k: v for k, v in SELLER.items() if k != "city"}},
        "seller.city",
        "Field required",
    ),
]


@pytest.mark.parametrize(("what", "change", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_input_names_field_and_rule(what, change, field, words):
    with pytest.raises(InvalidInput) as err:
        parse_sale(sale(**change))
    problems = {p.field: p for p in err.value.problems}
    assert field in problems, f"{what}: {err.value}"
    assert words in problems[field].rule


def test_json_floats_are_refused_as_the_api_refuses_them():
    # a file and a request are read the same way: amounts are strings or integers
    text = json.dumps(sale()).replace('"unit_price": "1000"', '"unit_price": 1000.10', 1)
    with pytest.raises(InvalidInput) as err:
        parse_sale(text)
    assert [str(p) for p in err.value.problems] == [
        "lines.0.unit_price: amounts must be given as strings or integers, never floats "
        "(got 1000.10)"
    ]
    integer = json.dumps(sale()).replace('"unit_price": "1000"', '"unit_price": 1000', 1)
    assert parse_sale(integer).lines[0].unit_price == Decimal("1000")


def test_sandbox_accepts_nic_test_gstins():
    bad_check = {**SELLER, "gstin": "27AABCL4321K1ZM"}
    assert parse_sale(sale(seller=bad_check), sandbox=True).seller.gstin == "27AABCL4321K1ZM"


def test_all_problems_reported_at_once():
    with pytest.raises(InvalidInput) as err:
        parse_sale(sale(number="0X", lines=[{**SHIRTS, "hsn": "1", "unit": "ZZZ"}]))
    assert {p.field for p in err.value.problems} >= {"number", "lines.0.hsn", "lines.0.unit"}


@pytest.mark.parametrize(
    ("what", "change", "field", "words"),
    BAD[:6] + BAD[8:13],
    ids=[b[0] for b in BAD[:6] + BAD[8:13]],
)
def test_cli_exits_non_zero_with_readable_errors(tmp_path, what, change, field, words):
    path = tmp_path / "sale.json"
    path.write_text(json.dumps(sale(**change)))
    result = CliRunner().invoke(main, ["invoice", str(path)])
    assert result.exit_code == 2, result.output
    assert field in result.stderr and words in result.stderr
    assert result.stdout == ""


def test_cli_invoice_prints_taxed_invoice(tmp_path):
    path = tmp_path / "sale.json"
    path.write_text(json.dumps(sale()))
    result = subprocess.run(
        [sys.executable, "-m", "loyalty_gst.cli.__main__", "invoice", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(result.stdout)
    assert doc["totals"]["grand_total"] == "2952.00"
    assert doc["lines"][0]["loyalty_discount"] == "200.00"


def test_cli_credit_note_and_schema(tmp_path):
    runner = CliRunner()
    path = tmp_path / "sale.json"
    path.write_text(json.dumps(sale()))
    inv = runner.invoke(main, ["invoice", str(path)])
    (tmp_path / "inv.json").write_text(inv.stdout)
    cn = runner.invoke(
        main,
        [
            "credit-note",
            str(tmp_path / "inv.json"),
            "--number",
            "CN/1",
            "--date",
            "2025-11-25",
            "--line",
            "1:1",
        ],
    )
    assert cn.exit_code == 0, cn.output
    assert json.loads(cn.stdout)["totals"]["taxable_value"] == "900.00"
    bad = runner.invoke(
        main,
        [
            "credit-note",
            str(tmp_path / "inv.json"),
            "--number",
            "CN/1",
            "--date",
            "2025-11-25",
            "--line",
            "1:5",
        ],
    )
    assert bad.exit_code == 2 and "returns.0.qty" in bad.stderr
    for which, key in (("sale", "SaleLine"), ("taxed-invoice", "TaxedLine")):
        out = runner.invoke(main, ["schema", which])
        assert out.exit_code == 0 and key in json.loads(out.stdout)["$defs"]


def test_cli_unreadable_file_and_bad_json(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["invoice", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    (tmp_path / "x.json").write_text("{not json")
    broken = runner.invoke(main, ["invoice", str(tmp_path / "x.json")])
    assert broken.exit_code == 2 and "not valid JSON" in broken.stderr


GST_RATE, CESS_RATE = "lines.0.gst_rate", "lines.0.cess_rate"


@pytest.mark.parametrize(
    ("change", "field", "ok"),
    [
        # the 12% / 28% slabs ended on 22 Sep 2025: the day before is fine, that day is not
        ({"date": "2025-09-21", "lines": [{**SHIRTS, "gst_rate": "12"}]}, "", True),
        ({"date": "2025-09-22", "lines": [{**SHIRTS, "gst_rate": "12"}]}, GST_RATE, False),
        ({"date": "2025-11-21", "lines": [{**SHIRTS, "gst_rate": "28"}]}, GST_RATE, False),
        # a note follows its original's date: a Dec 2025 note against an Aug 2025 invoice at 12%
        (
            {"date": "2025-12-01", "kind": "credit_note", "lines": [{**SHIRTS, "gst_rate": "12"}],
             "against": {"number": "INV/1", "date": "2025-08-01"}},
            "", True,
        ),
        # compensation cess ended on 1 Feb 2026
        ({"date": "2026-01-31", "lines": [{**SHIRTS, "cess_rate": "12"}]}, "", True),
        ({"date": "2026-02-01", "lines": [{**SHIRTS, "cess_rate": "12"}]}, CESS_RATE, False),
    ],
)  # fmt: skip
def test_dated_rate_rules(change, field, ok):
    doc = sale(**change)
    if ok:
        parse_sale(doc)
        return
    with pytest.raises(InvalidInput) as exc:
        parse_sale(doc)
    assert [p.field for p in exc.value.problems] == [field]
