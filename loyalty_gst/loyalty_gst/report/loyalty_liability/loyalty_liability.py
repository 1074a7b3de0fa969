"""Loyalty Liability: the points customers hold (unexpired lots in the site's ledger), by
the month they expire, valued at the program's point value in force today — what the
company owes in future discounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst.erpnext.settings import program_book
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.money import paise
from loyalty_gst.store import schema as s


def columns() -> list[dict[str, Any]]:
    return [
        {"fieldname": "expires", "label": "Expires (month)", "fieldtype": "Data", "width": 130},
        {"fieldname": "accounts", "label": "Accounts", "fieldtype": "Int", "width": 100},
        {"fieldname": "points", "label": "Points", "fieldtype": "Int", "width": 120},
        {"fieldname": "value", "label": "Liability ₹", "fieldtype": "Currency", "width": 140},
    ]


def buckets(lots: list[tuple[dt.date, int, int]], point_value: Decimal) -> list[dict[str, Any]]:
    """(expires_on, account_id, remaining) rows → one row per expiry month."""
    by_month: dict[str, tuple[set[int], int]] = {}
    for expires_on, account_id, remaining in lots:
        month = expires_on.strftime("%Y-%m")
        ids, points = by_month.get(month, (set(), 0))
        ids.add(account_id)
        by_month[month] = (ids, points + int(remaining))
    return [
        {
            "expires": month,
            "accounts": len(ids),
            "points": points,
            "value": paise(Decimal(points) * point_value),
        }
        for month, (ids, points) in sorted(by_month.items())
    ]


def execute(
    filters: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    today = dt.date.today()
    point_value = program_book().active(today).point_value
    lt = s.lots
    with site_store().engine.connect() as conn:
        lots = [
            (r.expires_on, r.account_id, r.remaining)
            for r in conn.execute(
                sa.select(lt.c.expires_on, lt.c.account_id, lt.c.remaining).where(
                    lt.c.remaining > 0, lt.c.expires_on >= today
                )
            )
        ]
    return columns(), buckets(lots, point_value)
