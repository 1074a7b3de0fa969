"""The 80 mm till receipt: the same particulars as the A4 page, one column, drawn directly.

A page is 80 mm wide and as long as its content (a roll printer cuts it); each copy is
one page. Lines are laid out first (to know the length), then drawn top-down.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from loyalty_gst.printing import fonts, qrcode
from loyalty_gst.printing.content import Content, Row

WIDTH = 80 * mm
MARGIN = 4 * mm
INNER = WIDTH - 2 * MARGIN
QR = 46 * mm
SIZE = 7.5


@dataclass(frozen=True)
class _Op:
    kind: str  # text | pair | rule | qr | logo | gap
    text: str = ""
    right: str = ""
    bold: bool = False
    size: float = SIZE  # float ok: points
    align: str = "left"
    height: float = 0  # float ok: points
    data: bytes = b""


def _text(
    ops: list[_Op],
    text: str,
    *,
    bold: bool = False,
    size: float = SIZE,  # float ok
    align: str = "left",
) -> None:
    regular, boldf = fonts.register()
    for part in simpleSplit(text, boldf if bold else regular, size, INNER) or [""]:
        ops.append(_Op("text", part, bold=bold, size=size, align=align, height=size * 1.3))


def _clauses(ops: list[_Op], text: str) -> None:
    """A sentence of clauses (", "): broken between clauses where it does not fit."""
    regular, _ = fonts.register()
    line = ""
    for part in text.split(", "):
        candidate = f"{line}, {part}" if line else part
        if line and stringWidth(candidate, regular, SIZE) > INNER:
            _text(ops, line + ",")
            line = part
        else:
            line = candidate
    _text(ops, line)


def _pair(
    ops: list[_Op], left: str, right: str, *, bold: bool = False, size: float = SIZE
) -> None:  # float ok: points
    ops.append(_Op("pair", left, right, bold=bold, size=size, height=size * 1.35))


def _rule(ops: list[_Op]) -> None:
    ops.append(_Op("rule", height=4))


def _row(ops: list[_Op], r: Row) -> None:
    desc = r.description + (f" ({r.supply})" if r.supply else "")
    _text(ops, f"{r.no}. {desc}", bold=True)
    _pair(ops, f"{r.code_label} {r.hsn}   {r.qty} {r.uqc} × {r.unit_price}", r.value)
    if r.discount != "0.00":
        _pair(ops, "  Discount", f"-{r.discount}")
    if r.loyalty != "0.00":
        _pair(ops, "  Loyalty discount", f"-{r.loyalty}")
    _pair(ops, "  Taxable value", r.taxable)
    for t in r.taxes:
        _pair(ops, f"  {t.head} @ {t.rate}", t.amount)
    _pair(ops, "  Line total", r.total)


def _layout(c: Content, mark: str) -> list[_Op]:
    ops: list[_Op] = []
    if c.logo:
        ops.append(_Op("logo", height=14 * mm, data=c.logo))
    _text(ops, c.supplier_name, bold=True, size=9.5, align="center")
    if c.supplier_trade_name:
        _text(ops, c.supplier_trade_name, align="center")
    for line in c.supplier_lines:
        _text(ops, line, align="center")
    _text(ops, f"GSTIN: {c.supplier_gstin}", bold=True, align="center")
    _rule(ops)
    if c.banner:
        _text(ops, c.banner, bold=True, align="center")
    _text(ops, c.title.upper(), bold=True, size=10, align="center")
    _text(ops, mark, size=6.5, align="center")
    _pair(ops, f"No. {c.number}", f"Date {c.date}")
    _text(ops, f"Place of supply: {c.place_of_supply}")
    _text(ops, f"Tax payable on reverse charge: {c.reverse_charge}")
    if c.against:
        _text(ops, c.against, bold=True)
    _text(ops, c.recipient_title, bold=True)
    for line in c.recipient_lines:
        _text(ops, line)
    if c.recipient_gstin:
        _text(ops, f"GSTIN: {c.recipient_gstin}", bold=True)
    _rule(ops)
    for r in c.rows:
        _row(ops, r)
    _rule(ops)
    for label, amount in c.totals:
        _pair(ops, label, amount)
    _pair(ops, c.grand_total_label, c.grand_total, bold=True, size=9.5)
    _text(ops, c.words, size=6.5)
    if c.points_line:
        ops.append(_Op("gap", height=3))
        _clauses(ops, c.points_line)
    for note in c.notes:
        _text(ops, note, size=6.5)
    if c.irn:
        _rule(ops)
        _text(ops, "IRN:", size=6)
        _text(ops, c.irn[:32], size=6)  # 64 hex digits: two lines
        _text(ops, c.irn[32:], size=6)
        _text(ops, f"Ack No: {c.ack_no}   Ack Date: {c.ack_date}", size=6.5)
        ops.append(_Op("qr", c.signed_qr or "", height=QR))
    if c.upi:
        _rule(ops)
        _text(ops, f"Scan to pay {c.grand_total} by UPI", align="center")
        ops.append(_Op("qr", c.upi, height=36 * mm))
    _rule(ops)
    _text(ops, c.signatory_for, bold=True, align="right")
    ops.append(_Op("gap", height=6 * mm))
    _text(ops, "Authorised Signatory", align="right")
    if c.signatory:
        _text(ops, c.signatory, align="right")
    return ops


def _draw(canv: Canvas, ops: list[_Op], height: float) -> None:  # float ok: points
    regular, bold = fonts.register()
    y = height - MARGIN
    for op in ops:
        y -= op.height
        if op.kind in ("text", "pair"):
            canv.setFont(bold if op.bold else regular, op.size)
            base = y + op.size * 0.25
            if op.kind == "pair":
                canv.drawString(MARGIN, base, op.text)
                canv.drawRightString(WIDTH - MARGIN, base, op.right)
            elif op.align == "center":
                canv.drawCentredString(WIDTH / 2, base, op.text)
            elif op.align == "right":
                canv.drawRightString(WIDTH - MARGIN, base, op.text)
            else:
                canv.drawString(MARGIN, base, op.text)
        elif op.kind == "rule":
            canv.setDash(1, 1)
            canv.line(MARGIN, y + 2, WIDTH - MARGIN, y + 2)
            canv.setDash()
        elif op.kind == "qr":
            qrcode.draw(canv, op.text, (WIDTH - op.height) / 2, y, op.height)
        elif op.kind == "logo":
            reader = ImageReader(io.BytesIO(op.data))
            iw, ih = reader.getSize()
            w = min(INNER, op.height * iw / ih)
            canv.drawImage(reader, (WIDTH - w) / 2, y, w, w * ih / iw, mask="auto")


def render(c: Content) -> bytes:
    """The receipt as a PDF: one 80 mm wide page per copy."""
    out = io.BytesIO()
    # uncompressed: a receipt goes to the till's printer, and deflating the two font
    # subsets took half of its time (about 70 KB instead of 32 KB)
    canv = Canvas(
        out, pagesize=(WIDTH, 100 * mm), pageCompression=0, initialFontName=fonts.register()[0]
    )
    canv.setTitle(f"{c.title} {c.number}")
    canv.setAuthor(c.supplier_name)
    canv.setCreator("loyalty-gst")
    for mark in c.copy_marks:
        ops = _layout(c, mark)
        height = sum(op.height for op in ops) + 2 * MARGIN
        canv.setPageSize((WIDTH, height))
        _draw(canv, ops, height)
        canv.showPage()
    canv.save()
    return out.getvalue()
