"""Sales, programs and opening balances for the ledger tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from loyalty_gst import program as pg
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import Loyalty, Sale, SaleLine, Seller

SELLER = Seller(
    gstin="27AABCL4321K1ZL",
    legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
    address="14 Linking Road",
    city="Mumbai",
    pincode="400050",
)
PHONE = "+919876543210"
PHONE2 = "+919812345678"
DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 6, 0, tzinfo=dt.UTC)  # 11:30 IST


def line(sku: str = "SHIRT", hsn: str = "6105", qty: str = "2", price: str = "1000",
         rate: str = "5") -> SaleLine:  # fmt: skip
    return SaleLine(
        sku=sku, hsn=hsn, qty=Decimal(qty), unit="PCS", unit_price=Decimal(price),
        gst_rate=Decimal(rate),
    )  # fmt: skip


def worked_lines() -> tuple[SaleLine, ...]:
    """2 shirts @ ₹1000, 5% + a belt @ ₹1000, 18%: taxable 3000."""
    return (line(), line("BELT", "4203", "1", "1000", "18"))


def sale(number: str = "INV/0001", *, points: int = 0, phone: str | None = PHONE,
         day: dt.date = DAY, lines: tuple[SaleLine, ...] | None = None,
         channel: str = "store") -> Sale:  # fmt: skip
    return Sale(
        number=number,
        date=day,
        seller=SELLER,
        lines=lines or worked_lines(),
        loyalty=Loyalty(points=points, point_value=Decimal("0.25")) if points else None,
        store="MUM-BAN",
        channel=channel,
        customer=phone,
    )


def book(**over: Any) -> pg.ProgramBook:
    """The sample program with overrides (velocity given as a dict of its fields)."""
    base = demo_company.load().book.versions[0]
    if "velocity" in over:
        over["velocity"] = base.velocity.model_copy(update=over["velocity"])
    return pg.ProgramBook(versions=(base.model_copy(update=over),))


RELAXED = {
    "max_points_per_day": 10**9,
    "max_redemptions_per_hour": 10**6,
    "approval_threshold": 10**9,
}
