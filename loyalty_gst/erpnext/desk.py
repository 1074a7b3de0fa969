"""Whitelisted methods for the desk's client scripts (Sales Invoice, POS Invoice and the
Point of Sale page): the member's balance when the customer is picked, and a quote of
the loyalty discount and ERPNext's totals as Points to Redeem changes — before save,
on an unsaved copy of the form (nothing is written, no point moves).

`/api/method/loyalty_gst.erpnext.desk.member_balance|quote_invoice`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import frappe

from loyalty_gst import clock, identity, service
from loyalty_gst.clock import stamp
from loyalty_gst.erpnext import invoice, settings
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import UnknownCustomer
from loyalty_gst.ids.mobile import mask
from loyalty_gst.store import entries as ent

# what the form takes back from a quote (ERPNext recomputes the rest on the client)
QUOTED = (
    "lgst_points_to_redeem", "lgst_points_redeemed", "lgst_point_value", "lgst_loyalty_amount",
    "lgst_manual_discount", "lgst_treatment", "lgst_mobile", "discount_amount",
    "additional_discount_percentage", "apply_discount_on", "is_cash_or_non_trade_discount",
    "net_total", "total_taxes_and_charges", "grand_total", "rounded_total",
)  # fmt: skip


@frappe.whitelist()
def member_balance(customer: str | None = None, mobile: str | None = None) -> dict[str, Any]:
    """Points, their ₹ value, the points usable today (the program's daily limit less
    today's redemptions) and whether redeeming needs the member's OTP / app code."""
    frappe.has_permission("Sales Invoice", "read", throw=True)
    doc = frappe._dict(customer=customer, lgst_mobile=mobile)
    phone = invoice.member_mobile(doc)
    if not phone:
        return {"member": False, "reason": f"customer {customer} has no mobile number"}
    prog = settings.program_book().active(frappe.utils.getdate())
    try:
        bal = service.lookup(site_store(), phone)
    except UnknownCustomer:
        return {"member": False, "mobile": mask(phone), "reason": "not enrolled yet"}
    usable = usable_today(phone, bal.available, prog.velocity.max_points_per_day)
    return {
        "member": True,
        "mobile": mask(phone),
        "points": bal.available,
        "value": str(bal.available * prog.point_value),
        "usable_today": usable,
        "min_points": prog.min_points,
        "point_value": str(prog.point_value),
        "disabled": settings.disabled(),
        "presence_required": settings.presence_required(),
    }


def usable_today(phone: str, available: int, per_day: int, now: dt.datetime | None = None) -> int:
    """What the member may still redeem today: the available points, within the program's
    daily limit less the points already redeemed since 00:00 IST and those on open holds
    (the velocity check's own figures, so the desk never offers what commit refuses)."""
    at = now or dt.datetime.now(dt.UTC)
    with site_store().engine.connect() as conn:
        a = identity.resolve(conn, phone=phone)
        today, _, held = ent.redemptions(
            conn, a.id, day_start=stamp(clock.ist_midnight(at)),
            hour_ago=stamp(at - dt.timedelta(hours=1)), now=stamp(at), but=None,
        )  # fmt: skip
    return max(0, min(available, per_day - today - held))


@frappe.whitelist(methods=["POST"])
def quote_invoice(doc: str | dict[str, Any]) -> dict[str, Any]:
    """The loyalty discount and ERPNext's totals of the form as it stands (not saved)."""
    data = json.loads(doc) if isinstance(doc, str) else dict(doc)
    doctype = data.get("doctype")
    if doctype not in ("Sales Invoice", "POS Invoice"):
        frappe.throw("quote_invoice takes a Sales Invoice or POS Invoice", title="Loyalty points")
    frappe.has_permission(doctype, "create", throw=True)
    data.pop("name", None)
    draft = frappe.get_doc(data)
    draft.docstatus = 0
    draft.set_missing_values()
    invoice.before_validate(draft)
    draft.calculate_taxes_and_totals()  # ERPNext's own totals on the discount as planned
    note = draft.flags.get("lgst_note")
    return {
        "fields": {f: draft.get(f) for f in QUOTED},
        "note": note,
    }


__all__ = ["member_balance", "quote_invoice"]
