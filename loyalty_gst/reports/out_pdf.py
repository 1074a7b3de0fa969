"""PDF (reportlab canvas, A4 landscape), drawn page by page as rows stream in.

Each page carries the report's title, the columns the page has room for, and at its foot
the totals *carried forward* (every number column summed so far); the next page opens
with them *brought forward*. After the last row: the totals row, each section as a table,
and — for a register — a signature block (prepared / checked / authorised signatory,
place and date). Amounts use Indian digit grouping (₹1,23,456.78). DejaVu Sans is used
when the system has it (it has the ₹ glyph); otherwise Helvetica, with "Rs".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from loyalty_gst.reports.columns import Column, money
from loyalty_gst.reports.table import TableReport

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 28
ROW_H = 10.5
SIZE = 6.5
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def _fonts() -> tuple[str, str, bool]:
    """(regular, bold, has ₹)."""
    for d in FONT_DIRS:
        regular, bold = Path(d) / "DejaVuSans.ttf", Path(d) / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            if "LgstSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("LgstSans", str(regular)))
                pdfmetrics.registerFont(TTFont("LgstSans-Bold", str(bold)))
            return "LgstSans", "LgstSans-Bold", True
    return "Helvetica", "Helvetica-Bold", False


def amount(paise: int) -> str:
    """Indian grouping, 2 decimals: 12345678 paise → '1,23,456.78'."""
    return str(format_decimal(money(paise), format="#,##,##0.00", locale="en_IN"))


def _cell(kind: str, v: Any) -> str:
    if v is None or v == "":
        return ""
    if kind == "money":
        return amount(v)
    if kind == "int":
        return f"{v:,}"
    return str(v)


class _Pages:
    def __init__(self, path: str | Path, report: TableReport) -> None:
        self.c = Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
        self.regular, self.bold, self.rupee = _fonts()
        self.report = report
        self.page = 0
        self.y = 0.0

    def text(self, s: str) -> str:
        return s if self.rupee else s.replace("₹", "Rs ")

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        c = self.c
        c.setFont(self.bold, 11)
        c.drawString(MARGIN, PAGE_H - MARGIN, self.text(self.report.title))
        c.setFont(self.regular, 8)
        c.drawString(MARGIN, PAGE_H - MARGIN - 12, self.text(self.report.subtitle))
        c.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN, f"page {self.page}")
        self.y = PAGE_H - MARGIN - 30

    def room(self, rows: int = 1) -> bool:
        return self.y - rows * ROW_H > MARGIN + 2 * ROW_H

    def line(self, cols: Sequence[Column], widths: Sequence[float], cells: Sequence[str],
             bold: bool = False, rule: bool = False) -> None:  # fmt: skip
        c = self.c
        font = self.bold if bold else self.regular
        c.setFont(font, SIZE)
        x = MARGIN
        for col, w, s in zip(cols, widths, cells, strict=True):
            s = self.text(s)
            while s and c.stringWidth(s, font, SIZE) > w - 3:
                s = s[:-1]
            if col.kind in ("money", "int", "rate"):
                c.drawRightString(x + w - 2, self.y, s)
            else:
                c.drawString(x + 1, self.y, s)
            x += w
        if rule:
            c.setLineWidth(0.4)
            c.line(MARGIN, self.y - 2.5, PAGE_W - MARGIN, self.y - 2.5)
        self.y -= ROW_H


PDF_WIDTH = {"money": 14, "int": 9, "date": 11, "rate": 7}


def _widths(cols: Sequence[Column]) -> list[float]:
    shares = [PDF_WIDTH.get(c.kind, c.width) for c in cols]
    total = sum(shares)
    return [(PAGE_W - 2 * MARGIN) * w / total for w in shares]


def _table(p: _Pages, cols: Sequence[Column], rows: Any, carry: bool, title: str = "") -> None:
    """Rows under a header, paginated; with `carry`, number columns run page to page."""
    widths = _widths(cols)
    numeric = [i for i, c in enumerate(cols) if c.kind in ("money", "int")]
    sums = [0] * len(cols)
    head = [c.header for c in cols]

    def running(label: str) -> list[str]:
        out = [""] * len(cols)
        out[0] = label
        for i in numeric:
            out[i] = _cell(cols[i].kind, sums[i])
        return out

    def top() -> None:
        if title:
            p.c.setFont(p.bold, 9)
            p.c.drawString(MARGIN, p.y, p.text(title))
            p.y -= ROW_H * 1.4
        first, second = _header_lines(p, head, widths)
        if any(second):
            p.line(cols, widths, first, bold=True)
        p.line(cols, widths, second if any(second) else first, bold=True, rule=True)

    if not p.room(3):
        p.new_page()
    top()
    for row in rows:
        if not p.room():
            if carry:
                p.line(cols, widths, running("Carried forward"), bold=True)
            p.new_page()
            top()
            if carry:
                p.line(cols, widths, running("Brought forward"), bold=True)
        p.line(cols, widths, [_cell(c.kind, v) for c, v in zip(cols, row, strict=True)])
        if carry:
            for i in numeric:
                v = row[i]
                if isinstance(v, int):
                    sums[i] += v
    p.y -= ROW_H * 0.6


def _header_lines(
    p: _Pages, head: Sequence[str], widths: Sequence[float]
) -> tuple[list[str], list[str]]:
    """Headers too wide for their column break at a space onto a second line."""
    first, second = [], []
    for h, w in zip(head, widths, strict=True):
        h = p.text(h)
        if p.c.stringWidth(h, p.bold, SIZE) <= w - 3 or " " not in h:
            first.append("")
            second.append(h)
            continue
        words = h.split(" ")
        cut = max(1, len(words) // 2)
        first.append(" ".join(words[:cut]))
        second.append(" ".join(words[cut:]))
    if not any(first):
        return second, [""] * len(second)
    return first, second


def _signature(p: _Pages) -> None:
    if not p.room(7):
        p.new_page()
    p.y -= ROW_H * 2
    c = p.c
    c.setFont(p.regular, 8)
    slots = ("Prepared by", "Checked by", "Authorised signatory")
    step = (PAGE_W - 2 * MARGIN) / len(slots)
    for i, label in enumerate(slots):
        x = MARGIN + i * step
        c.line(x, p.y, x + step - 40, p.y)
        c.drawString(x, p.y - 11, label)
        c.drawString(x, p.y - 22, "Name:")
        c.drawString(x, p.y - 33, "Date:            Place:")
    p.y -= 45


def write_pdf(report: TableReport, path: str | Path) -> None:
    p = _Pages(path, report)
    p.new_page()
    names = report.pdf_columns or [c.name for c in report.columns]
    index = [next(i for i, c in enumerate(report.columns) if c.name == n) for n in names]
    cols = [report.columns[i] for i in index]
    rows = ([r[i] for i in index] for r in report.rows)
    _table(p, cols, rows, carry=True)
    total = report.totals()
    if total is not None:
        p.line(cols, _widths(cols), [_cell(c.kind, total[i]) for c, i in zip(cols, index,
               strict=True)], bold=True, rule=False)  # fmt: skip
        p.y -= ROW_H
    for sec in report.sections():
        _table(p, sec.columns, sec.rows, carry=False, title=sec.title)
    if report.notes:
        p.c.setFont(p.regular, 7)
        for n in report.notes:
            if not p.room():
                p.new_page()
            p.c.drawString(MARGIN, p.y, p.text(n))
            p.y -= ROW_H
    if report.signature:
        _signature(p)
    for image in report.images:
        p.new_page()
        w, h = PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN - 40
        p.c.drawImage(str(image), MARGIN, MARGIN, w, h, preserveAspectRatio=True, anchor="n")
    p.c.save()
