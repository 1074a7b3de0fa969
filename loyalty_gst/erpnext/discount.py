"""Points → ERPNext's additional discount (Sec. 15(3)(a): a discount recorded on the
invoice before tax lowers the taxable value). Pure: no frappe.

ERPNext has one additional discount per invoice. The loyalty value V rides on it:
`discount_amount` = the desk's own (manual) discount + V, `apply_discount_on` "Net Total"
for basis `taxable` or "Grand Total" for basis `bill`, never as a cash / non-trade
discount (that one is taken off after tax). ERPNext then spreads it over the items pro
rata to their net amount and computes its own taxes on what is left.

Excluded items (program `excluded_hsn` / `excluded_skus`): V is capped by the eligible
lines (and by the program's max share of the bill and min points) — ERPNext's spread is
over every line, so an excluded line may carry part of V as its discount, but the value
redeemed never exceeds what eligible lines could absorb and no point is earned on
excluded lines. Treatment `tender` leaves the discount alone: V is recorded and paid as
a tender after tax.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from loyalty_gst import program as pg
from loyalty_gst import redemption
from loyalty_gst.errors import InsufficientPoints, InvalidInput
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import ZERO, paise

Basis = Literal["taxable", "bill"]
Treatment = Literal["pre_tax_discount", "tender"]
APPLY_ON: dict[str, str] = {"taxable": "Net Total", "bill": "Grand Total"}
TREATMENTS: dict[str, Treatment] = {"Pre-tax discount": "pre_tax_discount", "Tender": "tender"}
BASES: dict[str, Basis] = {"Taxable": "taxable", "Bill": "bill"}


@dataclass(frozen=True)
class Plan:
    """What the hook writes back on the invoice."""

    points_requested: int
    points: int  # whole points redeemed after the program's caps
    point_value: Decimal
    value: Decimal  # V = points × point value, paise
    manual: Decimal  # the desk's own additional discount, kept
    discount_amount: Decimal  # ERPNext's additional discount: manual + V (pre-tax) or manual
    apply_discount_on: str | None  # None: leave the invoice's choice alone
    treatment: Treatment


def manual_part(discount_amount: Decimal, prior_manual: Decimal, prior_loyalty: Decimal) -> Decimal:
    """The desk's own discount inside `discount_amount`.

    If the field still holds what the hook wrote last time (manual + loyalty), the
    manual part is what it was; any other value was typed by the user and is all manual.
    """
    if prior_loyalty and discount_amount == prior_manual + prior_loyalty:
        return prior_manual
    return discount_amount


def eligible_share(
    nets: Iterable[tuple[str, str, Decimal]], program: pg.Program
) -> tuple[Decimal, Decimal]:
    """(Σ net, Σ net of lines the program lets points pay for) over (sku, hsn, net) rows."""
    total = eligible = ZERO
    for sku, hsn, net in nets:
        total += net
        if not program.is_excluded(sku, hsn):
            eligible += net
    return total, eligible


def plan(
    *,
    points: int,
    available: int,
    program: pg.Program,
    basis: Basis,
    treatment: Treatment,
    manual: Decimal,
    bill: Decimal,
    eligible: Decimal,
) -> Plan:
    """Cap the request, check it against the balance, and lay out the discount fields.

    `bill` and `eligible` are in the basis's terms (net total, or grand total) after
    the manual discount. Asking for more points than the customer has is refused
    (InsufficientPoints); asking for more than the caps allow redeems what they allow.
    """
    if points < 0:
        raise InvalidInput.one("lgst_points_to_redeem", points, "points must not be negative")
    if points > available:
        raise InsufficientPoints(points, available)
    r = redemption.cap(
        points,
        program.point_value,
        bill=bill,
        eligible=eligible,
        min_points=program.min_points,
        max_share_percent=program.max_share_percent,
    )
    redeemed, value = last_point(
        r.points_redeemed, r.value, points=points, available=available, program=program,
        bill=paise(bill), eligible=paise(eligible),
    )  # fmt: skip
    pre_tax = treatment == "pre_tax_discount"
    return Plan(
        points_requested=points,
        points=redeemed,
        point_value=program.point_value,
        value=value,
        manual=paise(manual),
        discount_amount=paise(manual + (value if pre_tax else ZERO)),
        apply_discount_on=APPLY_ON[basis] if pre_tax and value else None,
        treatment=treatment,
    )


def last_point(
    redeemed: int,
    value: Decimal,
    *,
    points: int,
    available: int,
    program: pg.Program,
    bill: Decimal,
    eligible: Decimal,
) -> tuple[int, Decimal]:
    """The program's rule for the last fraction of a point (`last_point`): with
    "covers_rest", when the whole bill may be paid in points and the whole points leave
    less than one point's value to pay, one more point (if asked for and held) pays that
    rest — the bill ends at ₹0.00, never with paise to collect."""
    rest = bill - value
    whole_bill = program.max_share_percent == 100 and eligible == bill
    if (
        program.last_point == "covers_rest"
        and whole_bill
        and ZERO < rest < program.point_value
        and redeemed + 1 <= min(points, available)
        and redeemed + 1 >= program.min_points
    ):
        return redeemed + 1, bill
    return redeemed, value


def foregone(invoice: TaxedInvoice) -> Decimal:
    """GST the loyalty discount took off: Σ per line rate × the line's loyalty share
    (the adapter's `gst_foregone`, rounded per line)."""
    return sum((ln.gst_foregone for ln in invoice.lines), ZERO)


def mask_name(name: str | None) -> str:
    """A customer's name for a register an auditor reads: initials only ("R*** K***")."""
    words = [w for w in (name or "").split() if w]
    return " ".join(w[0] + "***" for w in words) or "-"
