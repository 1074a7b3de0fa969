"""The WhatsApp Cloud API webhook: the subscription handshake (GET with hub.mode,
hub.verify_token, hub.challenge), and notifications (POST, signed X-Hub-Signature-256 =
HMAC-SHA256 of the body with the app secret): message statuses update `lgst_messages`;
a member's reply STOP (or UNSUBSCRIBE, or रोकें / बंद) withdraws every WhatsApp consent at
once, before any further message is sent."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from typing import Any

import sqlalchemy as sa

from loyalty_gst.errors import Forbidden
from loyalty_gst.ids import mobile as mobile_id
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.notify.whatsapp import WhatsAppConfig
from loyalty_gst.privacy import consent
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import schema as s

log = logging.getLogger("loyalty_gst.notify")

STOP_WORDS = {"stop", "unsubscribe", "stop all", "रोकें", "बंद", "रोको"}
STATUSES = {"sent", "delivered", "read", "failed"}
_RANK = {"queued": 0, "sending": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def check_signature(config: WhatsAppConfig | None, body: bytes, header: str | None) -> None:
    if config is None or not config.app_secret:
        raise Forbidden("the WhatsApp webhook is not configured (no app secret)")
    want = "sha256=" + hmac.new(config.app_secret.encode(), body, hashlib.sha256).hexdigest()
    if not header or not hmac.compare_digest(header, want):
        raise Forbidden("the webhook signature does not match")


def handle(store: Store, payload: dict[str, Any], now: dt.datetime | None = None) -> dict[str, int]:
    """Apply one notification; returns counts (statuses, stops) for the reply."""
    at = now or dt.datetime.now(dt.UTC)
    statuses = stops = 0
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for st in value.get("statuses") or []:
                statuses += _status(store, st, at)
            for m in value.get("messages") or []:
                stops += _incoming(store, m, at)
    return {"statuses": statuses, "stops": stops}


def _status(store: Store, st: dict[str, Any], at: dt.datetime) -> int:
    status, pid = str(st.get("status", "")), str(st.get("id", ""))
    if status not in STATUSES or not pid:
        return 0
    t = s.messages
    with store.begin() as conn:
        row = conn.execute(sa.select(t.c.id, t.c.status).where(t.c.provider_id == pid)).first()
        if row is None or _RANK.get(status, 0) < _RANK.get(row.status, 0):
            return 0  # statuses can arrive out of order: never step back
        err = None
        if status == "failed":
            errs = st.get("errors") or [{}]
            err = str(errs[0].get("title") or errs[0].get("code") or "failed")[:200]
        conn.execute(
            t.update()
            .where(t.c.id == row.id)
            .values(status=status, status_at=stamp(at), last_error=err)
        )
    return 1


def _incoming(store: Store, m: dict[str, Any], at: dt.datetime) -> int:
    text = ""
    if m.get("type") == "text":
        text = str((m.get("text") or {}).get("body", ""))
    elif m.get("type") == "button":
        text = str((m.get("button") or {}).get("text", ""))
    if text.strip().lower() not in STOP_WORDS:
        return 0
    try:
        number = mobile_id.validate("+" + str(m.get("from", "")).lstrip("+"))
    except mobile_id.InvalidMobile:
        return 0
    with store.begin() as conn:
        a = acc.find(conn, mobile=number)
        if a is None:
            return 0
        changed = consent.withdraw_all(conn, a.id, channel="whatsapp", now=at)
        for purpose in consent.PURPOSES:  # an explicit no even where nothing was decided
            if purpose not in changed and consent.current(conn, a.id).get(purpose) is None:
                consent.record(conn, a.id, purpose, False, channel="whatsapp", now=at)
        t = s.messages
        conn.execute(
            t.update()
            .where(t.c.account_id == a.id, t.c.status == "queued")
            .values(status="failed", last_error="opted out (STOP)")
        )
    log.info("whatsapp STOP from %s: opted out", mobile_id.mask(number))
    return 1
