"""The loyalty-discount register on the hand-worked month (reports_month.py): every figure
by hand, its totals against GSTR-1, and the CSV / XLSX / PDF renderings."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
import reports_month as month
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.gstr1 import Builder
from loyalty_gst.gstr1 import stored as gstr1_stored
from loyalty_gst.gstr1.amounts import text
from loyalty_gst.reports import out_xlsx
from loyalty_gst.reports.columns import Column
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.register import Register, write_register
from loyalty_gst.reports.register_row import register_row, row_of_invoice
from loyalty_gst.reports.table import TableReport, write
from loyalty_gst.store import Store
from loyalty_gst.store.documents import Where, iter_docs, iter_invoices

NOV = span_of(period="112025")


def rows(store: Store) -> dict[str, object]:
    return {d.body["number"]: register_row(d.body) for d in iter_docs(store, Where())}


def test_each_row_by_hand(month_store: Store) -> None:
    r = rows(month_store)
    a = r["MB/2511/0001"]
    assert (a.points, a.loyalty_discount) == (1200, 300_00)  # 1,200 × ₹0.25 = ₹300
    assert a.by_rate["5"][0] == 200_00 and a.by_rate["18"][0] == 100_00  # 2,000 : 1,000
    assert (a.taxable_before, a.taxable_after) == (3000_00, 2700_00)
    assert (a.cgst, a.sgst, a.igst) == (126_00, 126_00, 0)  # 45 + 81 each
    # foregone: 5 % of 200 + 18 % of 100 = 10 + 18 = 28, halved between CGST and SGST
    assert (a.foregone_cgst, a.foregone_sgst, a.gst_foregone) == (14_00, 14_00, 28_00)
    assert a.member == "+91******5678"  # never the whole number
    b = r["MB/2511/0002"]
    # inter-state: 400 points = ₹100 off ₹500; IGST 18 % of 400 = 72; foregone 18 % of 100
    assert (b.taxable_after, b.igst, b.foregone_igst, b.foregone_cgst) == (400_00, 72_00, 18_00, 0)
    n = r["CN/2511/0001"]
    # one shirt of two back: half the line, negative; 400 points restored, tax 22.50 × 2
    assert (n.points, n.points_restored) == (-400, 400)
    assert (n.loyalty_discount, n.taxable_before, n.taxable_after) == (-100_00, -1000_00, -900_00)
    assert (n.cgst, n.sgst, n.gst_foregone, n.gst_reversed) == (-22_50, -22_50, -5_00, 45_00)
    assert (n.against, n.against_date) == ("MB/2511/0001", "2025-11-05")


def test_totals_by_hand(month_store: Store, tmp_path: Path) -> None:
    reg = write_register(month_store, NOV, str(tmp_path / "r.csv"))
    t = dict(zip(("docs", "points", "value", "disc", "before", "after", "cgst", "sgst", "igst",
                  "cess", "foregone"), reg.totals.overall, strict=True))  # fmt: skip
    assert t["docs"] == 4
    assert t["points"] == 1200 + 400 + 0 - 400
    assert t["disc"] == (300 + 100 + 0 - 100) * 100
    assert t["before"] == (3000 + 500 + 200 - 1000) * 100
    assert t["after"] == (2700 + 400 + 200 - 900) * 100
    assert t["cgst"] == t["sgst"] == 126_00 + 5_00 - 22_50
    assert t["igst"] == 72_00
    assert t["foregone"] == 28_00 + 18_00 - 5_00
    by_rate = reg.totals.groups["rate"]
    assert by_rate["5"][3] == 200_00 - 100_00 and by_rate["18"][3] == 100_00 + 100_00
    assert reg.totals.groups["month"]["2025-11"] == reg.totals.overall
    assert list(reg.totals.groups["gstin"]) == [month.GSTIN]


def test_register_totals_equal_gstr1(month_store: Store, tmp_path: Path) -> None:
    reg = write_register(month_store, NOV, str(tmp_path / "r.csv"))
    builder = Builder(month.GSTIN, "112025")
    builder.extend(gstr1_stored.iter_views(month_store, month.GSTIN, NOV.start, NOV.end))
    g = builder.result().reconciliation.sections
    t = reg.totals.overall
    assert (Decimal(t[5]) / 100, Decimal(t[6]) / 100, Decimal(t[7]) / 100) == (
        g.taxable, g.cgst, g.sgst,
    )  # fmt: skip
    assert (Decimal(t[8]) / 100, Decimal(t[9]) / 100) == (g.igst, g.cess)
    assert g.taxable == Decimal("2400.00")


def test_same_row_from_a_validated_invoice(month_store: Store) -> None:
    by_json = rows(month_store)
    for inv in iter_invoices(month_store, Where()):
        assert row_of_invoice(inv) == by_json[inv.number]


def test_csv_has_every_row_and_the_totals(month_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_register(month_store, span_of(start="2025-11-01", end="2025-11-30",
                                        store="MUM-BAN"), str(path))  # fmt: skip
    lines = list(csv.reader(path.open(encoding="utf-8")))
    head = lines[0]
    body = [ln for ln in lines[1:5]]
    assert [b[0] for b in body] == ["MB/2511/0001", "MB/2511/0002", "MB/2511/0003", "CN/2511/0001"]
    total = lines[5]
    assert total[0] == "TOTAL" and total[head.index("Taxable after")] == "2400.00"
    assert total[head.index("GST foregone")] == "41.00"
    assert body[3][head.index("Original invoice")] == "MB/2511/0001"


def test_scope_narrows(month_store: Store, tmp_path: Path) -> None:
    other = write_register(month_store, span_of(period="112025", store="ELSEWHERE"),
                           str(tmp_path / "r.csv"))  # fmt: skip
    assert other.documents == 0
    first_half = write_register(month_store, span_of(start="2025-11-01", end="2025-11-15"),
                                str(tmp_path / "h.csv"))  # fmt: skip
    assert first_half.documents == 2


def test_xlsx_real_numbers_frozen_header_totals(month_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_register(month_store, NOV, str(path))
    wb = openpyxl.load_workbook(path)
    ws = wb["Loyalty-discount register"]
    assert ws.freeze_panes == "A2"
    head = [c.value for c in ws[1]]
    col = head.index("Taxable after") + 1
    cell = ws.cell(row=2, column=col)
    assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    assert Decimal(str(cell.value)) == Decimal("2700")
    assert ws.cell(row=2, column=head.index("Date") + 1).value == dt.datetime(2025, 11, 5)
    last = ws.max_row
    assert ws.cell(row=last, column=1).value == "TOTAL"
    assert ws.cell(row=last, column=1).font.bold
    assert Decimal(str(ws.cell(row=last, column=col).value)) == Decimal("2400")
    assert "Totals" in wb.sheetnames


def test_xlsx_continues_on_a_new_sheet_when_one_is_full(
    month_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(out_xlsx, "MAX_ROWS", 3)  # header + 2 rows a sheet (Excel: 1,048,576)
    path = tmp_path / "r.xlsx"
    write_register(month_store, NOV, str(path))
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[:2] == ["Loyalty-discount register", "Loyalty-discount register 2"]
    second = wb[names[1]]
    assert second.freeze_panes == "A2" and second.cell(row=1, column=1).value == "Document"
    assert [second.cell(row=i, column=1).value for i in (2, 3)] == ["MB/2511/0003", "CN/2511/0001"]
    third = wb[names[2]]  # the totals row did not fit: it opens the next sheet
    assert third.cell(row=2, column=1).value == "TOTAL"


def test_pdf_carries_totals_forward_and_is_signed(tmp_path: Path) -> None:
    cols = (Column("n", "No", "text"), Column("v", "Value", "money"))
    report = TableReport("Test register", "scope", cols, ([f"D{i}", 100] for i in range(120)),
                         totals=lambda: ["TOTAL", 120 * 100], signature=True)  # fmt: skip
    path = tmp_path / "r.pdf"
    write(report, path)
    pages = pypdf.PdfReader(path).pages
    assert len(pages) >= 3
    first, second = pages[0].extract_text(), pages[1].extract_text()
    assert "Carried forward" in first and "Brought forward" in second
    per_page = sum(1 for ln in first.splitlines() if ln.startswith("D"))
    assert f"{per_page:,}.00" in first  # ₹1.00 a row, carried forward after the page's rows
    text = pages[-1].extract_text()
    assert "120.00" in text and "Authorised signatory" in text


def test_cli_register(month_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "reg.pdf"
    res = CliRunner().invoke(
        main,
        [
            "report",
            "register",
            "--db",
            month_store.url,
            "--from",
            "2025-11-01",
            "--to",
            "2025-11-30",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"
    bad = CliRunner().invoke(
        main,
        [
            "report",
            "register",
            "--db",
            month_store.url,
            "--period",
            "112025",
            "-o",
            str(tmp_path / "r.txt"),
        ],
    )
    assert bad.exit_code == 2
    both = CliRunner().invoke(
        main,
        [
            "report",
            "register",
            "--db",
            month_store.url,
            "--period",
            "112025",
            "--from",
            "2025-11-01",
            "-o",
            str(out),
        ],
    )
    assert both.exit_code == 2


def test_register_object_streams(month_store: Store) -> None:
    reg = Register(month_store, NOV)
    it = reg.rows()
    next(it)
    assert reg.documents == 1  # rows are produced one at a time, not read up front


def test_the_desk_row_is_the_same_row(month_store: Store) -> None:
    """The ERPNext Script Report's row: the same figures, returns included (negative)."""
    from loyalty_gst.reports.register_desk import desk_row

    r = rows(month_store)
    note = desk_row(r["CN/2511/0001"])
    assert (note["points"], note["points_restored"]) == (-400, 400)
    assert note["against"] == "MB/2511/0001"
    assert (note["taxable_before"], note["taxable_after"]) == (Decimal("-1000.00"),
                                                               Decimal("-900.00"))  # fmt: skip
    assert (note["gst_foregone"], note["gst_reversed"]) == (Decimal("-5.00"), Decimal("45.00"))
    inv = desk_row(r["MB/2511/0001"])
    assert (inv["loyalty_value"], inv["gst_foregone"], inv["mobile"]) == (
        Decimal("300.00"), Decimal("28.00"), "+91******5678",
    )  # fmt: skip


def test_a_progress_bar_only_past_ten_thousand_documents() -> None:
    from loyalty_gst.cli.report_options import PROGRESS_FROM, progress

    assert PROGRESS_FROM == 10_000
    with progress(10_000, "register") as tick:
        assert tick is None
    with progress(10_001, "register") as tick:
        assert tick is not None
        tick(1000)


def test_csv_money_text_of_whole_paise() -> None:
    from loyalty_gst.reports.out_csv import _money

    # the text GSTR-1 writes (gstr1.amounts.text): 2 decimals, a sign only when negative
    for p in [*range(-1_000, 1_000), 123456, -123456, 10**15 + 7, -(10**15) - 7]:
        assert _money(p) == text(p), p
    assert _money(None) == ""
    assert (_money(5), _money(-5), _money(-100), _money(100000)) == ("0.05", "-0.05", "-1.00",
                                                                     "1000.00")  # fmt: skip
