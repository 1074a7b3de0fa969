"""GSTR-3B of the hand-worked month (reports_month.py), by hand, and its check against
GSTR-1."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import reports_month as month
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.reports.gstr3b import check
from loyalty_gst.reports.gstr3b_report import build
from loyalty_gst.reports.period import span_of
from loyalty_gst.store import Store

D = Decimal


def test_tables_by_hand(month_store: Store) -> None:
    res = build(month_store, span_of(period="112025", gstin=month.GSTIN))
    sup = res.body["sup_details"]
    # 3.1(a): 2,700 + 400 + 200 − 900 (the credit note); CGST 126 + 5 − 22.50; IGST 72
    assert sup["osup_det"] == {"txval": D("2400.00"), "iamt": D("72.00"), "camt": D("108.50"),
                               "samt": D("108.50"), "csamt": D("0.00")}  # fmt: skip
    assert sup["osup_zero"] == {"txval": D("0.00"), "iamt": D("0.00"), "csamt": D("0.00")}
    assert sup["osup_nil_exmp"] == {"txval": D("0.00")}
    assert sup["osup_nongst"] == {"txval": D("0.00")}
    # 3.2: the bag sold to Karnataka (POS 29) unregistered: 400 taxable, IGST 72
    assert res.body["inter_sup"]["unreg_details"] == [
        {"pos": "29", "txval": D("400.00"), "iamt": D("72.00")}
    ]
    assert res.ok, res.problems


def test_check_finds_a_gstr1_that_differs(month_store: Store) -> None:
    res = build(month_store, span_of(period="112025", gstin=month.GSTIN))
    sections = {"txval": D("2400.00"), "iamt": D("72.00"), "camt": D("108.50"),
                "samt": D("108.50"), "csamt": D("0.00")}  # fmt: skip
    no_inter: dict[str, list[object]] = {"b2cs": []}
    problems = check(res.body, no_inter, {**sections, "camt": D("108.49")}, D(0))
    fields = [p.field for p in problems]
    assert fields == ["3.1(a)+(b).camt", "3.2.unreg_details.29"]


def test_cli_json(month_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "3b.json"
    res = CliRunner().invoke(main, ["report", "gstr3b", "--db", month_store.url, "--gstin",
                                    month.GSTIN, "--period", "112025", "-o", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(), parse_float=Decimal)
    assert data["ret_period"] == "112025" and data["sup_details"]["osup_det"]["txval"] == D("2400")
