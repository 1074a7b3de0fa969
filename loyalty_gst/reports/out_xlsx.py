"""XLSX through openpyxl's write-only mode (streamed): real numbers with number formats,
a frozen, bold header row, a totals row, and a new sheet each time one fills up.

A sheet holds 1,048,576 rows (Excel's limit): the header plus 1,048,575 data rows, then
the table continues on "<title> 2", "<title> 3", … each with its own header. The totals
row closes the last sheet; each section gets a sheet of its own. A detail column's zeros
(discount per rate, foregone per head) are left empty: Excel sums them as 0. Amounts are written as
Decimal numbers (never floats) formatted `#,##0.00`; dates as dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from loyalty_gst.reports.columns import Column, money
from loyalty_gst.reports.table import TableReport

MAX_ROWS = 1_048_576
FORMATS = {"money": "#,##0.00", "int": "#,##0", "date": "yyyy-mm-dd", "rate": "0.00##"}
BOLD = Font(bold=True)


def _value(kind: str, v: Any) -> Any:
    if v is None or v == "":
        return None
    if kind == "money":
        return money(v)
    if kind == "date" and isinstance(v, str):
        return dt.date.fromisoformat(v)
    return v


def _place(values: Sequence[WriteOnlyCell | None], row_idx: int) -> Iterator[WriteOnlyCell]:
    for col_idx, cell in enumerate(values, 1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def shortcut(ws: WriteOnlyWorksheet) -> None:
    """Every value we append is already a styled cell (or None): place it directly,
    instead of openpyxl's generic path, which tries each Cell as a value first (a caught
    ValueError per cell: 28 % of the time of a large sheet, measured at 20k rows).

    This replaces a private method (`_values_to_row(values, row_idx)`, openpyxl 3.1):
    tests/reports/test_xlsx_shortcut.py fails loudly when openpyxl changes it, and the
    workbook must then be byte-for-byte what openpyxl writes itself. Without the method
    (a later openpyxl) the public path is taken: slower, the same file."""
    if callable(getattr(WriteOnlyWorksheet, "_values_to_row", None)):
        ws._values_to_row = _place  # type: ignore[method-assign]


class _Writer:
    def __init__(self, wb: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.wb, self.title, self.columns = wb, title[:28], columns
        self.kinds = [c.kind for c in columns]
        self.sparse = [c.sparse for c in columns]
        self.sheets = 0
        self.rows = MAX_ROWS
        self.ws: WriteOnlyWorksheet | None = None
        self.cells: list[WriteOnlyCell] = []
        self.bold: list[WriteOnlyCell] = []

    def _sheet(self) -> WriteOnlyWorksheet:
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} {self.sheets}"
        ws: WriteOnlyWorksheet = self.wb.create_sheet(name)
        shortcut(ws)
        ws.freeze_panes = "A2"
        for i, c in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = c.width + 2
        self.cells, self.bold = [], []
        for kind in self.kinds:
            for target, bold in ((self.cells, False), (self.bold, True)):
                cell = WriteOnlyCell(ws)
                if kind in FORMATS:
                    cell.number_format = FORMATS[kind]
                if bold:
                    cell.font = BOLD
                target.append(cell)
        head = []
        for c in self.columns:
            cell = WriteOnlyCell(ws, value=c.header)
            cell.font = BOLD
            head.append(cell)
        ws.append(head)
        self.ws, self.rows = ws, 1
        return ws

    def append(self, row: Sequence[Any], bold: bool = False) -> None:
        ws = self.ws
        if ws is None or self.rows >= MAX_ROWS:
            ws = self._sheet()
        templates = self.bold if bold else self.cells
        out: list[Any] = []
        for cell, kind, sparse, v in zip(templates, self.kinds, self.sparse, row, strict=True):
            value = None if sparse and v == 0 else _value(kind, v)
            if value is None:
                out.append(None)
                continue
            cell.value = value  # one styled cell per column, reused: written on append
            out.append(cell)
        ws.append(out)
        self.rows += 1


def write_xlsx(report: TableReport, path: str | Path) -> None:
    wb = Workbook(write_only=True)
    main = _Writer(wb, report.title, report.columns)
    for row in report.rows:
        main.append(row)
    if main.ws is None:
        main._sheet()
    total = report.totals()
    if total is not None:
        main.append(total, bold=True)
    for sec in report.sections():
        w = _Writer(wb, sec.title, sec.columns)
        w._sheet()
        for row in sec.rows:
            w.append(row)
    wb.save(str(path))
