"""Returns (credit notes) of loyalty invoices: the discount they carry back, and the
points they restore and reverse as they are submitted (`service.return_`, pro rata on the lines
returned). A return of a return moves no points: it is refused when loyalty is involved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from loyalty_gst import service
from loyalty_gst.erpnext import guard, settings
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.erpnext.tax_rows import dec
from loyalty_gst.errors import UnknownDocument
from loyalty_gst.models import ReturnLine
from loyalty_gst.money import ZERO, paise

RETURN_REF = {"Sales Invoice": "sales_invoice_item", "POS Invoice": "pos_invoice_item"}
_ORIGINAL = [
    "lgst_loyalty_amount", "lgst_manual_discount", "total", "lgst_treatment", "is_return",
    "lgst_points_redeemed", "lgst_points_earned",
]  # fmt: skip


def _to_doc(value: Decimal) -> float:
    return float(value)  # float ok: ERPNext's document fields are floats


def discount(doc: Any) -> None:
    """A return carries the original's discount pro rata to the gross value returned,
    so its lines come back at the original's net prices; its points move on submit."""
    import frappe

    doc.lgst_points_to_redeem = 0
    original = frappe.db.get_value(doc.doctype, doc.return_against, _ORIGINAL, as_dict=True)
    if not original:
        return
    if original.is_return and (
        dec(original.lgst_loyalty_amount)
        or original.lgst_points_redeemed
        or original.lgst_points_earned
    ):
        raise guard.refuse(
            str(doc.name or "this return"),
            f"{doc.return_against} is itself a return that moved loyalty points; a return of "
            "a return is not allowed — issue a new invoice instead",
        )
    if not dec(original.lgst_loyalty_amount):
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


def post(doc: Any) -> None:
    """Restore the points of the lines returned and reverse what they earned."""
    import frappe

    original = frappe.get_doc(doc.doctype, doc.return_against)
    line_of = {it.name: it.idx for it in original.items}
    wanted: dict[int, Decimal] = {}
    for it in doc.items:
        ref = it.get(RETURN_REF[doc.doctype])
        if ref in line_of:
            wanted[line_of[ref]] = wanted.get(line_of[ref], ZERO) + abs(dec(it.qty))
    lines = [ReturnLine(line_no=n, qty=q) for n, q in sorted(wanted.items())] or None
    try:
        done = service.return_(
            site_store(), invoice_number=original.name,
            seller_gstin=settings.seller_gstin(doc), number=doc.name,
            date=dt.date.fromisoformat(str(doc.posting_date)[:10]), key=f"{doc.doctype}:{doc.name}",
            returns=lines, program=settings.program_book(),
        )  # fmt: skip
    except UnknownDocument:
        return  # the original was issued before the ledger: nothing to restore
    doc.lgst_points_redeemed = -done.points_restored
    doc.lgst_points_earned = -done.points_reversed
