"""Points liability (deferred revenue for a customer's material right; Ind AS 115 / IFRS 15
§§ B39–B43), month by month, in points and ₹. Pure: entries in, a roll-forward out.

Points (the ledger's own figures, so the closing agrees with the balances to the point):
  opening + issued − redeemed − expired + adjusted = closing, where
  issued   = earn + migrate (opening balances brought in);
  redeemed = redeem − restore_redeem (points a return gave back);
  expired  = expire;
  adjusted = adjust, merge (nets to 0 across accounts), reverse_earn (earnings a return
             took back) and forgiven offline overdraft.
Rupees — the allocation method is a setting:
  `face`: every point carries its face value (₹ per point in force on the entry's date);
  `ssp` (relative stand-alone selling price): a sale's price T that earned P points is
  split between the goods and the points by their stand-alone selling prices — the
  points' SSP is P × face × r, r the expected redemption rate — so the points get
  T × SSP / (T + SSP), rounded half-up to the paisa per entry; points without a sale
  (opening balances, bonuses) carry their SSP.
  Each month the pool's carrying value per point is a = (opening ₹ + issued ₹) ÷
  (opening + issued points); redeemed ₹ = redeemed × a (revenue on redemption), breakage
  recognised = expired × a (revenue when points lapse unused), adjusted ₹ = adjusted × a,
  each rounded half-up to the paisa; closing ₹ = opening ₹ + issued ₹ − redeemed ₹ −
  breakage + adjusted ₹. With `face`, a is the face value and closing ₹ = points × face.
Ageing: points outstanding in lots, by days from the period's last day to their expiry:
0–30, 31–90, 91–180, > 180 (and lots past expiry not yet expired by the ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, NamedTuple

from loyalty_gst.errors import InvalidInput
from loyalty_gst.money import PAISA, ZERO

Method = Literal["face", "ssp"]
BUCKETS = ("overdue", "0-30", "31-90", "91-180", ">180")
ISSUED = frozenset(("earn", "migrate"))
REDEEMED = frozenset(("redeem", "restore_redeem"))


class Move(NamedTuple):
    """One ledger entry as the liability sees it."""

    kind: str
    points: int
    day: dt.date  # the entry's date in IST
    base: Decimal | None  # the price the points were earned on (earn entries of a sale)


@dataclass
class Month:
    month: str  # YYYY-MM
    opening: int = 0
    issued: int = 0
    redeemed: int = 0
    expired: int = 0
    adjusted: int = 0
    opening_value: Decimal = ZERO
    issued_value: Decimal = ZERO
    redeemed_value: Decimal = ZERO
    breakage: Decimal = ZERO
    adjusted_value: Decimal = ZERO

    @property
    def closing(self) -> int:
        return self.opening + self.issued - self.redeemed - self.expired + self.adjusted

    @property
    def closing_value(self) -> Decimal:
        return (
            self.opening_value
            + self.issued_value
            - self.redeemed_value
            - self.breakage
            + self.adjusted_value
        )


@dataclass
class Liability:
    method: Method
    rate: Decimal
    months: list[Month] = field(default_factory=list)
    ageing: dict[str, int] = field(default_factory=dict)
    overdraft: int = 0  # offline overdraft owed (balance = lots − overdraft)

    @property
    def closing(self) -> int:
        return self.months[-1].closing if self.months else 0


def _round(x: Decimal) -> Decimal:
    return x.quantize(PAISA, rounding=ROUND_HALF_UP)


def allocate(
    points: int, base: Decimal | None, face: Decimal, method: Method, rate: Decimal
) -> Decimal:
    """₹ allocated to `points` issued on a sale of price `base` (None: no sale)."""
    if method == "face":
        return _round(points * face)
    ssp = points * face * rate
    if base is None or base <= 0:
        return _round(ssp)
    return _round(base * ssp / (base + ssp))


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def compute(
    moves: Iterable[Move],
    months: list[str],
    face: Callable[[dt.date], Decimal],
    *,
    method: Method = "face",
    rate: Decimal = Decimal(1),
) -> Liability:
    """The roll-forward of `months` (YYYY-MM, ascending) from every entry, oldest first.

    Entries before the first month make its opening; entries after the last are ignored.
    """
    if method not in ("face", "ssp"):
        raise InvalidInput.one("--method", method, "allocation method: face or ssp")
    if not Decimal(0) < rate <= 1:
        raise InvalidInput.one("--redemption-rate", str(rate), "expected redemption rate in (0, 1]")
    out = Liability(method, rate)
    if not months:
        return out
    first, last = months[0], months[-1]
    prior = Month("prior")
    by_month = {m: Month(m) for m in months}
    face_of_last = face(dt.date(int(last[:4]), int(last[5:7]), 1))
    for mv in moves:
        key = month_of(mv.day)
        if key > last:
            continue
        m = prior if key < first else by_month.get(key)
        if m is None:
            continue
        if mv.kind in ISSUED:
            m.issued += mv.points
            m.issued_value += allocate(mv.points, mv.base, face(mv.day), method, rate)
        elif mv.kind in REDEEMED:
            m.redeemed -= mv.points
        elif mv.kind == "expire":
            m.expired -= mv.points
        else:
            m.adjusted += mv.points
    _value(prior, face_of_last if method == "face" else None)
    opening, value = prior.closing, prior.closing_value
    for key in months:
        m = by_month[key]
        m.opening, m.opening_value = opening, value
        _value(m, face(dt.date(int(key[:4]), int(key[5:7]), 1)) if method == "face" else None)
        opening, value = m.closing, m.closing_value
        out.months.append(m)
    return out


def _value(m: Month, face: Decimal | None) -> None:
    """Redeemed, breakage and adjusted ₹ at the month's carrying value per point."""
    pool = m.opening + m.issued
    if face is not None:
        a = face
    elif pool > 0:
        a = (m.opening_value + m.issued_value) / pool
    else:
        a = ZERO
    m.redeemed_value = _round(m.redeemed * a)
    m.breakage = _round(m.expired * a)
    m.adjusted_value = _round(m.adjusted * a)


def bucket(days: int) -> str:
    if days < 0:
        return "overdue"
    if days <= 30:
        return "0-30"
    if days <= 90:
        return "31-90"
    if days <= 180:
        return "91-180"
    return ">180"


def age(lots: Iterable[tuple[dt.date, int]], as_of: dt.date) -> dict[str, int]:
    """Points outstanding per bucket of days from `as_of` to each lot's expiry."""
    out = dict.fromkeys(BUCKETS, 0)
    for expires_on, remaining in lots:
        if remaining:
            out[bucket((expires_on - as_of).days)] += remaining
    return out
