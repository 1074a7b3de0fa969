"""Hook steps shared by Sales Invoice and POS Invoice (`sales_invoice.py` and
`pos_invoice.py` wire them per DocType).

- before_validate: points requested → capped, checked against the balance → ERPNext's
  additional discount (pre-tax) before ERPNext computes taxes (`discount.plan`);
- validate: after ERPNext's taxes, record taxable-before-loyalty and GST foregone;
- on_submit: `service.commit` of ERPNext's own numbers (adapter), key "<doctype>:<name>";
  a return (`is_return`) → `service.return_` pro rata on the lines returned;
- on_cancel: everything of the invoice restored / reversed through `service.void`.
Consolidated POS Sales Invoices (`is_consolidated`) post nothing: their POS Invoices did.
Service errors are translated once, here, into `frappe.throw`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from loyalty_gst import service
from loyalty_gst.erpnext import discount, settings
from loyalty_gst.erpnext.adapter import dec, to_taxed_invoice
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import InvalidInput, LoyaltyGstError, UnknownCustomer, UnknownDocument
from loyalty_gst.ids import mobile as mobile_id
from loyalty_gst.models import ReturnLine, TaxedInvoice
from loyalty_gst.money import ZERO, paise
from loyalty_gst.service import Quote

RETURN_REF = {"Sales Invoice": "sales_invoice_item", "POS Invoice": "pos_invoice_item"}


def _to_doc(value: Decimal) -> float:
    return float(value)  # float ok: ERPNext's document fields are floats


def _throw(exc: LoyaltyGstError) -> None:
    import frappe

    frappe.throw(str(exc), title="Loyalty points", exc=frappe.ValidationError)


def member_mobile(doc: Any) -> str | None:
    """The loyalty account's key: the invoice's, else the Customer's loyalty / mobile no."""
    import frappe

    if doc.get("lgst_mobile"):
        return str(doc.lgst_mobile).strip()
    if doc.get("customer"):
        row = frappe.db.get_value(
            "Customer", doc.customer, ["lgst_mobile", "mobile_no"], as_dict=True
        )
        if row and (row.lgst_mobile or row.mobile_no):
            return str(row.lgst_mobile or row.mobile_no).strip()
    return None


def _fill_item_tax_rates(doc: Any) -> None:
    """ERPNext fills `item_tax_rate` in validate; the cap needs it (basis bill) earlier."""
    from erpnext.stock.get_item_details import get_item_tax_map

    for it in doc.get("items") or []:
        if it.get("item_tax_template") and not it.get("item_tax_rate"):
            it.item_tax_rate = get_item_tax_map(doc.company, it.item_tax_template, as_json=True)


def _clear(doc: Any) -> None:
    for field in ("lgst_points_redeemed", "lgst_loyalty_amount", "lgst_manual_discount"):
        doc.set(field, 0)
    doc.lgst_treatment = None


def before_validate(doc: Any, method: str | None = None) -> None:
    if doc.docstatus == 2 or doc.get("is_consolidated"):
        return
    if doc.get("is_return"):
        _return_discount(doc)
        return
    points = int(doc.get("lgst_points_to_redeem") or 0)
    prior_loyalty, prior_manual = (
        dec(doc.get("lgst_loyalty_amount")),
        dec(doc.get("lgst_manual_discount")),
    )
    manual = discount.manual_part(dec(doc.get("discount_amount")), prior_manual, prior_loyalty)
    if not points:
        if prior_loyalty:
            doc.discount_amount = _to_doc(manual)
        _clear(doc)
        return
    try:
        _apply(doc, points, manual)
    except LoyaltyGstError as exc:
        _throw(exc)


