"""The figures a built GSTR-1 reports: running tallies, ₹ figures, summary rows and the
reconciliation with the books.

A leaf: builder, checks and result all import it, and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from loyalty_gst.errors import Problem
from loyalty_gst.gstr1.amounts import decimal


@dataclass
class Tally:
    """Documents and [taxable, igst, cgst, sgst, cess] in paise."""

    documents: int = 0
    amounts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def add_amounts(self, a: Sequence[int], sign: int) -> None:
        m = self.amounts
        m[0] += sign * a[0]
        m[1] += sign * a[1]
        m[2] += sign * a[2]
        m[3] += sign * a[3]
        m[4] += sign * a[4]


@dataclass(frozen=True)
class Figures:
    """Taxable value and taxes in ₹ (2 dp)."""

    taxable: Decimal
    igst: Decimal
    cgst: Decimal
    sgst: Decimal
    cess: Decimal

    @property
    def tax(self) -> Decimal:
        return self.igst + self.cgst + self.sgst + self.cess

    @classmethod
    def of(cls, paise: Sequence[int]) -> Figures:
        return cls(*(decimal(p) for p in paise))


@dataclass(frozen=True)
class SummaryRow:
    section: str
    documents: int
    figures: Figures


@dataclass(frozen=True)
class Reconciliation:
    """Σ sections (notes subtracting, nil included) and Σ HSN against the books."""

    sections: Figures
    hsn: Figures
    books: Figures
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        mark = "agree to the paisa" if self.ok else f"DIFFER ({len(self.problems)} problems)"
        s, b = self.sections, self.books
        return (
            f"sections {s.taxable} taxable + {s.tax} tax; HSN {self.hsn.taxable} + {self.hsn.tax};"
            f" books {b.taxable} + {b.tax}: {mark}"
        )


__all__ = ["Figures", "Reconciliation", "SummaryRow", "Tally"]
