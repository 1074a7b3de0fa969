"""QR codes on the page: the IRP's signed QR, the B2C UPI QR (reportlab's QR widget).

Error correction L with a quiet zone of 4 modules, as the GST verify app and UPI apps read.
"""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable


def draw(canv: Canvas, value: str, x: float, y: float, size: float) -> None:  # float ok
    """Draw the QR of `value` as a `size` square with its lower left corner at (x, y)."""
    widget = QrCodeWidget(value, barLevel="L", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canv, x, y)


class Qr(Flowable):
    """A QR code of `value`, `size` wide (points)."""

    def __init__(self, value: str, size: float) -> None:  # float ok: points, not money
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def draw(self) -> None:
        draw(self.canv, self.value, 0, 0, self.size)
