"""A member's presence, once checked at the desk (`presence.check`), as a *grant*: a
random id kept in frappe's cache for 10 minutes with the member's account, the desk user
and how the member was checked. The invoice carries the id in `lgst_presence`; `spend`
(before_submit) takes it once, for that member and that user, by writing its digest to
the ledger's nonces in the submit's own transaction — so a rolled-back submit leaves it
usable and no second invoice can spend it. The invoice then keeps only how the member
was checked and by whom, never the id nor a code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

import sqlalchemy as sa

from loyalty_gst import identity
from loyalty_gst.clock import stamp
from loyalty_gst.erpnext import settings
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.errors import PresenceInvalid, PresenceRequired
from loyalty_gst.store import schema as s

GRANT_SECONDS = 600
FIELD = "lgst_presence"


def _key(grant: str) -> str:
    return "lgst_presence:" + hashlib.sha256(grant.encode()).hexdigest()


def _nonce(grant: str) -> str:
    return "p:" + hashlib.sha256(grant.encode()).hexdigest()[:62]  # the column holds 64


def give(account_id: int, how: str) -> str:
    """A new grant for the current desk user (its id goes to the desk, once)."""
    import frappe

    grant = secrets.token_urlsafe(24)
    frappe.cache.set_value(
        _key(grant),
        json.dumps({"account_id": account_id, "user": frappe.session.user, "how": how}),
        expires_in_sec=GRANT_SECONDS,
    )
    return grant


def _grant(value: Any) -> dict[str, Any] | None:
    if not value or not isinstance(value, str) or len(value) > 64:
        return None
    import frappe

    raw = frappe.cache.get_value(_key(value))
    return json.loads(raw) if raw else None


def spend(doc: Any, mobile: str) -> None:
    """Before submit, for an invoice that redeems points while presence is required: its
    grant must be this member's and this user's, and unspent (raises PresenceRequired /
    PresenceInvalid). Called inside the submit's transaction."""
    import frappe

    value = doc.get(FIELD)
    grant = _grant(value)
    if grant is None:
        raise PresenceRequired(
            f"{doc.name}: redeeming points needs the member's OTP or app code "
            "(Loyalty GST Settings) — check it with “Verify member” first"
        )
    store = site_store()
    with store.begin() as conn:
        a = identity.resolve(conn, phone=mobile)
        if grant.get("account_id") != a.id:
            raise PresenceInvalid(f"{doc.name}: the member checked is not this invoice's member")
        if grant.get("user") != frappe.session.user:
            raise PresenceInvalid(f"{doc.name}: the member was checked at another desk")
        try:
            with conn.begin_nested():
                conn.execute(
                    s.nonces.insert().values(
                        nonce=_nonce(value), used_at=stamp(dt.datetime.now(dt.UTC))
                    )
                )
        except sa.exc.IntegrityError:
            raise PresenceInvalid(f"{doc.name}: this check was spent on another invoice") from None
    key = _key(value)
    frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))
    doc.set(FIELD, f"{grant['how']} checked by {grant['user']}"[:140])


def required(doc: Any) -> bool:
    """Whether this invoice's redemption needs a grant (points redeemed, the setting on)."""
    return bool(int(doc.get("lgst_points_redeemed") or 0)) and settings.presence_required()


__all__ = ["give", "required", "spend"]
