"""Every field this app adds to ERPNext, defined in code and prefixed `lgst_`.

Rule: never reuse ERPNext's `loyalty_*` fields (its redemption is a tender after tax)
nor India Compliance's GST fields (`company_gstin`, `place_of_supply`, `gst_category`,
`gst_hsn_code`, `taxable_value`, `*_rate` / `*_amount`): those are read when present.
The definitions are plain data (tested without a bench); `create()` hands them to
frappe's `create_custom_fields`, which creates or updates them, so it runs on every
install and migrate.
"""

from __future__ import annotations

from typing import Any

PREFIX = "lgst_"
INVOICE_DOCTYPES = ("Sales Invoice", "POS Invoice")

# Fields the before_validate / validate hooks own; a desk user only types the first two.
_INVOICE: tuple[dict[str, Any], ...] = (
    {
        "fieldname": "lgst_section",
        "fieldtype": "Section Break",
        "label": "Loyalty Redemption (pre-tax discount)",
        "insert_after": "discount_amount",
        "collapsible": 0,
    },
    {
        # Data, not Int: frappe's Int control turns 150.5 into 150 and "abc" into 0 before
        # any script sees them; as text the hooks refuse both with a message
        "fieldname": "lgst_points_to_redeem",
        "fieldtype": "Data",
        "label": "Points to Redeem",
        "insert_after": "lgst_section",
        "description": "Whole points. Applied before tax as part of the additional discount "
        "(Sec. 15(3)(a)).",
    },
    {
        "fieldname": "lgst_mobile",
        "fieldtype": "Data",
        "label": "Loyalty Mobile",
        "insert_after": "lgst_points_to_redeem",
        "description": "Member's mobile number; defaults to the Customer's.",
    },
    {
        # the member's presence as checked at the till (OTP or app code): a single-use
        # grant's id, spent at submit (Loyalty GST Settings: require_presence)
        "fieldname": "lgst_presence",
        "fieldtype": "Data",
        "label": "Member Presence",
        "insert_after": "lgst_mobile",
        "hidden": 1,
        "read_only": 1,
        "no_copy": 1,
        "print_hide": 1,
    },
    {
        "fieldname": "lgst_col",
        "fieldtype": "Column Break",
        "insert_after": "lgst_presence",
    },
    {
        "fieldname": "lgst_points_redeemed",
        "fieldtype": "Int",
        "label": "Points Redeemed",
        "insert_after": "lgst_col",
        "read_only": 1,
    },
    {
        "fieldname": "lgst_point_value",
        "fieldtype": "Currency",
        "label": "Point Value",
        "insert_after": "lgst_points_redeemed",
        "read_only": 1,
        "precision": "4",
        "options": "currency",  # the invoice's currency (the desk showed "$ 1.00" without)
    },
    {
        "fieldname": "lgst_loyalty_amount",
        "fieldtype": "Currency",
        "label": "Loyalty Discount",
        "insert_after": "lgst_point_value",
        "read_only": 1,
        "options": "currency",
    },
    {
        "fieldname": "lgst_manual_discount",
        "fieldtype": "Currency",
        "label": "Other Additional Discount",
        "insert_after": "lgst_loyalty_amount",
        "read_only": 1,
        "options": "currency",
    },
    {
        "fieldname": "lgst_col2",
        "fieldtype": "Column Break",
        "insert_after": "lgst_manual_discount",
    },
    {
        "fieldname": "lgst_treatment",
        "fieldtype": "Data",
        "label": "Loyalty Treatment",
        "insert_after": "lgst_col2",
        "read_only": 1,
    },
    {
        "fieldname": "lgst_taxable_before_loyalty",
        "fieldtype": "Currency",
        "label": "Taxable Value before Loyalty",
        "insert_after": "lgst_treatment",
        "read_only": 1,
        "no_copy": 1,
        "options": "currency",
    },
    {
        "fieldname": "lgst_gst_foregone",
        "fieldtype": "Currency",
        "label": "GST Foregone on Loyalty",
        "insert_after": "lgst_taxable_before_loyalty",
        "read_only": 1,
        "no_copy": 1,
        "options": "currency",
    },
    {
        "fieldname": "lgst_points_earned",
        "fieldtype": "Int",
        "label": "Points Earned",
        "insert_after": "lgst_gst_foregone",
        "read_only": 1,
        "no_copy": 1,
        "allow_on_submit": 1,
    },
)

_CUSTOMER: tuple[dict[str, Any], ...] = (
    {
        "fieldname": "lgst_mobile",
        "fieldtype": "Data",
        "label": "Loyalty Mobile",
        "insert_after": "mobile_no",
        "description": "The loyalty account's key (E.164 or 10 digits); else Mobile No is used.",
    },
)

_COMPANY: tuple[dict[str, Any], ...] = (
    {
        "fieldname": "lgst_redemption_treatment",
        "fieldtype": "Select",
        "label": "Loyalty Redemption Treatment",
        "options": "Pre-tax discount\nTender",
        "default": "Pre-tax discount",
        "insert_after": "tax_id",
        "description": "As signed off by the company's CA: a pre-tax discount lowers GST; "
        "a tender pays part of the bill after tax.",
    },
    {
        "fieldname": "lgst_redemption_basis",
        "fieldtype": "Select",
        "label": "Loyalty Redemption Basis",
        "options": "Taxable\nBill",
        "default": "Taxable",
        "insert_after": "lgst_redemption_treatment",
        "description": "Taxable: the value comes off the Net Total; Bill: off the Grand Total.",
    },
)


# Only on a site without India Compliance (which has Item.gst_hsn_code): every e-invoice,
# GSTR-1 and Tally line needs an HSN/SAC, and ERPNext alone has no field for it.
_ITEM_HSN: tuple[dict[str, Any], ...] = (
    {
        "fieldname": "lgst_hsn_code",
        "fieldtype": "Data",
        "label": "HSN/SAC",
        "insert_after": "stock_uom",
        "description": "GST HSN (goods) or SAC (services) code: 4, 6 or 8 digits.",
    },
)


def definitions(india_compliance: bool = True) -> dict[str, list[dict[str, Any]]]:
    """DocType → its custom fields, in the shape `create_custom_fields` takes.
    `india_compliance`: whether that app is installed (it then owns the HSN field)."""
    out: dict[str, list[dict[str, Any]]] = {
        dt: [dict(f) for f in _INVOICE] for dt in INVOICE_DOCTYPES
    }
    out["Customer"] = [dict(f) for f in _CUSTOMER]
    out["Company"] = [dict(f) for f in _COMPANY]
    if not india_compliance:
        out["Item"] = [dict(f) for f in _ITEM_HSN]
    return out


def create() -> None:
    """Create or update every field (idempotent: safe on each migrate)."""
    import frappe
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    with_ic = "india_compliance" in frappe.get_installed_apps()
    create_custom_fields(definitions(with_ic), ignore_validate=True, update=True)
