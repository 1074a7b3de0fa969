"""The member's presence at the desk, where Loyalty GST Settings require it: an OTP sent
to the member's WhatsApp, or the code the member's app shows — checked by the same
functions as the channel API's (`loyalty_gst.api.presence`: 5 attempts, single use).

A good check gives the desk a grant (`grants`), which the invoice's submit spends.

`/api/method/loyalty_gst.erpnext.presence.send_otp|check`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import frappe

from loyalty_gst import identity
from loyalty_gst.api import presence as proofs
from loyalty_gst.erpnext import grants
from loyalty_gst.erpnext.member import member_mobile
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import LoyaltyGstError, PresenceInvalid
from loyalty_gst.ids.mobile import mask


def _member(customer: str | None, mobile: str | None) -> tuple[str, int]:
    phone = member_mobile(frappe._dict(customer=customer, lgst_mobile=mobile))
    if not phone:
        frappe.throw(f"customer {customer} has no mobile number", title="Loyalty points")
    with site_store().engine.connect() as conn:
        try:
            a = identity.resolve(conn, phone=phone)
        except LoyaltyGstError as exc:
            frappe.throw(f"no loyalty member for {mask(phone)}: {exc}", title="Loyalty points")
            raise
    return identity.normal_mobile(phone), a.id


def _allowed() -> None:
    if not (
        frappe.has_permission("POS Invoice", "create")
        or frappe.has_permission("Sales Invoice", "create")
    ):
        frappe.throw("not permitted to bill", frappe.PermissionError)


@frappe.whitelist(methods=["POST"])
def send_otp(customer: str | None = None, mobile: str | None = None) -> dict[str, Any]:
    """Send a 6-digit OTP to the member's WhatsApp; the code is never returned nor logged."""
    _allowed()
    from loyalty_gst.notify import Notifier, config_from_env

    phone, account_id = _member(customer, mobile)
    store = site_store()
    notifier = Notifier(store, config_from_env())
    try:
        notifier.check_otp(account_id)  # no sender / the member opted out: say so first
        challenge, code, until = proofs.new_otp(
            store, account_id=account_id, phone=phone, now=dt.datetime.now(dt.UTC),
            store_code="erpnext", terminal=str(frappe.session.user)[:32],
        )  # fmt: skip
        notifier.otp(phone, code, account_id=account_id)
    except LoyaltyGstError as exc:
        frappe.throw(str(exc), title="Loyalty points")
        raise
    return {"challenge_id": challenge, "expires_at": until, "mobile": mask(phone)}


@frappe.whitelist(methods=["POST"])
def check(
    customer: str | None = None,
    mobile: str | None = None,
    challenge_id: str | None = None,
    otp: str | None = None,
    app_code: str | None = None,
) -> dict[str, Any]:
    """The OTP (with its challenge) or the app code, checked once: a grant for the invoice."""
    _allowed()
    phone, account_id = _member(customer, mobile)
    store = site_store()
    try:
        if app_code and app_code.strip():
            proofs.use_app_code(store, app_code.strip(), phone=phone, account_id=account_id)
            how = "app code"
        elif challenge_id and otp and str(otp).strip().isdigit() and len(str(otp).strip()) == 6:
            how = "OTP"
            try:
                proofs.check_otp(
                    store, challenge_id=challenge_id, code=str(otp).strip(),
                    account_id=account_id, now=dt.datetime.now(dt.UTC),
                )  # fmt: skip
            except LoyaltyGstError:
                frappe.db.commit()  # a wrong code's attempt counts although the request fails
                raise
        else:
            raise PresenceInvalid("enter the 6-digit OTP the member received, or the app's code")
    except LoyaltyGstError as exc:
        frappe.throw(str(exc), title="Loyalty points")
        raise
    return {"grant": grants.give(account_id, how), "how": how, "mobile": mask(phone)}


__all__ = ["check", "send_otp"]
