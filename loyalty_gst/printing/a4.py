"""The A4 page (reportlab platypus): tax invoice, bill of supply, credit and debit note.

One copy after another in one PDF, each headed by its copy mark (Original for Recipient
…), which the page footer repeats with the page number when a copy runs over a page.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from loyalty_gst.printing import fonts
from loyalty_gst.printing.content import Content, Row
from loyalty_gst.printing.qrcode import Qr

MARGIN = 12 * mm
WIDTH = A4[0] - 2 * MARGIN
EINV_QR = 42 * mm
UPI_QR = 30 * mm
GREY = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.92, 0.92, 0.92)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts.register()
    base = ParagraphStyle("base", fontName=regular, fontSize=8, leading=10)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.5),
        "name": ParagraphStyle("name", parent=base, fontName=bold, fontSize=12, leading=14),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=14, leading=17, alignment=2
        ),
        "mark": ParagraphStyle("mark", parent=base, fontSize=8, alignment=2, textColor=GREY),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


class _Mark(Flowable):
    """Zero-size: tells the page footer which copy the following pages belong to."""

    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark = mark
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._lgst_mark = self.mark  # type: ignore[attr-defined]


def _footer(canv: Canvas, doc: BaseDocTemplate) -> None:
    regular, _ = fonts.register()
    canv.saveState()
    canv.setFont(regular, 6.5)
    canv.setFillColor(GREY)
    mark = getattr(canv, "_lgst_mark", "")
    canv.drawString(MARGIN, 7 * mm, mark)
    canv.drawRightString(A4[0] - MARGIN, 7 * mm, f"Page {doc.page}")
    canv.restoreState()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _header(c: Content, s: dict[str, ParagraphStyle], mark: str) -> Table:
    who = [Paragraph(_esc(c.supplier_name), s["name"])]
    if c.supplier_trade_name:
        who.append(Paragraph(_esc(c.supplier_trade_name), s["bold"]))
    who.append(Paragraph("<br/>".join(_esc(x) for x in c.supplier_lines), s["base"]))
    who.append(Paragraph(f"<b>GSTIN: {c.supplier_gstin}</b>", s["base"]))
    right = [Paragraph(c.title, s["title"]), Paragraph(mark, s["mark"])]
    logo: Any = ""
    widths = [0, WIDTH * 0.62, WIDTH * 0.38]
    if c.logo:
        reader = ImageReader(io.BytesIO(c.logo))
        iw, ih = reader.getSize()
        h = 20 * mm
        w = min(35 * mm, h * iw / ih)
        logo = Image(io.BytesIO(c.logo), width=w, height=w * ih / iw)
        widths = [w + 3 * mm, WIDTH * 0.62 - w - 3 * mm, WIDTH * 0.38]
    t = Table([[logo, who, right]], colWidths=widths)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _parties(c: Content, s: dict[str, ParagraphStyle]) -> Table:
    label = {"Credit Note": "Credit note", "Debit Note": "Debit note"}.get(c.title, "Invoice")
    doc = [
        f"<b>{label} No.:</b> {_esc(c.number)}",
        f"<b>Date:</b> {c.date}",
        f"<b>Place of supply:</b> {_esc(c.place_of_supply)}",
        f"<b>Tax payable on reverse charge:</b> {c.reverse_charge}",
    ]
    if c.against:
        doc.append(f"<b>{_esc(c.against)}</b>")
    rec = [f"<b>{c.recipient_title}</b>", *(_esc(x) for x in c.recipient_lines)]
    if c.recipient_gstin:
        rec.append(f"<b>GSTIN: {c.recipient_gstin}</b>")
    t = Table(
        [[Paragraph("<br/>".join(rec), s["base"]), Paragraph("<br/>".join(doc), s["base"])]],
        colWidths=[WIDTH * 0.55, WIDTH * 0.45],
    )
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.4, GREY),
                ("LINEBEFORE", (1, 0), (1, 0), 0.4, GREY),
            ]
        )
    )
    return t


def _irp(c: Content, s: dict[str, ParagraphStyle]) -> Table:
    text = Paragraph(
        f"<b>e-Invoice</b><br/><b>IRN:</b> {c.irn}<br/><b>Ack No:</b> {c.ack_no}<br/>"
        f"<b>Ack Date:</b> {c.ack_date}",
        s["base"],
    )
    assert c.signed_qr is not None
    t = Table([[text, Qr(c.signed_qr, EINV_QR)]], colWidths=[WIDTH - EINV_QR, EINV_QR])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _wrap(text: str, font: str, size: float, width: float) -> str:  # float ok: points
    return "\n".join(simpleSplit(text, font, size, width)) or ""


def _lines(c: Content) -> Table:
    regular, bold = fonts.register()
    size = 6.5
    heads = [*(f"{h}\n(rate, ₹)" for h in c.tax_heads)]
    head = [
        "#",
        "Description",
        "HSN/SAC",
        "Qty / UQC",
        "Unit price",
        "Value",
        "Discount",
        "Loyalty\ndiscount",
        "Taxable\nvalue",
        *heads,
        "Total",
    ]
    fixed = [5, 0, 12, 15, 15, 16, 13, 14, 16, *([17] * len(heads)), 17]
    widths = [w * mm for w in fixed]
    widths[1] = max(WIDTH - sum(widths), 24 * mm)
    scale = min(1.0, WIDTH / sum(widths))
    widths = [w * scale for w in widths]

    def cells(r: Row) -> list[str]:
        desc = r.description + (f"\n({r.supply})" if r.supply else "")
        return [
            r.no,
            _wrap(desc, regular, size, widths[1] - 4),
            r.hsn,
            f"{r.qty} {r.uqc}",
            r.unit_price,
            r.value,
            r.discount,
            r.loyalty,
            r.taxable,
            *(
                (f"{t.rate}\n{t.amount}" for t in r.taxes)
                if r.taxes
                else ("—" for _ in c.tax_heads)
            ),
            r.total,
        ]

    data = [head, *(cells(r) for r in c.rows)]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, size, size + 1.5),
                ("FONT", (0, 0), (-1, 0), bold, size, size + 1.5),
                ("GRID", (0, 0), (-1, -1), 0.3, GREY),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _summary(c: Content, s: dict[str, ParagraphStyle]) -> Table:
    regular, bold = fonts.register()
    rows = [[label, amount] for label, amount in c.totals]
    rows.append([c.grand_total_label, c.grand_total])
    totals = Table(rows, colWidths=[42 * mm, 28 * mm])
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8, 10),
                ("FONT", (0, -1), (-1, -1), bold, 9, 11),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    left: list[Flowable] = [Paragraph(f"<b>Amount in words:</b> {c.words}", s["base"])]
    if c.points_line:
        left += [Spacer(1, 2 * mm), Paragraph(_esc(c.points_line), s["base"])]
    for note in c.notes:
        left += [Spacer(1, 1 * mm), Paragraph(_esc(note), s["small"])]
    if c.upi:
        left += [
            Spacer(1, 2 * mm),
            Table(
                [[Qr(c.upi, UPI_QR), Paragraph(f"Scan to pay {c.grand_total} by UPI", s["small"])]],
                colWidths=[UPI_QR + 2 * mm, 40 * mm],
                style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)],
            ),
        ]
    t = Table([[left, totals]], colWidths=[WIDTH - 72 * mm, 72 * mm])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _signature(c: Content, s: dict[str, ParagraphStyle]) -> Table:
    who = f"<b>{_esc(c.signatory_for)}</b><br/><br/><br/><br/>Authorised Signatory"
    if c.signatory:
        who += f"<br/>{_esc(c.signatory)}"
    t = Table([["", Paragraph(who, s["right"])]], colWidths=[WIDTH - 70 * mm, 70 * mm])
    t.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    return t


def _copy(c: Content, s: dict[str, ParagraphStyle], mark: str) -> list[Flowable]:
    story: list[Flowable] = [_Mark(mark)]
    if c.banner:
        story += [Paragraph(f"<b>{_esc(c.banner)}</b>", s["base"]), Spacer(1, 2 * mm)]
    story += [_header(c, s, mark), Spacer(1, 3 * mm)]
    story += [_parties(c, s), Spacer(1, 3 * mm)]
    if c.irn:
        story += [_irp(c, s), Spacer(1, 3 * mm)]
    story += [_lines(c), Spacer(1, 3 * mm), _summary(c, s), Spacer(1, 6 * mm)]
    story.append(_signature(c, s))
    return story


def render(c: Content) -> bytes:
    """The document as an A4 PDF, one copy after another."""
    s = _styles()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=f"{c.title} {c.number}",
        author=c.supplier_name,
        subject=f"GSTIN {c.supplier_gstin}",
        creator="loyalty-gst",
        initialFontName=fonts.register()[0],
    )
    frame = Frame(
        MARGIN,
        MARGIN + 3 * mm,
        WIDTH,
        A4[1] - 2 * MARGIN - 3 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    # the footer is drawn when the page ends, once the page's copy mark is known
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_footer)])
    story: list[Flowable] = []
    for i, mark in enumerate(c.copy_marks):
        if i:
            story.append(PageBreak())
        story += _copy(c, s, mark)
    doc.build(story)
    return out.getvalue()