def _apply(doc: Any, points: int, manual: Decimal) -> None:
    import frappe

    treatment, basis = settings.company_rules(doc.company)
    prog = settings.program_book().active(dt.date.fromisoformat(str(doc.posting_date)[:10]))
    # ERPNext's own totals without loyalty (a discount percentage becomes an amount here)
    _fill_item_tax_rates(doc)
    doc.discount_amount = _to_doc(manual)
    if basis == "taxable" and treatment == "pre_tax_discount" and manual:
        doc.apply_discount_on = "Net Total"
    doc.calculate_taxes_and_totals()
    manual = paise(dec(doc.discount_amount))
    rows = [
        (str(it.item_code), str(it.get("gst_hsn_code") or ""), dec(it.net_amount))
        for it in doc.items
    ]
    net, eligible_net = discount.eligible_share(rows, prog)
    if basis == "bill":
        bill = dec(doc.grand_total)
        eligible = paise(bill * eligible_net / net) if net else ZERO
    else:
        bill, eligible = net, eligible_net
    mobile = member_mobile(doc)
    if not mobile:
        raise UnknownCustomer(f"customer {doc.customer} has no mobile number for loyalty points")
    available = service.lookup(site_store(), mobile).available
    p = discount.plan(
        points=points, available=available, program=prog, basis=basis, treatment=treatment,
        manual=manual, bill=bill, eligible=eligible,
    )  # fmt: skip
    doc.additional_discount_percentage = 0
    doc.discount_amount = _to_doc(p.discount_amount)
    if p.apply_discount_on:
        doc.apply_discount_on = p.apply_discount_on
        doc.is_cash_or_non_trade_discount = 0
    doc.lgst_mobile = mobile
    doc.lgst_points_redeemed = p.points
    doc.lgst_point_value = _to_doc(p.point_value)
    doc.lgst_loyalty_amount = _to_doc(p.value)
    doc.lgst_manual_discount = _to_doc(p.manual)
    doc.lgst_treatment = p.treatment
    if p.points < points:
        frappe.msgprint(
            f"{points} points asked; the program allows {p.points} on this bill (₹{p.value}).",
            title="Loyalty points",
            indicator="orange",
        )


def _return_discount(doc: Any) -> None:
    """A return carries the original's discount pro rata to the gross value returned,
    so its lines come back at the original's net prices; its points move on submit."""
    import frappe

    doc.lgst_points_to_redeem = 0
    original = frappe.db.get_value(
        doc.doctype, doc.return_against,
        ["lgst_loyalty_amount", "lgst_manual_discount", "total", "lgst_treatment"], as_dict=True,
    )  # fmt: skip
    if not original or not dec(original.lgst_loyalty_amount):
        return
    returned = sum((abs(dec(it.qty)) * dec(it.rate) for it in doc.items), ZERO)
    share = returned / dec(original.total) if dec(original.total) else ZERO
    loyalty = paise(dec(original.lgst_loyalty_amount) * share)
    manual = paise(dec(original.lgst_manual_discount) * share)
    doc.lgst_loyalty_amount = _to_doc(-loyalty)
    doc.lgst_manual_discount = _to_doc(-manual)
    doc.lgst_treatment = original.lgst_treatment
    doc.additional_discount_percentage = 0
    if original.lgst_treatment != "tender":
        doc.discount_amount = _to_doc(-(loyalty + manual))


def _original_date(doc: Any) -> dt.date | None:
    import frappe

    if not doc.get("is_return"):
        return None
    day = frappe.db.get_value(doc.doctype, doc.return_against, "posting_date")
    return dt.date.fromisoformat(str(day)[:10]) if day else None


def seller_gstin(doc: Any) -> str:
    """India Compliance's `company_gstin` when present, else the Company's Tax ID."""
    return str(doc.get("company_gstin") or settings.company_gstin(doc.company))


def taxed_invoice(doc: Any) -> TaxedInvoice:
    """ERPNext's numbers → TaxedInvoice (adapter), with the seller's GSTIN and member."""
    data = doc.as_dict()
    data["company_gstin"] = seller_gstin(doc)
    seller_address = None
    if not data.get("company_address_display"):
        seller_address = {"address": str(doc.company)[:100], "city": "Not set", "pincode": ""}
    invoice = to_taxed_invoice(
        data, original_date=_original_date(doc), seller_address=seller_address
    )
    return invoice.model_copy(update={"customer": member_mobile(doc)})


