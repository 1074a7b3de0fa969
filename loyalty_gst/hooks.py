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
required_apps = ["erpnext"]
