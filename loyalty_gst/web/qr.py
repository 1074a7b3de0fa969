"""A QR code as an SVG data URI (reportlab's QR widget): the member's app code for the
till's scanner, drawn on the server — the page loads no script for it."""

from __future__ import annotations

import base64

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def svg_data_uri(text: str, size: int = 240) -> str:
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    w, h = x1 - x0, y1 - y0
    drawing = Drawing(
        size, size, transform=[size / w, 0, 0, size / h, -x0 * size / w, -y0 * size / h]
    )
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
