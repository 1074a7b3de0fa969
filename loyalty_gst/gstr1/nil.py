"""GSTR-1 table 8 (`nil`): nil-rated, exempt and non-GST supplies.

Lines whose tax category is nil_rated, exempt or non_gst (zero-rated SEZ and export
lines excepted: those stay in b2b / exp), by inter/intra-state × registered/unregistered
buyer: `sply_ty` INTRB2B, INTRAB2B, INTRB2C, INTRAB2C with `nil_amt`, `expt_amt`,
`ngsup_amt`. Credit notes subtract, debit notes add.
"""

from __future__ import annotations

from typing import Any

from loyalty_gst.gstr1.amounts import decimal

SECTION = "nil"
COLUMN = {"nil_rated": 0, "exempt": 1, "non_gst": 2}
ORDER = ("INTRB2B", "INTRAB2B", "INTRB2C", "INTRAB2C")


def sply_ty(supply: str, registered: bool) -> str:
    return ("INTRB2" if supply == "inter" else "INTRAB2") + ("B" if registered else "C")


class Nil:
    def __init__(self) -> None:
        self.rows: dict[str, list[int]] = {}

    def add(self, supply: str, registered: bool, tax_category: str, taxable: int) -> None:
        """`taxable` is signed paise (negative for a credit note)."""
        key = sply_ty(supply, registered)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0, 0, 0]
        row[COLUMN[tax_category]] += taxable

    def total(self) -> int:
        return sum(sum(r) for r in self.rows.values())

    def render(self) -> dict[str, Any] | None:
        inv = [
            {
                "sply_ty": k,
                "nil_amt": decimal(self.rows[k][0]),
                "expt_amt": decimal(self.rows[k][1]),
                "ngsup_amt": decimal(self.rows[k][2]),
            }
            for k in ORDER
            if k in self.rows
        ]
        return {"inv": inv} if inv else None
