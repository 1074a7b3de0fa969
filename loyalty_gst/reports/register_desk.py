"""The register's row as the ERPNext Script Report shows it: the same `RegisterRow`
(register_row.py) in the desk's field names, amounts as Decimal rupees. Pure — the
Script Report (the frappe glue) adds only what the desk knows: the voucher type and the
customer's masked name."""

from __future__ import annotations

from typing import Any

from loyalty_gst.reports.columns import money
from loyalty_gst.reports.register_row import RegisterRow

MONEY = ("loyalty_value", "loyalty_discount", "taxable_before", "taxable_after", "cgst", "sgst",
         "igst", "gst_foregone", "gst_reversed")  # fmt: skip


def desk_row(r: RegisterRow) -> dict[str, Any]:
    row: dict[str, Any] = {
        "posting_date": r.date,
        "invoice": r.number,
        "kind": r.kind,
        "gstin": r.gstin,
        "store": r.store,
        "mobile": r.member or "-",
        "points": r.points,
        "point_value": r.point_value,
        "points_restored": r.points_restored,
        "against": r.against or None,
    }
    for name in MONEY:
        row[name] = money(getattr(r, name))
    return row