def validate(doc: Any, method: str | None = None) -> None:
    """After ERPNext's taxes: the register's figures (taxable before loyalty, GST foregone)."""
    if doc.get("is_consolidated") or not dec(doc.get("lgst_loyalty_amount")):
        doc.lgst_taxable_before_loyalty = doc.get("net_total") or 0
        doc.lgst_gst_foregone = 0
        return
    try:
        invoice = taxed_invoice(doc)
    except InvalidInput as exc:
        _throw(exc)
        return
    sign = Decimal(-1) if doc.get("is_return") else Decimal(1)
    doc.lgst_taxable_before_loyalty = _to_doc(sign * invoice.totals.taxable_before_loyalty)
    doc.lgst_gst_foregone = _to_doc(sign * discount.foregone(invoice))


def _approver() -> str | None:
    import frappe

    return frappe.session.user if "Accounts Manager" in frappe.get_roles() else None


def _on_ledger(doc: Any) -> bool:
    """Only GST invoices reach the ledger: a company without a GSTIN (India Compliance's
    `company_gstin` or the Company's Tax ID) is not a loyalty-GST seller."""
    return not doc.get("is_consolidated") and bool(seller_gstin(doc))


def on_submit(doc: Any, method: str | None = None) -> None:
    if not _on_ledger(doc):
        return
    try:
        if doc.get("is_return"):
            _post_return(doc)
            return
        invoice = taxed_invoice(doc)
        done = service.commit(
            site_store(), Quote(invoice=invoice), key=f"{doc.doctype}:{doc.name}",
            program=settings.program_book(), approver=_approver(), enrol=bool(invoice.customer),
        )  # fmt: skip
    except LoyaltyGstError as exc:
        _throw(exc)
        return
    doc.db_set("lgst_points_earned", done.points_earned + done.bonus_points, update_modified=False)


def _post_return(doc: Any) -> None:
    import frappe

    original = frappe.get_doc(doc.doctype, doc.return_against)
    line_of = {it.name: it.idx for it in original.items}
    wanted: dict[int, Decimal] = {}
    for it in doc.items:
        ref = it.get(RETURN_REF[doc.doctype])
        if ref in line_of:
            wanted[line_of[ref]] = wanted.get(line_of[ref], ZERO) + abs(dec(it.qty))
    returns = [ReturnLine(line_no=n, qty=q) for n, q in sorted(wanted.items())] or None
    try:
        done = service.return_(
            site_store(), invoice_number=original.name,
            seller_gstin=seller_gstin(doc), number=doc.name,
            date=dt.date.fromisoformat(str(doc.posting_date)[:10]), key=f"{doc.doctype}:{doc.name}",
            returns=returns, program=settings.program_book(),
        )  # fmt: skip
    except UnknownDocument:
        return  # the original was issued before the ledger: nothing to restore
    doc.db_set("lgst_points_redeemed", -done.points_restored, update_modified=False)
    doc.db_set("lgst_points_earned", -done.points_reversed, update_modified=False)


def on_cancel(doc: Any, method: str | None = None) -> None:
    """Cancelling an invoice gives back its redeemed points and takes back its earned
    points (`service.void`, keyed "<doctype>:<name>:cancel"); the stored invoice is marked
    cancelled, so GSTR-1 from the store lists it in doc_issue — no credit note is made."""
    if not _on_ledger(doc):
        return
    if doc.get("is_return"):
        if doc.get("lgst_points_redeemed") or doc.get("lgst_points_earned"):
            _throw(
                LoyaltyGstError(
                    f"{doc.name} moved loyalty points; a credit note stays issued — "
                    "issue a new invoice instead of cancelling it"
                )
            )
        return
    try:
        service.void(
            site_store(), invoice_number=doc.name, seller_gstin=seller_gstin(doc),
            key=f"{doc.doctype}:{doc.name}:cancel", reason="cancelled in ERPNext",
            program=settings.program_book(),
        )  # fmt: skip
    except UnknownDocument:
        return
    except LoyaltyGstError as exc:
        _throw(exc)


def mask(mobile: str | None) -> str:
    return mobile_id.mask(mobile) if mobile else "-"
