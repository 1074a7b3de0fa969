"""A stored document, ready to print: the TaxedInvoice the ledger keeps, the company's
letterhead from its setup (the invoice's own seller where no company is set up), the
member's points balance right after the document, and — when the e-invoice log in the
same database holds the IRP's registration of it — its IRN, Ack No / Ack Date and signed
QR. A cancelled document (or one whose IRN was cancelled) prints marked CANCELLED.

Scope: a caller bound to a registration finds only that registration's numbers; one
bound to a store only that store's documents.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from loyalty_gst.errors import Forbidden, InvalidInput, UnknownDocument
from loyalty_gst.models import Seller
from loyalty_gst.printing.particulars import CopyMark, EInvoiced, Letterhead, PrintJob
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


CANCELLED = "CANCELLED — this document was cancelled and is not valid"
IRN_CANCELLED = "CANCELLED — its IRN was cancelled at the IRP; this document is not valid"


def registration_of(
    conn: sa.Connection, seller_gstin: str, number: str
) -> tuple[EInvoiced | None, bool]:
    """The IRP's latest registration of the document in the e-invoice log, and whether
    that IRN was cancelled since; (None, False) without a log or a registration."""
    from einvoice.log import einvoice_log as log
    from einvoice.results import Registration

    if not sa.inspect(conn).has_table(log.name):
        return None, False
    rows = conn.execute(
        sa.select(log.c.response)
        .where(
            log.c.gstin == seller_gstin,
            log.c.doc_no == number,
            log.c.outcome == "ok",
            log.c.operation.in_(("generate", "get_by_doc")),
        )
        .order_by(log.c.id.desc())
    )
    for (body,) in rows:
        data = (json.loads(body) if body else {}).get("Data")
        if isinstance(data, dict) and data.get("Irn") and data.get("SignedQRCode"):
            reg = Registration.from_data(data)
            cancelled = conn.scalar(
                sa.select(log.c.id).where(
                    log.c.operation == "cancel", log.c.outcome == "ok", log.c.irn == reg.irn
                )
            )
            return reg.printed(), cancelled is not None
    return None, False


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
        einvoice, irn_cancelled = registration_of(conn, inv.seller.gstin, inv.number)
        banner = None
        if docs.is_cancelled(conn, inv.number, inv.seller.gstin):
            banner = CANCELLED
        elif irn_cancelled:
            banner = IRN_CANCELLED
    return PrintJob(
        invoice=inv,
        letterhead=letterhead_for(store, inv.seller),
        einvoice=einvoice,
        points_balance_after=balance,
        copies=copies,
        banner=banner,
    )
