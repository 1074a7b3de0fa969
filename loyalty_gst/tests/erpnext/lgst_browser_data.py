"""Committed records for the desk browser check (tests/erpnext_browser): the test company,
items with prices (the Point of Sale page bills at the price list's rate), a POS profile
with an open session for Administrator, and a member with points. A browser talks to the
site over HTTP, so unlike the bench tests these records are committed — on a test site.

    bench --site SITE execute loyalty_gst.tests.erpnext.lgst_browser_data.prepare \\
        --kwargs '{"points": 1000, "presence": 0}'
"""

from __future__ import annotations

import json

import frappe

from loyalty_gst.tests.erpnext import lgst_site as site

PRICES = {"_LGST-SHIRT": 1000, "_LGST-BELT": 1000}


def prepare(points: int = 1000, presence: int = 0) -> str:
    """JSON: the company, a fresh member (customer, mobile) and the POS profile."""
    site.ensure_company()
    for code, rate in PRICES.items():
        priced = {"item_code": code, "price_list": "Standard Selling"}
        if not frappe.db.exists("Item Price", priced):
            frappe.get_doc(
                {"doctype": "Item Price", "item_code": code, "price_list": "Standard Selling",
                 "price_list_rate": rate}
            ).insert()  # fmt: skip
    profile = site.ensure_pos()
    # the POS page's taxes: the profile's template, CGST + SGST on the item tax rates
    name = f"_LGST GST - {site.ABBR}"
    if not frappe.db.exists("Sales Taxes and Charges Template", name):
        frappe.get_doc(
            {"doctype": "Sales Taxes and Charges Template", "title": "_LGST GST",
             "company": site.COMPANY, "taxes": site.gst_rows()}
        ).insert()  # fmt: skip
    frappe.db.set_value("POS Profile", profile, "taxes_and_charges", name)
    settings = frappe.get_single("Loyalty GST Settings")
    settings.require_presence = int(presence)
    settings.save()
    customer, mobile = site.member(int(points))
    code = _app_code(mobile) if presence else None
    frappe.db.commit()
    return json.dumps(
        {"company": site.COMPANY, "customer": customer, "mobile": mobile, "profile": profile,
         "taxes": name, "app_code": code}
    )  # fmt: skip


def _app_code(mobile: str) -> str:
    """The code the member's app would show (signed with the site's presence key)."""
    import time

    from loyalty_gst import identity
    from loyalty_gst.api import presence as proofs
    from loyalty_gst.erpnext.store_bridge import site_store

    with site_store().engine.connect() as conn:
        account = identity.resolve(conn, phone=mobile).id
    key = proofs.signing_key(site_store())
    return proofs.app_code(key, account_id=account, phone=mobile, now=time.time())[0]
