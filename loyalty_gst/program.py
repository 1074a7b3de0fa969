"""The loyalty program as data: earn rate, tiers, bonuses, campaigns, expiry, caps, limits.

A program file (JSON, TOML or YAML) holds one or more versions, each with an effective
date; the version in force on a day is the latest one effective on or before it.
Rules, all pure:

- earn = ⌊base × rate / 100 × tier × channel × campaign⌋ whole points, rounded down; the
  base is the net taxable value or the amount paid, both after loyalty (never on the
  redeemed part), over lines not excluded;
- tier = the highest tier whose threshold the rolling 12-month spend reaches;
- redemption caps (min points, max share of the bill, point value, excluded items) are
  handed to `gst.compute` through `Sale.loyalty` and `SaleLine.redeemable`;
- velocity: points redeemed per customer per day, redemptions per hour, and a threshold
  above which a named approver is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from loyalty_gst.errors import ApprovalRequired, InvalidInput, Problem, VelocityLimit
from loyalty_gst.models import Loyalty, Sale, TaxedInvoice, TaxedLine, _no_float
from loyalty_gst.money import HUNDRED, ZERO, floor_whole

Dec = Annotated[Decimal, BeforeValidator(_no_float)]
EarnBase = Literal["taxable", "paid"]
# When the points could pay the whole bill but for less than one point's value:
# "covers_rest" — one more point pays that rest (the bill ends at ₹0.00, no paise left to
# collect; the member gives up the unused part of that point); "whole_points" — only
# whole points' value is taken and the rest is paid in money.
LastPoint = Literal["covers_rest", "whole_points"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Frozen):
    name: str
    min_spend: Dec = Field(ge=0)  # rolling 12-month spend (₹, tax included) to reach it
    multiplier: Dec = Field(gt=0)


class Campaign(_Frozen):
    name: str
    start: dt.date
    end: dt.date  # inclusive
    multiplier: Dec = Field(gt=0)
    channels: tuple[str, ...] | None = None  # None: every channel

    def applies(self, day: dt.date, channel: str | None) -> bool:
        in_channel = self.channels is None or (channel or "store") in self.channels
        return self.start <= day <= self.end and in_channel


class Velocity(_Frozen):
    max_points_per_day: int = Field(gt=0)
    max_redemptions_per_hour: int = Field(gt=0)
    approval_threshold: int = Field(gt=0)  # a redemption above this many points needs approval


class Limits(_Frozen):
    """A company's bounds on one sale; beyond them a sale is refused (422 naming the
    field), however it arrives. Defaults suit a retail store."""

    max_invoice_value: Dec = Field(default=Decimal(1_000_000), gt=0)  # ₹, Σ qty × unit price
    max_qty: Dec = Field(default=Decimal(10_000), gt=0)  # per line
    max_points_per_sale: int = Field(default=100_000, gt=0)


class Program(_Frozen):
    version: str
    effective: dt.date
    point_value: Dec = Field(gt=0)  # ₹ per point
    earn_per_100: Dec = Field(ge=0)  # points per ₹100 of base
    earn_base: EarnBase = "taxable"
    tiers: tuple[Tier, ...] = Field(min_length=1)
    channel_bonus: dict[str, Dec] = Field(default_factory=dict)  # channel -> multiplier
    campaigns: tuple[Campaign, ...] = ()
    birthday_bonus: int = Field(default=0, ge=0)  # points on a purchase on the birthday
    referral_points: int = Field(default=0, ge=0)  # each side, on the referee's first purchase
    expiry_months: int = Field(gt=0)
    min_points: int = Field(default=0, ge=0)
    max_share_percent: Dec = Field(default=Decimal(100), gt=0, le=100)
    last_point: LastPoint = "covers_rest"
    excluded_hsn: tuple[str, ...] = ()  # HSN prefixes: no redemption on, no earn on
    excluded_skus: tuple[str, ...] = ()
    velocity: Velocity
    hold_minutes: int = Field(default=10, gt=0)
    offline_cap_per_day: int = Field(default=0, ge=0)  # points a terminal may redeem offline
    limits: Limits = Limits()

    @model_validator(mode="after")
    def _tiers_ordered(self) -> Program:
        spends = [t.min_spend for t in self.tiers]
        if spends != sorted(spends) or spends[0] != 0:
            raise ValueError("tiers must start at 0 and rise by min_spend")
        return self

    def is_excluded(self, sku: str, hsn: str) -> bool:
        return sku in self.excluded_skus or hsn.startswith(self.excluded_hsn or ("\0",))


def check_limits(sale: Sale, program: Program, points: int = 0) -> list[Problem]:
    """Where the sale passes the company's limits (empty: within them)."""
    lim = program.limits
    out: list[Problem] = []
    for i, ln in enumerate(sale.lines):
        if ln.qty > lim.max_qty:
            out.append(Problem(f"lines.{i}.qty", str(ln.qty), f"at most {lim.max_qty} a line"))
    value = sum((ln.qty * ln.unit_price for ln in sale.lines), ZERO)
    if value > lim.max_invoice_value:
        top = lim.max_invoice_value
        rule = f"the invoice comes to ₹{value:,.2f} before tax; the limit is ₹{top:,}"
        out.append(Problem("lines", str(value), rule))
    if points > lim.max_points_per_sale:
        out.append(Problem("points", points, f"at most {lim.max_points_per_sale} points a sale"))
    return out


