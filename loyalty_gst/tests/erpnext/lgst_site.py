"""Test records for the bench tests: an Indian company (intra-state CGST/SGST accounts,
item tax templates 5 % and 18 %), non-stock items, a program at ₹1 a point, members
with opening balances, a POS profile with an open POS session. Created inside the
test class's transaction (FrappeTestCase rolls it back)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

import frappe

from loyalty_gst import service
from loyalty_gst.erpnext import settings
from loyalty_gst.erpnext.store_bridge import site_store

COMPANY = "_LGST India Retail"
ABBR = "_LGI"
GSTIN = "07AABCL4321K1ZN"  # Delhi, valid check character (fixtures/)
PROGRAM = {
    "version": "test-1",
    "effective": "2024-04-01",
    "point_value": "1",
    "earn_per_100": "4",
    "earn_base": "taxable",
    "tiers": [{"name": "Silver", "min_spend": "0", "multiplier": "1"}],
    "expiry_months": 12,
    "min_points": 100,
    "max_share_percent": "50",
    "excluded_skus": ["_LGST-GOLD"],
    "offline_cap_per_day": 500,
    "velocity": {
        "max_points_per_day": 20000,
        "max_redemptions_per_hour": 10,
        "approval_threshold": 5000,
    },
}


HSN = {"_LGST-SHIRT": "61091000", "_LGST-BELT": "42033000", "_LGST-GOLD": "71131910"}


def has_field(doctype: str, fieldname: str) -> bool:
    """India Compliance adds fields (Item Tax Template's mandatory gst_rate, Item's
    gst_hsn_code); the fixtures fill them only where the site has them."""
    return bool(frappe.get_meta(doctype).has_field(fieldname))


def hsn_field() -> str:
    """India Compliance's HSN field on Item, else this app's (a site with erpnext alone)."""
    return "gst_hsn_code" if has_field("Item", "gst_hsn_code") else "lgst_hsn_code"


def ensure_hsn(code: str) -> None:
    if frappe.db.exists("DocType", "GST HSN Code") and not frappe.db.exists("GST HSN Code", code):
        frappe.get_doc(
            {"doctype": "GST HSN Code", "hsn_code": code, "description": f"_LGST {code}"}
        ).insert(ignore_permissions=True)


def account(name: str) -> str:
    return f"{name} - {ABBR}"


def ensure_company() -> None:
    if not frappe.db.exists("Company", COMPANY):
        frappe.get_doc(
            {
                "doctype": "Company",
                "company_name": COMPANY,
                "abbr": ABBR,
                "default_currency": "INR",
                "country": "India",
                "chart_of_accounts": "Standard",
                "tax_id": GSTIN,
                "lgst_redemption_treatment": "Pre-tax discount",
                "lgst_redemption_basis": "Taxable",
            }
        ).insert()
    for head in ("CGST", "SGST"):
        if not frappe.db.exists("Account", account(head)):
            frappe.get_doc(
                {
                    "doctype": "Account",
                    "account_name": head,
                    "parent_account": account("Duties and Taxes"),
                    "company": COMPANY,
                    "account_type": "Tax",
                    "root_type": "Liability",
                }
            ).insert()
    for rate in (5, 18):
        name = f"_LGST GST {rate}% - {ABBR}"
        if not frappe.db.exists("Item Tax Template", name):
            half = rate / 2
            ttemplate = {
                "doctype": "Item Tax Template",
                "title": f"_LGST GST {rate}%",
                "company": COMPANY,
                "taxes": [
                    {"tax_type": account("CGST"), "tax_rate": half},
                    {"tax_type": account("SGST"), "tax_rate": half},
                ],
            }
            if has_field("Item Tax Template", "gst_rate"):
                ttemplate.update(gst_treatment="Taxable", gst_rate=rate)
            frappe.get_doc(ttemplate).insert()
    for code, rate in (("_LGST-SHIRT", 5), ("_LGST-BELT", 18), ("_LGST-GOLD", 5)):
        if not frappe.db.exists("Item", code):
            ensure_hsn(HSN[code])
            frappe.get_doc(
                {
                    "doctype": "Item",
                    "item_code": code,
                    "item_name": code.replace("_LGST-", "").title(),
                    "item_group": "All Item Groups",
                    "stock_uom": "Nos",
                    "is_stock_item": 0,
                    hsn_field(): HSN[code],
                    "taxes": [{"item_tax_template": template(rate)}],
                }
            ).insert()
    settings = frappe.get_single("Loyalty GST Settings")
    settings.program_format = "JSON"
    settings.program = json.dumps(PROGRAM)
    settings.save()


def template(rate: int) -> str:
    return f"_LGST GST {rate}% - {ABBR}"


def member(points: int) -> tuple[str, str]:
    """A customer with a fresh mobile number and `points` on the ledger: (customer, mobile)."""
    mobile = f"+9198{secrets.randbelow(100_000_000):08d}"  # not seeded by hypothesis
    name = (
        frappe.get_doc(
            {
                "doctype": "Customer",
                "customer_name": f"_LGST Ravi Kumar {mobile[-4:]}",
                "customer_type": "Individual",
                "lgst_mobile": mobile,
            }
        )
        .insert()
        .name
    )
    if points:
        service.migrate_opening(
            site_store(),
            phone=mobile,
            lots=[(points, dt.date.today() + dt.timedelta(days=300))],
            key=f"opening:{mobile}",
            program=settings.program_book(),
        )
    return name, mobile


def lines(*rows: tuple[str, float, float, int]) -> list[dict[str, Any]]:
    return [
        {
            "item_code": code,
            "qty": qty,
            "rate": rate,
            "item_tax_template": template(tax),
            "income_account": account("Sales"),
            "cost_center": account("Main"),
        }
        for code, qty, rate, tax in rows
    ]


def gst_rows() -> list[dict[str, Any]]:
    return [
        {
            "charge_type": "On Net Total",
            "account_head": account(head),
            "description": head,
            "rate": 0,
            "cost_center": account("Main"),
        }
        for head in ("CGST", "SGST")
    ]


def sales_invoice(customer: str, items: list[dict[str, Any]], points: int = 0) -> Any:
    return frappe.get_doc(
        {
            "doctype": "Sales Invoice",
            "company": COMPANY,
            "customer": customer,
            "currency": "INR",
            "selling_price_list": "Standard Selling",
            "debit_to": account("Debtors"),
            "items": items,
            "taxes": gst_rows(),
            "lgst_points_to_redeem": points,
        }
    )


def ensure_pos() -> str:
    profile = "_LGST Store Delhi"
    if not frappe.db.exists("POS Profile", profile):
        mop = frappe.get_doc("Mode of Payment", "Cash")
        if not any(a.company == COMPANY for a in mop.accounts):
            mop.append("accounts", {"company": COMPANY, "default_account": account("Cash")})
            mop.save()
        frappe.get_doc(
            {
                "doctype": "POS Profile",
                "name": profile,
                "company": COMPANY,
                "currency": "INR",
                "warehouse": account("Stores"),
                "cost_center": account("Main"),
                "write_off_account": account("Write Off"),
                "write_off_cost_center": account("Main"),
                "selling_price_list": "Standard Selling",
                "payments": [{"mode_of_payment": "Cash", "default": 1}],
            }
        ).insert()
    if not frappe.db.exists(
        "POS Opening Entry", {"pos_profile": profile, "status": "Open", "docstatus": 1}
    ):
        frappe.get_doc(
            {
                "doctype": "POS Opening Entry",
                "period_start_date": frappe.utils.now_datetime(),
                "posting_date": frappe.utils.nowdate(),
                "company": COMPANY,
                "pos_profile": profile,
                "user": frappe.session.user,
                "balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
            }
        ).submit()
    return profile


def pos_invoice(customer: str, items: list[dict[str, Any]], profile: str) -> Any:
    doc = frappe.get_doc(
        {
            "doctype": "POS Invoice",
            "company": COMPANY,
            "customer": customer,
            "pos_profile": profile,
            "is_pos": 1,
            "currency": "INR",
            "selling_price_list": "Standard Selling",
            "debit_to": account("Debtors"),
            "items": items,
            "taxes": gst_rows(),
        }
    )
    doc.set_missing_values()
    return doc
