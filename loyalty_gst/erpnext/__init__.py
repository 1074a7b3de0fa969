"""The ERPNext glue. Only modules of this package may import frappe, and only lazily.

`adapter` is pure (no frappe): an ERPNext Sales Invoice `as_dict()` → TaxedInvoice.
"""
