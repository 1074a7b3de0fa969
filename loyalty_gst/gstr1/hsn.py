"""GSTR-1 table 12 (`hsn`): quantity and value per HSN/SAC + UQC + rate.

Every line of every document of the period (nil, exempt and export lines too);
credit notes subtract quantity and amounts, debit notes add. Services (SAC 99…) are
reported with UQC "NA" and quantity 0. Up to the April 2025 period one table
(`hsn.data`); from May 2025 (fp 052025) two: `hsn_b2b` (registered buyers: B2B, SEZ,
deemed export) and `hsn_b2c` (everyone else, exports included). The description is
the alphabetically first one seen for the key (so the order documents come in does not
change the return), cut to the portal's 30 characters.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from loyalty_gst.gstr1.amounts import decimal, qty_text
from loyalty_gst.gstr1.rules import HSN_DESC_LIMIT
from loyalty_gst.gstr1.view import LineView

SECTION = "hsn"
_CENT = Decimal("0.01")


def qty_2dp(milli: int) -> Decimal:
    """The portal takes at most 2 decimals of quantity: thousandths rounded half up
    (1.235 → 1.24), written without trailing zeros (3 → 3, 2.5 → 2.5)."""
    q = Decimal(qty_text(milli)).quantize(_CENT, ROUND_HALF_UP)
    return Decimal(format(q.normalize(), "f"))


Key = tuple[bool, str, str, str]  # (registered, hsn, uqc, rate)


class Hsn:
    def __init__(self) -> None:
        # key -> [qty in thousandths, taxable, igst, cgst, sgst, cess]
        self.rows: dict[Key, list[int]] = {}
        self.desc: dict[Key, str] = {}

    def add(self, ln: LineView, registered: bool, sign: int) -> None:
        if ln.is_service:
            key = (registered, ln.hsn, "NA", ln.rate)
            qty = 0
        else:
            key = (registered, ln.hsn, ln.unit, ln.rate)
            qty = ln.qty
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0, 0, 0, 0, 0, 0]
            self.desc[key] = ln.description
        elif ln.description < self.desc[key]:
            self.desc[key] = ln.description
        a = ln.amounts
        row[0] += sign * qty
        row[1] += sign * a[0]
        row[2] += sign * a[1]
        row[3] += sign * a[2]
        row[4] += sign * a[3]
        row[5] += sign * a[4]

    def totals(self) -> list[int]:
        """Σ over every row: [taxable, igst, cgst, sgst, cess] in paise."""
        out = [0, 0, 0, 0, 0]
        for row in self.rows.values():
            for i in range(5):
                out[i] += row[i + 1]
        return out

    def _table(self, registered: bool | None) -> list[dict[str, Any]]:
        keys = sorted(
            (k for k in self.rows if registered is None or k[0] == registered),
            key=lambda k: (k[1], k[2], Decimal(k[3]), not k[0]),
        )
        merged: dict[tuple[str, str, str], list[int]] = {}
        desc: dict[tuple[str, str, str], str] = {}
        for k in keys:  # one table before May 2025: registered and not add together
            m = merged.setdefault(k[1:], [0, 0, 0, 0, 0, 0])
            d = self.desc[k].strip()[:HSN_DESC_LIMIT].rstrip()
            desc[k[1:]] = min(desc.get(k[1:], d), d)
            for i, v in enumerate(self.rows[k]):
                m[i] += v
        return [
            {
                "num": n,
                "hsn_sc": hsn,
                "desc": desc[(hsn, uqc, rate)],
                "uqc": uqc,
                "qty": qty_2dp(r[0]),
                "rt": Decimal(rate),
                "txval": decimal(r[1]),
                "iamt": decimal(r[2]),
                "camt": decimal(r[3]),
                "samt": decimal(r[4]),
                "csamt": decimal(r[5]),
            }
            for n, ((hsn, uqc, rate), r) in enumerate(merged.items(), start=1)
        ]

    def render(self, split: bool) -> dict[str, Any] | None:
        if not self.rows:
            return None
        if not split:
            return {"data": self._table(None)}
        out = {}
        for name, registered in (("hsn_b2b", True), ("hsn_b2c", False)):
            table = self._table(registered)
            if table:
                out[name] = table
        return out
