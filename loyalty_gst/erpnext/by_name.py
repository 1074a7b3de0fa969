"""One submitted invoice by its ERPNext name → its TaxedInvoice (adapter, ERPNext's own
numbers), for `bench --site S loyalty-gst einvoice SINV-…` and the register."""

from __future__ import annotations

from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice

DOCTYPES = ("Sales Invoice", "POS Invoice")


def taxed_invoice_named(name: str) -> TaxedInvoice:
    """The TaxedInvoice of submitted Sales Invoice (or POS Invoice) `name`."""
    import frappe

    from loyalty_gst.erpnext.invoice import taxed_invoice

    for doctype in DOCTYPES:
        if frappe.db.exists(doctype, name):
            doc = frappe.get_doc(doctype, name)
            if doc.docstatus != 1:
                raise InvalidInput.one("invoice", name, f"{doctype} {name} is not submitted")
            return taxed_invoice(doc)
    raise InvalidInput.one("invoice", name, "no Sales Invoice or POS Invoice of that name")
