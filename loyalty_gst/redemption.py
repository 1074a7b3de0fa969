"""Loyalty points → a rupee value → a discount spread over the eligible lines.

Sec. 15(3)(a) CGST Act: a discount recorded on the invoice at the time of supply
reduces the taxable value. So a redemption becomes a per-line pre-tax discount.

- value V = points × point value, half-up to the paisa;
- caps, as parameters (the program supplies them): minimum points; maximum share of
  the bill (percent of the bill in the basis's terms); never above the eligible lines;
  whole points only — the points redeemed are cut down to fit, never rounded up;
- allocation pro rata over eligible lines, largest remainder in paise (`money.split`):
  the shares sum to V exactly, none is negative, none exceeds its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from loyalty_gst.errors import InvalidInput
from loyalty_gst.money import HUNDRED, PAISA, ZERO, floor_whole, paise, split


@dataclass(frozen=True)
class Redemption:
    """What the caps allowed: points actually redeemed and their rupee value."""

    points_requested: int
    points_redeemed: int
    value: Decimal


def value_of(points: int, point_value: Decimal) -> Decimal:
    """V = points × point value, rounded half-up to the paisa."""
    return paise(Decimal(points) * point_value)


def cap(
    points: int,
    point_value: Decimal,
    *,
    bill: Decimal,
    eligible: Decimal,
    min_points: int = 0,
    max_share_percent: Decimal = HUNDRED,
) -> Redemption:
    """Cut the requested points down to what the program allows on this bill.

    `bill` is the whole bill and `eligible` the eligible lines, both in the basis's
    terms (taxable value, or tax-inclusive value). The ceiling is the smaller of
    max_share% of the bill (rounded down to the paisa) and the eligible amount; the
    points are the whole points whose value fits under it. A request below the
    program's minimum is an error; a cap that leaves fewer than the minimum redeems 0.
    """
    if points < 0:
        raise InvalidInput.one("loyalty.points", points, "points must not be negative")
    if points == 0:
        return Redemption(0, 0, ZERO)
    if points < min_points:
        raise InvalidInput.one(
            "loyalty.points", points, f"at least {min_points} points must be redeemed at once"
        )
    ceiling = min(
        (bill * max_share_percent / HUNDRED).quantize(PAISA, rounding=ROUND_DOWN), eligible
    )
    allowed = floor_whole(ceiling / point_value) if ceiling > 0 else 0
    # value_of rounds half-up: step down while rounding would overshoot the ceiling
    while allowed > 0 and value_of(allowed, point_value) > ceiling:
        allowed -= 1
    redeemed = min(points, allowed)
    if redeemed < min_points:
        redeemed = 0
    return Redemption(points, redeemed, value_of(redeemed, point_value))


def allocate(
    value: Decimal, weights: Sequence[Decimal], eligible: Sequence[bool]
) -> tuple[Decimal, ...]:
    """Spread `value` over the eligible lines pro rata to `weights` (largest remainder).

    Ineligible lines get 0. Raises if the value exceeds the eligible total (the caller
    caps first), so a share can never exceed its line.
    """
    w = [wt if ok else ZERO for wt, ok in zip(weights, eligible, strict=True)]
    if value > sum(w, ZERO):
        raise InvalidInput.one(
            "loyalty.points", value, "loyalty value exceeds the eligible lines' amount"
        )
    return split(value, w)
