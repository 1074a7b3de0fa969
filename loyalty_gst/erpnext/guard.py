"""No discount without its points: the checks the invoice hooks make before a loyalty
discount may stand. Pure: no frappe (the hooks translate the errors into frappe.throw).

- `parse_points`: what the desk typed is a whole, non-negative number of points;
- `zero_reason`: why a redemption came to ₹0 (excluded items, the program's caps);
- `check_debit`: after the ledger posting, the discount on the invoice is exactly the
  points the ledger debited × the point value — otherwise the submit is refused and
  frappe rolls back the invoice and the ledger together.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.money import paise

FIELD = "lgst_points_to_redeem"


class NoDiscountWithoutPoints(LoyaltyGstError):
    """A loyalty discount that the ledger did not (or could not) debit."""

    code = "no_discount_without_points"


class PointsInput(LoyaltyGstError):
    """Points to Redeem is not a whole number of points."""

    code = "points_input"


def parse_points(value: Any) -> int:
    """Whole points from the form / API: 150, "150", 150.0 → 150; 150.5, "abc", -3 refused."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise PointsInput(f"Points to Redeem must be a whole number of points, not {value!r}")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        shown = str(value)[:20]
        raise PointsInput(
            f"Points to Redeem must be a whole number of points: {shown!r} is not a number"
        )
    if number != number.to_integral_value():
        raise PointsInput(
            f"Points to Redeem must be a whole number of points: {value} has a fraction "
            "(points are redeemed whole)"
        )
    if number < 0:
        raise PointsInput(f"Points to Redeem cannot be negative ({value})")
    return int(number)


def zero_reason(
    *,
    points: int,
    excluded: Sequence[str],
    all_excluded: bool,
    min_points: int,
    max_share_percent: Decimal,
    point_value: Decimal,
    ceiling: Decimal,
) -> str:
    """Why `points` redeemed nothing on this bill, in the cashier's words."""
    if all_excluded:
        return (
            f"{points} points redeem ₹0 on this bill: every item is excluded from "
            f"redemption ({', '.join(excluded)}). Clear Points to Redeem to submit."
        )
    parts = []
    if excluded:
        parts.append(f"items excluded from redemption: {', '.join(excluded)}")
    parts.append(
        f"the program allows at most {max_share_percent}% of the bill (₹{ceiling}) at "
        f"₹{point_value} a point, and at least {min_points} points at once"
    )
    return (
        f"{points} points redeem ₹0 on this bill: {'; '.join(parts)}. "
        "Clear Points to Redeem to submit."
    )


def check_debit(
    *,
    invoice: str,
    loyalty_amount: Decimal,
    points: int,
    point_value: Decimal,
    debited: int,
) -> None:
    """The invoice's loyalty discount must be the ledger's debit × the point value (the
    last point paying only the rest of a bill: more than (points − 1) × value)."""
    if not loyalty_amount and not debited:
        return
    full = paise(Decimal(points) * point_value)
    # the program's last point may pay less than its value (the rest of the bill)
    last = points > 0 and full - point_value < paise(loyalty_amount) <= full
    if debited != points or not (full == paise(loyalty_amount) or last):
        raise NoDiscountWithoutPoints(
            f"{invoice}: a loyalty discount of ₹{paise(loyalty_amount)} for {points} points, "
            f"but the ledger debited {debited} points (₹{paise(Decimal(debited) * point_value)}); "
            "the invoice is not submitted"
        )


def refuse(invoice: str, why: str) -> NoDiscountWithoutPoints:
    return NoDiscountWithoutPoints(
        f"{invoice}: no loyalty discount can be given — {why}. Clear Points to Redeem to go on "
        "without it."
    )
