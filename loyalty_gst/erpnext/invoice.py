"""Hook steps shared by Sales Invoice and POS Invoice (`sales_invoice.py` and
`pos_invoice.py` wire them per DocType).

- before_validate: points requested → capped, checked against the balance → ERPNext's
  additional discount (pre-tax) before ERPNext computes taxes (`discount.plan`);
- validate: after ERPNext's taxes, record taxable-before-loyalty and GST foregone;
- before_submit: `service.commit` of ERPNext's own numbers (adapter), key "<doctype>:<name>";
  a return (`is_return`) → `service.return_` pro rata on the lines returned;
- on_cancel: everything of the invoice restored / reversed through `service.void`.
Consolidated POS Sales Invoices (`is_consolidated`) post nothing: their POS Invoices did.
Service errors are translated once, here, into `frappe.throw`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.erpnext import discount, grants, guard, returns, settings
from loyalty_gst.erpnext.adapter import dec, to_taxed_invoice
from loyalty_gst.erpnext.member import member_mobile as member_mobile
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import InvalidInput, LoyaltyGstError, UnknownDocument
from loyalty_gst.ids import mobile as mobile_id
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import ZERO, paise
from loyalty_gst.service import Quote


def _to_doc(value: Decimal) -> float:
    return float(value)  # float ok: ERPNext's document fields are floats


def _throw(exc: LoyaltyGstError) -> None:
    import frappe

    frappe.throw(str(exc), title="Loyalty points", exc=frappe.ValidationError)


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
    doc.flags.lgst_tax_id_of = None  # read the company's GSTIN afresh on each save
    if doc.docstatus == 2 or doc.get("is_consolidated"):
        return
    try:
        if doc.get("is_return"):
            returns.discount(doc)
            return
        points = guard.parse_points(doc.get("lgst_points_to_redeem"))
    except LoyaltyGstError as exc:
        _throw(exc)
        return
    doc.lgst_points_to_redeem = points
    if doc.docstatus == 1 and _planned_at_save(doc, points):
        return  # submitting the draft as saved: its plan stands, the ledger checks the balance
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
    except sa.exc.SQLAlchemyError as exc:
        _throw(_unreachable(doc, exc))


_PLAN_INPUTS = (
    "company", "customer", "lgst_mobile", "posting_date", "lgst_points_to_redeem",
    "lgst_points_redeemed", "lgst_loyalty_amount", "lgst_manual_discount", "discount_amount",
    "additional_discount_percentage", "apply_discount_on", "is_cash_or_non_trade_discount",
    "net_total", "grand_total",
)  # fmt: skip


def _same(value: Any) -> str:
    """A field's value as loaded or as set in memory, in one form (2 = 2.0, date = text,
    None = 0 = "")."""
    if not value:  # None, "", 0, 0.0, False: unset
        return ""
    if isinstance(value, int | float):
        return str(Decimal(repr(value)).normalize())  # 2 and 2.0 read alike, no float maths
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _planned_at_save(doc: Any, points: int) -> bool:
    """The submitted document is the saved draft, with the same loyalty inputs and lines:
    the hook planned it at save, planning again would give the same figures."""
    before = doc.get_doc_before_save()
    if before is None or before.docstatus != 0 or (points and not doc.lgst_points_redeemed):
        return False  # a ₹0 redemption is planned again, so that submit says why
    if any(_same(doc.get(f)) != _same(before.get(f)) for f in _PLAN_INPUTS):
        return False

    def lines(d: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(_same(it.get(f)) for f in ("item_code", "qty", "rate", "item_tax_template"))
            for it in d.items
        ]

    return lines(doc) == lines(before)


def _name(doc: Any) -> str:
    return str(doc.name) if doc.get("name") and not doc.is_new() else f"this {doc.doctype}"


def _unreachable(doc: Any, exc: Exception) -> guard.NoDiscountWithoutPoints:
    return guard.refuse(_name(doc), f"the loyalty ledger cannot be reached ({type(exc).__name__})")


def _program(doc: Any) -> Any:
    """The program in force on the invoice's date, or the reason there is none."""
    day = dt.date.fromisoformat(str(doc.get("posting_date") or dt.date.today())[:10])
    if settings.disabled():
        raise guard.refuse(_name(doc), "the loyalty program is disabled (Loyalty GST Settings)")
    try:
        return settings.program_book().active(day)
    except InvalidInput as exc:
        raise guard.refuse(_name(doc), f"no loyalty program in force on {day} ({exc})") from None


def _apply(doc: Any, points: int, manual: Decimal) -> None:
    if not seller_gstin(doc):
        raise guard.refuse(
            _name(doc), f"company {doc.company} has no GSTIN (Tax ID), so no points can move"
        )
    mobile = member_mobile(doc)
    if not mobile:
        raise guard.refuse(
            _name(doc), f"customer {doc.customer} has no mobile number for loyalty points"
        )
    treatment, basis = settings.company_rules(doc.company)
    prog = _program(doc)
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
    if not p.points:
        excluded = [r[0] for r in rows if prog.is_excluded(r[0], r[1])]
        reason = guard.zero_reason(
            points=points, excluded=excluded, all_excluded=not eligible_net,
            min_points=prog.min_points, max_share_percent=prog.max_share_percent,
            point_value=prog.point_value, ceiling=paise(bill * prog.max_share_percent / 100),
        )  # fmt: skip
        if doc.docstatus == 1:  # submitting: a ₹0 redemption does not go through
            raise guard.NoDiscountWithoutPoints(reason)
        _note(doc, reason)
    elif p.points < points:
        _note(
            doc, f"{points} points asked; the program allows {p.points} on this bill (₹{p.value})"
        )


