"""The printed e-invoice (reportlab): IRN, Ack No/Date, the signed QR, lines, tax summary.

The QR encodes the SignedQRCode string exactly as the IRP returned it (what the GST
verify app reads). Each line shows its loyalty discount (pre-tax) when the TaxedInvoice
is given; the payload's Discount is trade + loyalty. Without a registration the page
says NOT REGISTERED WITH THE IRP in place of the IRN and carries no QR.
"""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from einvoice.client import Registration
from einvoice.schema import Inv01
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import ZERO
from loyalty_gst.states import STATE_NAMES

QR_SIZE = 70 * mm
TITLES = {"INV": "Tax Invoice", "CRN": "Credit Note", "DBN": "Debit Note"}


class _Qr(Flowable):
    """A QR code of `value`, `size` wide, with a quiet zone."""

    def __init__(self, value: str, size: float) -> None:  # float ok: points, not money
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def draw(self) -> None:
        widget = QrCodeWidget(self.value, barLevel="L", barBorder=4)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            self.size,
            self.size,
            transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0],
        )
        drawing.add(widget)
        renderPDF.draw(drawing, self.canv, 0, 0)


def _amt(value: Decimal | None) -> str:
    return f"{(value or ZERO):,.2f}"


def _party(title: str, gstin: str, name: str, addr: str, loc: str, pin: int, stcd: str) -> str:
    state = STATE_NAMES.get(stcd.zfill(2), stcd)
    return f"<b>{title}</b><br/>{name}<br/>GSTIN {gstin}<br/>{addr}, {loc}<br/>{state} {pin}"


def render(
    payload: Inv01, registration: Registration | None = None, invoice: TaxedInvoice | None = None
) -> bytes:
    """The e-invoice as PDF bytes."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"e-Invoice {payload.DocDtls.No}",
    )
    story: list[Flowable] = []
    d, sd, bd, v = payload.DocDtls, payload.SellerDtls, payload.BuyerDtls, payload.ValDtls
    story.append(
        Paragraph(f"{TITLES[d.Typ]} — e-Invoice ({payload.TranDtls.SupTyp})", styles["Title"])
    )
    if registration is None:
        head = "<b>NOT REGISTERED WITH THE IRP</b> — no IRN; this is not a valid e-invoice"
    else:
        head = (
            f"IRN: {registration.irn}<br/>Ack No: {registration.ack_no} &nbsp; "
            f"Ack Date: {registration.ack_dt}"
        )
    info = Paragraph(f"{head}<br/>Document No: {d.No} &nbsp; Date: {d.Dt}", small)
    qr_cell: Flowable = _Qr(registration.signed_qr, QR_SIZE) if registration else Spacer(1, 1)
    top = Table([[info, qr_cell]], colWidths=[doc.width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [top, Spacer(1, 4 * mm)]
    parties = Table(
        [
            [
                Paragraph(
                    _party("Seller", sd.Gstin, sd.LglNm, sd.Addr1, sd.Loc, sd.Pin, sd.Stcd), small
                ),
                Paragraph(
                    _party("Buyer", bd.Gstin, bd.LglNm, bd.Addr1, bd.Loc, bd.Pin, bd.Stcd)
                    + f"<br/>Place of supply: {bd.Pos}",
                    small,
                ),
            ]
        ],
        colWidths=[doc.width / 2] * 2,
    )
    story += [parties, Spacer(1, 4 * mm)]
    if payload.RefDtls and payload.RefDtls.PrecDocDtls:
        p = payload.RefDtls.PrecDocDtls[0]
        story.append(Paragraph(f"Against invoice {p.InvNo} dated {p.InvDt}", small))

    taxable = [ln for ln in invoice.lines if ln.tax_category == "taxable"] if invoice else []
    loyalty = {str(i): ln.loyalty_discount for i, ln in enumerate(taxable, start=1)}
    head_row = [
        "#",
        "Description",
        "HSN",
        "Qty",
        "Unit price",
        "Gross",
        "Loyalty disc.",
        "Other disc.",
        "Taxable",
        "GST %",
        "Tax",
        "Total",
    ]
    rows: list[list[str]] = [head_row]
    for it in payload.ItemList:
        loy = loyalty.get(it.SlNo, ZERO)
        tax = sum((x or ZERO for x in (it.CgstAmt, it.SgstAmt, it.IgstAmt, it.CesAmt)), ZERO)
        rows.append(
            [
                it.SlNo,
                (it.PrdDesc or "")[:28],
                it.HsnCd,
                f"{it.Qty or ''} {it.Unit or ''}",
                f"{it.UnitPrice:,.3f}",
                _amt(it.TotAmt),
                _amt(loy),
                _amt((it.Discount or ZERO) - loy),
                _amt(it.AssAmt),
                f"{it.GstRt}",
                _amt(tax),
                _amt(it.TotItemVal),
            ]
        )
    lines = Table(rows, repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [lines, Spacer(1, 4 * mm)]

    summary = [
        ["Taxable value", _amt(v.AssVal)],
        ["CGST", _amt(v.CgstVal)],
        ["SGST", _amt(v.SgstVal)],
        ["IGST", _amt(v.IgstVal)],
        ["Cess", _amt(v.CesVal)],
        ["Other charges (nil/exempt)", _amt(v.OthChrg)],
        ["Discount (after tax)", _amt(v.Discount)],
        ["Round-off", _amt(v.RndOffAmt)],
        ["Invoice value", _amt(v.TotInvVal)],
    ]
    if invoice is not None and invoice.totals.loyalty_discount:
        summary.insert(
            0,
            [
                "Loyalty discount (pre-tax, in item discounts)",
                _amt(invoice.totals.loyalty_discount),
            ],
        )
    totals = Table(summary, colWidths=[70 * mm, 35 * mm], hAlign="RIGHT")
    totals.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story.append(totals)
    doc.build(story)
    return out.getvalue()
