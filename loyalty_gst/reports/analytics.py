"""Programme analytics of a period. Pure accumulators; the glue feeds them.

- points per month: issued (earn, migrate), redeemed (net of points returns gave back),
  expired, and the redemption rate = redeemed ÷ issued (None when nothing was issued);
- by store and by channel: documents, documents that redeemed, loyalty discount, taxable
  value before loyalty, GST foregone, and the redemption rate = documents that redeemed
  ÷ documents;
- members by first-purchase cohort (the month of their first stored invoice, cancelled
  ones excluded): members, members who came back (a second invoice), repeat rate;
- top members by value: net taxable value of the period (credit notes subtract), their
  mobile masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from loyalty_gst.reports.liability import ISSUED, REDEEMED, Move, month_of
from loyalty_gst.reports.register_row import RegisterRow


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a fraction with 4 decimals, half-up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class PointsMonth:
    issued: int = 0
    redeemed: int = 0
    expired: int = 0

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.redeemed, self.issued)


@dataclass
class Slice:
    documents: int = 0
    redeeming: int = 0
    loyalty_discount: int = 0  # paise, signed
    taxable_before: int = 0
    gst_foregone: int = 0

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.redeeming, self.documents)


@dataclass
class Cohort:
    members: int = 0
    repeat: int = 0

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.repeat, self.members)


@dataclass
class Analytics:
    months: dict[str, PointsMonth] = field(default_factory=dict)
    stores: dict[str, Slice] = field(default_factory=dict)
    channels: dict[str, Slice] = field(default_factory=dict)
    cohorts: dict[str, Cohort] = field(default_factory=dict)
    top: list[tuple[str, int, int, int]] = field(default_factory=list)  # member, docs, value, pts

    def add_moves(self, moves: Iterable[Move], months: Iterable[str]) -> None:
        for m in months:
            self.months.setdefault(m, PointsMonth())
        for mv in moves:
            slot = self.months.get(month_of(mv.day))
            if slot is None:
                continue
            if mv.kind in ISSUED:
                slot.issued += mv.points
            elif mv.kind in REDEEMED:
                slot.redeemed -= mv.points
            elif mv.kind == "expire":
                slot.expired -= mv.points

    def add_row(self, r: RegisterRow) -> None:
        for key, table in ((r.store or "-", self.stores), (r.channel or "-", self.channels)):
            s = table.get(key)
            if s is None:
                s = table[key] = Slice()
            if r.kind == "invoice":
                s.documents += 1
                s.redeeming += 1 if r.points > 0 else 0
            s.loyalty_discount += r.loyalty_discount
            s.taxable_before += r.taxable_before
            s.gst_foregone += r.gst_foregone

    def add_purchases(self, firsts: Iterable[tuple[str, int]]) -> None:
        """(first-purchase month, invoices up to the period's end) per member."""
        for month, count in firsts:
            c = self.cohorts.setdefault(month, Cohort())
            c.members += 1
            c.repeat += 1 if count >= 2 else 0
