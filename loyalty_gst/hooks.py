"""Frappe app hooks. Dotted paths only: this module must import without frappe.

The ERPNext glue lives in `loyalty_gst.erpnext`; everything else runs without a bench.
"""

app_name = "loyalty_gst"
app_title = "Loyalty GST"
app_publisher = "loyalty-gst engineers"
app_description = (
    "One loyalty ledger across stores, web and app; redemptions as pre-tax GST discounts"
)
app_email = "engineering@loyalty-gst.invalid"
app_license = "MIT"
# "org/repo" form: Frappe resolves a bare app name through GitHub's API when installing,
# which fails offline; this form names the same app (erpnext) without a network call.
required_apps = ["frappe/erpnext"]

# --- the ERPNext glue (loyalty_gst/erpnext): doc_events only, never override_doctype_class
# (the last app's override wins, and India Compliance overrides Sales Invoice too) ---
after_install = "loyalty_gst.erpnext.install.after_install"
# frappe's test runner runs only the tested app's before_tests: complete ERPNext's setup
# (company defaults, warehouse types …) on a fresh site before the site tests
before_tests = "erpnext.setup.utils.before_tests"
after_migrate = "loyalty_gst.erpnext.install.after_migrate"

_INVOICE_EVENTS = ("before_validate", "validate", "before_submit", "on_cancel")
doc_events = {
    "Sales Invoice": {e: f"loyalty_gst.erpnext.sales_invoice.{e}" for e in _INVOICE_EVENTS},
    "POS Invoice": {e: f"loyalty_gst.erpnext.pos_invoice.{e}" for e in _INVOICE_EVENTS},
}

# the print formats "Loyalty GST Invoice" / "Loyalty GST POS Invoice" call this method
jinja = {"methods": ["loyalty_gst.erpnext.printing.loyalty_gst_document"]}
# the desk: balance on customer pick, discount and totals recomputed as points change
_FORM_JS = ["public/js/loyalty_presence.js", "public/js/loyalty_invoice.js"]
doctype_js = {"Sales Invoice": _FORM_JS, "POS Invoice": _FORM_JS}
page_js = {"point-of-sale": ["public/js/loyalty_presence.js", "public/js/point_of_sale.js"]}
