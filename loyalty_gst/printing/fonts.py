"""The embedded font: DejaVu Sans Condensed (it has ₹ U+20B9), shipped in the package.

Registered with reportlab once per process; every page embeds the subset it uses, so a
PDF shows ₹ on a machine without the font. Licence: fonts/LICENSE.txt.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

HERE = Path(__file__).resolve().parent / "fonts"
REGULAR = "LgstSans"
BOLD = "LgstSans-Bold"


@cache
def register() -> tuple[str, str]:
    """Register the regular and bold faces; their reportlab names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(HERE / "DejaVuSansCondensed.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(HERE / "DejaVuSansCondensed-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    return REGULAR, BOLD
