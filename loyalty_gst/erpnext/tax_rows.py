"""ERPNext's tax table read as GST heads and charges outside GST. Pure: no frappe.

A tax row is a GST head (India Compliance's `gst_tax_type`, else the account's name:
CGST / SGST / IGST / Cess, never an RCM account), or an "Actual" charge outside GST
(freight, packing: INV-01 OthChrg, part of the invoice value). Any other row (a TCS, a
percentage charge) is refused here, naming the row, rather than failing later far from
its cause.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from loyalty_gst.errors import InvalidInput
from loyalty_gst.money import ZERO, paise

HEADS = ("cgst", "sgst", "igst", "cess")


def dec(value: Any) -> Decimal:
    """ERPNext hands numbers as Python floats: take their shortest repr, never the binary."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value))


def head_of(row: Mapping[str, Any]) -> str | None:
    kind = (row.get("gst_tax_type") or "").lower()
    if kind in HEADS:
        return kind
    account = str(row.get("account_head") or "").upper()
    for head in ("CGST", "SGST", "IGST", "CESS"):
        if head in account and "RCM" not in account:
            return head.lower()
    return None


def _label(row: Mapping[str, Any]) -> str:
    return str(row.get("description") or row.get("account_head") or "charge").strip()


def charges_of(taxes: Sequence[Mapping[str, Any]], sign: Decimal) -> list[tuple[str, Decimal]]:
    """(description, amount) of every "Actual" row outside GST; other non-GST rows refused."""
    out = []
    for i, row in enumerate(taxes, start=1):
        if head_of(row) is not None:
            continue
        label = _label(row)
        if row.get("charge_type") != "Actual":
            raise InvalidInput.one(
                f"taxes[{row.get('idx') or i}]",
                label,
                f"tax row {row.get('idx') or i} ({label}, {row.get('charge_type')}) is neither "
                "a GST head (CGST/SGST/IGST/Cess) nor an 'Actual' charge outside GST",
            )
        amount = paise(sign * dec(row.get("base_tax_amount_after_discount_amount")))
        if amount:
            out.append((label[:100], amount + ZERO))
    return out


def item_head_rates(
    item: Mapping[str, Any], taxes: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal]:
    """Each head's rate on one item: India Compliance's `cgst_rate`… when present, else
    ERPNext's own rule — the item's `item_tax_rate` (account → rate, from its Item Tax
    Template) overrides the tax row's `rate` for that row's account."""
    own = {h: dec(item.get(f"{h}_rate")) for h in HEADS}
    if any(own.values()):
        return own
    raw = item.get("item_tax_rate") or {}
    by_account = json.loads(raw) if isinstance(raw, str) else dict(raw)
    out = dict.fromkeys(HEADS, ZERO)
    for row in taxes:
        head = head_of(row)
        if head and row.get("charge_type", "On Net Total") == "On Net Total":
            account = row.get("account_head")
            out[head] += dec(by_account[account] if account in by_account else row.get("rate"))
    return out
