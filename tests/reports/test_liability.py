"""Points liability on the hand-worked month (reports_month.py), both allocation methods,
by hand; the roll-forward agrees with the ledger's balances to the point."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.errors import InvalidInput
from loyalty_gst.reports.liability import Move, age, allocate, compute
from loyalty_gst.reports.liability_report import balances, liability
from loyalty_gst.reports.period import span_of
from loyalty_gst.store import Store

OCT_NOV = span_of(start="2025-10-01", end="2025-11-30")
D = Decimal


def test_face_value_by_hand(month_store: Store) -> None:
    oct_, nov = liability(month_store, OCT_NOV).months
    # October: two opening balances of 2,000 migrated in; ₹0.25 a point
    assert (oct_.opening, oct_.issued, oct_.closing) == (0, 4000, 4000)
    assert oct_.closing_value == D("1000.00")  # 4,000 × 0.25
    # November: earned 108 + 16; redeemed 1,200 + 400 − 400 restored; 36 earned reversed
    assert (nov.opening, nov.issued, nov.redeemed, nov.expired, nov.adjusted) == (
        4000, 124, 1200, 0, -36,
    )  # fmt: skip
    assert nov.closing == 4000 + 124 - 1200 - 36 == 2888
    assert (nov.issued_value, nov.redeemed_value, nov.adjusted_value) == (
        D("31.00"), D("300.00"), D("-9.00"),  # 124, 1,200 and 36 points × 0.25
    )  # fmt: skip
    assert nov.closing_value == D("1000.00") + D("31.00") - D("300.00") - D("9.00") == D("722.00")


def test_relative_ssp_by_hand(month_store: Store) -> None:
    oct_, nov = liability(month_store, OCT_NOV, method="ssp", rate=D("0.8")).months
    # opening balances have no sale: their SSP, 4,000 × 0.25 × 0.8 = 800.00
    assert oct_.closing_value == D("800.00")
    # A: price 2,700 earned 108 points, SSP 108 × 0.25 × 0.8 = 21.60 →
    #    2,700 × 21.60 / (2,700 + 21.60) = 21.4285… → 21.43
    # B: price 400 earned 16, SSP 3.20 → 400 × 3.20 / 403.20 = 3.1746… → 3.17
    assert allocate(108, D(2700), D("0.25"), "ssp", D("0.8")) == D("21.43")
    assert nov.issued_value == D("21.43") + D("3.17")
    # carrying value a = (800 + 24.60) / (4,000 + 124) = 0.199951…
    # redeemed 1,200 × a = 239.9418 → 239.94; adjusted −36 × a = −7.198 → −7.20
    assert (nov.redeemed_value, nov.adjusted_value) == (D("239.94"), D("-7.20"))
    assert nov.closing_value == D("824.60") - D("239.94") - D("7.20") == D("577.46")


def test_closing_agrees_with_the_ledger_to_the_point(month_store: Store) -> None:
    result = liability(month_store, OCT_NOV)
    bal, lots, overdraft = balances(month_store)
    # M1: 2,000 − 1,200 + 108 + 400 − 36 = 1,272; M2: 2,000 − 400 + 16 = 1,616
    assert result.closing == bal == 1272 + 1616
    assert lots - overdraft == bal
    # every lot expires 2026-10-01 or later (12 months): more than 180 days after 30 Nov
    assert result.ageing == {"overdue": 0, "0-30": 0, "31-90": 0, "91-180": 0, ">180": 2888}


def test_expiry_is_breakage_and_buckets() -> None:
    moves = [
        Move("earn", 1000, dt.date(2025, 1, 10), None),
        Move("expire", -300, dt.date(2025, 2, 1), None),
        Move("redeem", -200, dt.date(2025, 2, 3), None),
    ]
    _jan, feb = compute(moves, ["2025-01", "2025-02"], lambda d: D("0.50")).months
    assert (feb.opening, feb.redeemed, feb.expired, feb.closing) == (1000, 200, 300, 500)
    assert (feb.breakage, feb.redeemed_value, feb.closing_value) == (
        D("150.00"), D("100.00"), D("250.00"),  # 300, 200 and 500 × 0.50
    )  # fmt: skip
    day = dt.date(2025, 3, 1)
    lots = [(day + dt.timedelta(days=n), 10) for n in (-1, 0, 30, 31, 90, 91, 180, 181)]
    assert age(lots, day) == {"overdue": 10, "0-30": 20, "31-90": 20, "91-180": 20, ">180": 10}
    with pytest.raises(InvalidInput):
        compute(moves, ["2025-01"], lambda d: D(1), method="ssp", rate=D("1.5"))


def test_cli_liability_xlsx(month_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "l.xlsx"
    res = CliRunner().invoke(main, ["report", "liability", "--db", month_store.url, "--period",
                                    "112025", "-o", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    head = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[0] == "2025-11" and row[head.index("Closing pts")] == 2888
    assert D(str(row[head.index("Closing ₹")])) == D("722")
