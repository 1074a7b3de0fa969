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
    """Rows are added into one slot per (GSTIN, store, month) and per rate; the group and
    overall totals are sums of those slots (exact integers), made when asked for."""

    cells: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    rates: dict[str, list[int]] = field(default_factory=dict)

    def add(self, r: RegisterRow) -> None:
        key = (r.gstin, r.store or "-", r.date[:7])
        slot = self.cells.get(key)
        if slot is None:
            slot = self.cells[key] = _zero()
        slot[0] += 1
        slot[1] += r.points
        slot[2] += r.loyalty_value
        slot[3] += r.loyalty_discount
        slot[4] += r.taxable_before
        slot[5] += r.taxable_after
        slot[6] += r.cgst
        slot[7] += r.sgst
        slot[8] += r.igst
        slot[9] += r.cess
        slot[10] += r.gst_foregone
        rates = self.rates
        for rate, a in r.by_rate.items():
            s = rates.get(rate)
            if s is None:
                s = rates[rate] = _zero()
            s[0] += 1
            # loyalty discount, before, after, cgst, sgst, igst, cess, foregone
            s[3] += a[0]
            s[4] += a[1]
            s[5] += a[2]
            s[6] += a[3]
            s[7] += a[4]
            s[8] += a[5]
            s[9] += a[6]
            s[10] += a[7]

    @property
    def overall(self) -> list[int]:
        out = _zero()
        for slot in self.cells.values():
            for i, v in enumerate(slot):
                out[i] += v
        return out

    @property
    def groups(self) -> dict[str, dict[str, list[int]]]:
        out: dict[str, dict[str, list[int]]] = {g: {} for g in GROUPS}
        for key, slot in self.cells.items():
            for g, k in zip(GROUPS[:3], key, strict=True):
                target = out[g].get(k)
                if target is None:
                    target = out[g][k] = _zero()
                for i, v in enumerate(slot):
                    target[i] += v
        out["rate"] = {k: list(v) for k, v in self.rates.items()}
        return out

    def rows(self) -> Iterator[tuple[str, str, list[int]]]:
        """(group, key, figures): each group sorted (rates numerically), then overall."""
        groups = self.groups
        for g in GROUPS:
            for k in sorted(groups[g], key=Decimal if g == "rate" else str):
                yield g, k, groups[g][k]
        yield "total", "all", self.overall

    @property
    def tax(self) -> int:
        return sum(self.overall[6:10])