def _note(doc: Any, text: str) -> None:
    """One orange note per save, however many times the hooks run on the document."""
    import frappe

    if doc.flags.get("lgst_note") != text:
        doc.flags.lgst_note = text
        frappe.msgprint(text, title="Loyalty points", indicator="orange")


def _original_date(doc: Any) -> dt.date | None:
    import frappe

    if not doc.get("is_return"):
        return None
    day = frappe.db.get_value(doc.doctype, doc.return_against, "posting_date")
    return dt.date.fromisoformat(str(day)[:10]) if day else None


def seller_gstin(doc: Any) -> str:
    return settings.seller_gstin(doc)


def _fill_hsn(data: dict[str, Any]) -> None:
    """A row without `gst_hsn_code` (ERPNext alone has no such field) takes its Item's:
    India Compliance's `gst_hsn_code`, else this app's `lgst_hsn_code`."""
    import frappe

    items = data.get("items") or []
    missing = {it.get("item_code") for it in items if not it.get("gst_hsn_code")} - {None}
    if not missing:
        return
    meta = frappe.get_meta("Item")
    field = next((f for f in ("gst_hsn_code", "lgst_hsn_code") if meta.has_field(f)), None)
    if field is None:
        return
    codes = dict(
        frappe.get_all(
            "Item", filters={"name": ["in", sorted(missing)]}, fields=["name", field], as_list=True
        )
    )
    for it in items:
        if not it.get("gst_hsn_code"):
            it["gst_hsn_code"] = codes.get(it.get("item_code")) or ""


def taxed_invoice(doc: Any) -> TaxedInvoice:
    """ERPNext's numbers → TaxedInvoice (adapter), with the seller's GSTIN and member."""
    data = doc.as_dict()
    data["company_gstin"] = seller_gstin(doc)
    _fill_hsn(data)
    seller_address = None
    if not data.get("company_address_display"):
        seller_address = {"address": str(doc.company)[:100], "city": "Not set", "pincode": ""}
    invoice = to_taxed_invoice(
        data, original_date=_original_date(doc), seller_address=seller_address
    )
    return invoice.model_copy(update={"customer": member_mobile(doc)})


def validate(doc: Any, method: str | None = None) -> None:
    """After ERPNext's taxes: the register's figures (taxable before loyalty, GST foregone)."""
    doc.flags.lgst_invoice = None
    if doc.get("is_consolidated") or not dec(doc.get("lgst_loyalty_amount")):
        doc.lgst_taxable_before_loyalty = doc.get("net_total") or 0
        doc.lgst_gst_foregone = 0
        return
    try:
        invoice = taxed_invoice(doc)
    except InvalidInput as exc:
        _throw(exc)
        return
    doc.flags.lgst_invoice = invoice  # before_submit posts these very figures
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


def before_submit(doc: Any, method: str | None = None) -> None:
    """Post the invoice (redeem + earn) in frappe's transaction, just before ERPNext writes
    the submitted document (so the points earned are written with it, and anything that
    fails later in the submit — GL entries — rolls the ledger back too); a loyalty
    discount stands only with the ledger's debit of exactly its points, else the submit
    is refused."""
    if doc.get("is_consolidated"):
        return
    loyalty = ZERO if doc.get("is_return") else dec(doc.get("lgst_loyalty_amount"))
    try:
        if not seller_gstin(doc):
            if loyalty:
                raise guard.refuse(doc.name, f"company {doc.company} has no GSTIN (Tax ID)")
            return
        if doc.get("is_return"):
            returns.post(doc)
            return
        if settings.disabled():
            if loyalty:
                raise guard.refuse(doc.name, "the loyalty program is disabled")
            return
        invoice = doc.flags.get("lgst_invoice") or taxed_invoice(doc)
        if loyalty and not invoice.customer:
            raise guard.refuse(doc.name, "the invoice names no member mobile number")
        if loyalty and invoice.customer and grants.required(doc):
            grants.spend(doc, invoice.customer)
        done = service.commit(
            site_store(), Quote(invoice=invoice), key=f"{doc.doctype}:{doc.name}",
            program=settings.program_book(), approver=_approver(), enrol=bool(invoice.customer),
        )  # fmt: skip
        guard.check_debit(
            invoice=doc.name, loyalty_amount=loyalty,
            points=int(doc.get("lgst_points_redeemed") or 0),
            point_value=dec(doc.get("lgst_point_value")), debited=done.points_redeemed,
        )  # fmt: skip
    except LoyaltyGstError as exc:
        _throw(exc)
        return
    except sa.exc.SQLAlchemyError as exc:
        _throw(_unreachable(doc, exc))
        return
    doc.lgst_points_earned = done.points_earned + done.bonus_points


def on_cancel(doc: Any, method: str | None = None) -> None:
    """Cancelling an invoice gives back its redeemed points and takes back its earned
    points (`service.void`, keyed "<doctype>:<name>:cancel"); the stored invoice is marked
    cancelled, so GSTR-1 from the store lists it in doc_issue — no credit note is made."""
    doc.flags.lgst_tax_id_of = None
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