class ProgramBook(_Frozen):
    """Every version of the program; one is in force on any day."""

    versions: tuple[Program, ...] = Field(min_length=1)

    def active(self, on: dt.date) -> Program:
        live = [p for p in self.versions if p.effective <= on]
        if not live:
            raise InvalidInput.one("date", on.isoformat(), "no program version in force yet")
        return max(live, key=lambda p: p.effective)


def parse(text: str, fmt: str = "json") -> ProgramBook:
    """Parse a program file; a bare program (no `versions`) is one version."""
    try:
        data = (
            json.loads(text)
            if fmt == "json"
            else tomllib.loads(text)
            if fmt == "toml"
            else yaml.safe_load(text)
        )
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidInput.one("<program>", fmt, f"not valid {fmt}: {exc}") from None
    if isinstance(data, dict) and "versions" not in data:
        data = {"versions": [data]}
    try:
        return ProgramBook.model_validate(data)
    except ValueError as exc:
        errors = getattr(exc, "errors", lambda: [])()
        raise InvalidInput(
            [Problem(".".join(str(x) for x in e["loc"]), e.get("input"), e["msg"]) for e in errors]
            or [Problem("<program>", None, str(exc))]
        ) from None


@cache
def load(path: str) -> ProgramBook:
    """A program file (the running service reads the program set up in its database)."""
    file = Path(path)
    fmt = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}.get(file.suffix, "json")
    return parse(file.read_text(encoding="utf-8"), fmt)


# --- redemption caps: handed to gst.compute, which alone computes tax ---


def apply_caps(sale: Sale, program: Program, points: int) -> Sale:
    """The sale with the program's caps: excluded lines not redeemable, loyalty filled."""
    lines = tuple(
        ln.model_copy(update={"redeemable": False})
        if ln.redeemable and program.is_excluded(ln.sku, ln.hsn)
        else ln
        for ln in sale.lines
    )
    basis = (
        sale.loyalty.basis if sale.loyalty else ("bill" if sale.prices_include_tax else "taxable")
    )
    treatment = sale.loyalty.treatment if sale.loyalty else "pre_tax_discount"
    loyalty = (
        Loyalty(
            points=points,
            point_value=program.point_value,
            basis=basis,
            treatment=treatment,
            min_points=program.min_points,
            max_share_percent=program.max_share_percent,
        )
        if points
        else None
    )
    return sale.model_copy(update={"lines": lines, "loyalty": loyalty})


# --- earning ---


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def tier_for(spend_12m: Decimal, tiers: Sequence[Tier]) -> Tier:
    """The highest tier whose threshold the rolling 12-month spend reaches."""
    reached = [t for t in tiers if spend_12m >= t.min_spend]
    return reached[-1] if reached else tiers[0]


def line_base(line: TaxedLine, program: Program, *, tender: bool) -> Decimal:
    """One line's earn base after loyalty: taxable value, or what the customer paid."""
    if program.is_excluded(line.sku, line.hsn):
        return ZERO
    if program.earn_base == "taxable":
        return line.taxable_value
    # amount paid: the line total, less the points' share when points were a tender
    return line.total - (line.loyalty_value if tender else ZERO)


def earn_base(invoice: TaxedInvoice, program: Program) -> Decimal:
    tender = invoice.loyalty.treatment == "tender"
    return sum((line_base(ln, program, tender=tender) for ln in invoice.lines), ZERO)


def multiplier(program: Program, tier: Tier, day: dt.date, channel: str | None) -> Decimal:
    """tier × channel bonus × every campaign running that day on that channel."""
    m = tier.multiplier * program.channel_bonus.get(channel or "store", Decimal(1))
    for c in program.campaigns:
        if c.applies(day, channel):
            m *= c.multiplier
    return m


def earn_points(base: Decimal, program: Program, mult: Decimal) -> int:
    """⌊base × rate / 100 × multiplier⌋: whole points, rounded down."""
    if base <= 0:
        return 0
    return floor_whole(base * program.earn_per_100 / HUNDRED * mult)


def is_birthday(day: dt.date, birthday: dt.date | None) -> bool:
    if birthday is None:
        return False
    if (birthday.month, birthday.day) == (2, 29):  # celebrated on 28 Feb in common years
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        return (day.month, day.day) == ((2, 29) if leap else (2, 28))
    return (day.month, day.day) == (birthday.month, birthday.day)


# --- velocity and approval ---


def check_velocity(
    program: Program,
    *,
    points: int,
    points_today: int,
    redemptions_last_hour: int,
    approver: str | None,
) -> None:
    """Refuse a redemption the program's limits do not allow (raises; pure)."""
    v = program.velocity
    if points_today + points > v.max_points_per_day:
        raise VelocityLimit(
            f"velocity limit: {points_today} points already redeemed today, {points} more would "
            f"pass the daily limit of {v.max_points_per_day}"
        )
    if redemptions_last_hour >= v.max_redemptions_per_hour:
        raise VelocityLimit(
            f"velocity limit: {redemptions_last_hour} redemptions in the last hour "
            f"(limit {v.max_redemptions_per_hour})"
        )
    if points > v.approval_threshold and not (approver and approver.strip()):
        raise ApprovalRequired(
            f"approval required: {points} points is above the threshold of "
            f"{v.approval_threshold}; name an approver"
        )
