"""The print formats "Loyalty GST Invoice" (Sales Invoice) and "Loyalty GST POS Invoice"
(POS Invoice): a Jinja method that turns the document into the printed content.

`loyalty_gst_document(doc)` (registered in hooks.py `jinja.methods`) reads the invoice
through the adapter (the same TaxedInvoice the ledger, e-invoice and GSTR-1 see), the IRN,
Ack No / Ack Date and signed QR from India Compliance's e-Invoice Log when the invoice
has an IRN, the member's balance right after it from the ledger, and returns
`loyalty_gst.printing.html.view` — the same strings as the PDF — for the shipped template
`loyalty_gst/templates/print/gst_document.html`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from loyalty_gst.printing.html import view
from loyalty_gst.printing.particulars import EInvoiced, PrintJob


def _einvoice(doc: Any) -> EInvoiced | None:
    import frappe

    irn = doc.get("irn")
    if not irn or not frappe.db.exists("DocType", "e-Invoice Log"):
        return None
    log = frappe.db.get_value(
        "e-Invoice Log",
        irn,
        ["acknowledgement_number", "acknowledged_on", "signed_qr_code"],
        as_dict=True,
    )
    if not log or not log.signed_qr_code:
        return None
    when = log.acknowledged_on
    if not isinstance(when, dt.datetime):
        when = dt.datetime.fromisoformat(str(when))
    return EInvoiced(
        irn=irn, ack_no=int(log.acknowledgement_number), ack_at=when, signed_qr=log.signed_qr_code
    )


def _balance_after(seller_gstin: str, number: str) -> int | None:
    from loyalty_gst.erpnext.store_bridge import site_store
    from loyalty_gst.store import invoices as docs

    with site_store().engine.connect() as conn:
        stored = docs.get(conn, number, seller_gstin)
        if stored is None or stored.account_id is None:
            return None
        return docs.balance_after(conn, stored.account_id, seller_gstin, number)


def loyalty_gst_document(doc: Any) -> dict[str, Any]:
    """The printed content of a Sales Invoice / POS Invoice (for the Jinja print format)."""
    from loyalty_gst.erpnext.invoice import taxed_invoice

    inv = taxed_invoice(doc)
    job = PrintJob(
        invoice=inv,
        einvoice=_einvoice(doc),
        points_balance_after=_balance_after(inv.seller.gstin, inv.number),
    )
    return view(job)
