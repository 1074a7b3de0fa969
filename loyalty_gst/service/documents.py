"""A stored document, ready to print: the TaxedInvoice the ledger keeps, the company's
letterhead from its setup (the invoice's own seller where no company is set up), and
the member's points balance right after the document.

Scope: a caller bound to a registration finds only that registration's numbers; one
bound to a store only that store's documents.
"""

from __future__ import annotations

from loyalty_gst.errors import Forbidden, InvalidInput, UnknownDocument
from loyalty_gst.models import Seller
from loyalty_gst.printing.particulars import CopyMark, Letterhead, PrintJob
from loyalty_gst.store import Store
from loyalty_gst.store import invoices as docs


def letterhead_for(store: Store, seller: Seller) -> Letterhead | None:
    """The company's letterhead for a document of `seller`; None where none is set up."""
    from loyalty_gst import company
    from loyalty_gst.company.letterhead import letterhead

    try:
        return letterhead(company.current(store), seller)
    except (company.NotSetUp, InvalidInput):
        return None  # no setup, or one without this registration: the seller prints


def print_job(
    store: Store,
    number: str,
    *,
    gstin: str | None = None,
    store_code: str | None = None,
    copies: tuple[CopyMark, ...] = ("original",),
) -> PrintJob:
    """The PrintJob of stored document `number` (of registration `gstin`, if given)."""
    with store.engine.connect() as conn:
        found = [
            d
            for d in docs.by_number(conn, number)
            if gstin is None or d.invoice.seller.gstin == gstin.upper()
        ]
        if not found:
            raise UnknownDocument(f"no stored document {number}")
        if len(found) > 1:
            issuers = ", ".join(d.invoice.seller.gstin for d in found)
            raise InvalidInput.one(
                "gstin", None, f"{number} was issued by more than one registration ({issuers})"
            )
        doc = found[0]
        inv = doc.invoice
        if store_code is not None and inv.store != store_code:
            raise Forbidden(f"{number} is not a document of store {store_code}")
        balance = None
        if doc.account_id is not None:
            balance = docs.balance_after(conn, doc.account_id, inv.seller.gstin, inv.number)
    return PrintJob(
        invoice=inv,
        letterhead=letterhead_for(store, inv.seller),
        points_balance_after=balance,
        copies=copies,
    )
