"""GSTR-1 table 7 (`b2cs`): every other B2C supply, one row per (supply type, POS, rate).

Intra-state and inter-state B2C invoices not large enough for b2cl, and notes to
unregistered buyers whose original was not B2CL-class, netted in: a credit note
subtracts its (rate) amounts from the row, a debit note adds. `typ` is "OE" (no
e-commerce operator). A row may come out negative when a month's returns exceed its
sales at that POS and rate; the builder warns about it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalty_gst.gstr1.amounts import decimal
from loyalty_gst.gstr1.items import Rows

SECTION = "b2cs"


class B2cs:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], list[int]] = {}

    def add(self, supply: str, pos: str, rows: Rows, sign: int) -> None:
        sply = "INTRA" if supply == "intra" else "INTER"
        for rate, a in rows:
            key = (sply, pos, rate)
            got = self.rows.get(key)
            if got is None:
                got = self.rows[key] = [0, 0, 0, 0, 0]
            got[0] += sign * a[0]
            got[1] += sign * a[1]
            got[2] += sign * a[2]
            got[3] += sign * a[3]
            got[4] += sign * a[4]

    def render(self) -> list[dict[str, Any]]:
        out = []
        for (sply, pos, rate), a in sorted(
            self.rows.items(), key=lambda kv: (kv[0][0], kv[0][1], Decimal(kv[0][2]))
        ):
            row: dict[str, Any] = {"sply_ty": sply, "pos": pos, "typ": "OE"}
            row["txval"] = decimal(a[0])
            row["rt"] = Decimal(rate)
            if sply == "INTRA":
                row["camt"], row["samt"] = decimal(a[2]), decimal(a[3])
            else:
                row["iamt"] = decimal(a[1])
            row["csamt"] = decimal(a[4])
            out.append(row)
        return out
