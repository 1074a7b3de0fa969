"""QR codes on the page: the IRP's signed QR, the B2C UPI QR.

Encoded by zxing-cpp (C++: a 1,000-character signed JWT in a few milliseconds, where a
pure-Python encoder takes a good part of a second), error correction L, drawn as vector
rectangles — one per run of dark modules in a row — inside a quiet zone of 4 modules,
so it stays sharp at any zoom and on any printer.
"""

from __future__ import annotations

from functools import lru_cache

import zxingcpp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

QUIET = 4  # modules of white around the symbol


@lru_cache(maxsize=256)
def runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The symbol's size in modules and its dark runs as (row, first column, length)."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    rows, cols = image.shape or (0, 0)
    cells = image.tobytes()
    found: list[tuple[int, int, int]] = []
    for r in range(rows):
        row = cells[r * cols : (r + 1) * cols]
        c = 0
        while c < cols:
            if row[c] == 0:  # dark
                start = c
                while c < cols and row[c] == 0:
                    c += 1
                found.append((r, start, c - start))
            else:
                c += 1
    return rows, tuple(found)


def draw(canv: Canvas, value: str, x: float, y: float, size: float) -> None:  # float ok
    """Draw the QR of `value` as a `size` square (quiet zone included) at (x, y)."""
    n, dark = runs(value)
    unit = size / (n + 2 * QUIET)
    top = y + size - QUIET * unit
    left = x + QUIET * unit
    path = canv.beginPath()
    for r, c, length in dark:
        path.rect(left + c * unit, top - (r + 1) * unit, length * unit, unit)
    canv.saveState()
    canv.setFillColorRGB(0, 0, 0)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


class Qr(Flowable):
    """A QR code of `value`, `size` wide (points)."""

    def __init__(self, value: str, size: float) -> None:  # float ok: points, not money
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def draw(self) -> None:
        draw(self.canv, self.value, 0, 0, self.size)


def svg(value: str, size_mm: int = 40) -> str:
    """The QR of `value` as an inline SVG (for HTML print formats), quiet zone included."""
    n, dark = runs(value)
    full = n + 2 * QUIET
    rects = "".join(
        f'<rect x="{c + QUIET}" y="{r + QUIET}" width="{length}" height="1"/>'
        for r, c, length in dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" '
        f'width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges">'
        f'<rect width="{full}" height="{full}" fill="#fff"/><g fill="#000">{rects}</g></svg>'
    )
