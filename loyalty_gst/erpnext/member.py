"""Who the invoice's member is: the loyalty account's key (a mobile number)."""

from __future__ import annotations

from typing import Any


def member_mobile(doc: Any) -> str | None:
    """The loyalty account's key: the invoice's, else the Customer's loyalty / mobile no."""
    import frappe

    if doc.get("lgst_mobile"):
        return str(doc.lgst_mobile).strip()
    if doc.get("customer"):
        row = frappe.db.get_value(
            "Customer", doc.customer, ["lgst_mobile", "mobile_no"], as_dict=True
        )
        if row and (row.lgst_mobile or row.mobile_no):
            return str(row.lgst_mobile or row.mobile_no).strip()
    return None
