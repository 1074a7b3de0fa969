"""The register's totals by GSTIN, store, month and GST rate, and overall (whole paise).

Each total adds the signed rows (credit notes subtract), so `overall` is the period's
net taxable value and tax — what GSTR-1 reports for the same documents. By rate, the
figures come from the rows' per-rate parts (points are not apportioned to rates).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from loyalty_gst.reports.register_row import RegisterRow

# documents, points, then money in paise
FIELDS = ("documents", "points", "loyalty_value", "loyalty_discount", "taxable_before",
          "taxable_after", "cgst", "sgst", "igst", "cess", "gst_foregone")  # fmt: skip
GROUPS = ("gstin", "store", "month", "rate")


def _zero() -> list[int]:
    return [0] * len(FIELDS)


@dataclass
class Totals:
    overall: list[int] = field(default_factory=_zero)
    groups: dict[str, dict[str, list[int]]] = field(default_factory=lambda: {g: {} for g in GROUPS})

    def add(self, r: RegisterRow) -> None:
        figures = (1, r.points, r.loyalty_value, r.loyalty_discount, r.taxable_before,
                   r.taxable_after, r.cgst, r.sgst, r.igst, r.cess, r.gst_foregone)  # fmt: skip
        for target in (
            self.overall,
            self._slot("gstin", r.gstin),
            self._slot("store", r.store or "-"),
            self._slot("month", r.month),
        ):
            for i, v in enumerate(figures):
                target[i] += v
        for rate, a in r.by_rate.items():
            slot = self._slot("rate", rate)
            slot[0] += 1
            # loyalty discount, before, after, cgst, sgst, igst, cess, foregone
            for i, v in zip((3, 4, 5, 6, 7, 8, 9, 10), a, strict=True):
                slot[i] += v

    def _slot(self, group: str, key: str) -> list[int]:
        g = self.groups[group]
        got = g.get(key)
        if got is None:
            got = g[key] = _zero()
        return got

    def rows(self) -> Iterator[tuple[str, str, list[int]]]:
        """(group, key, figures): each group sorted (rates numerically), then overall."""
        for g in GROUPS:
            keys = sorted(self.groups[g], key=Decimal if g == "rate" else str)
            for k in keys:
                yield g, k, self.groups[g][k]
        yield "total", "all", self.overall

    @property
    def tax(self) -> int:
        return sum(self.overall[6:10])
