"""Consent by purpose (DPDP Act Sec. 6): each decision is a new row — when, through which
channel, and which version of the wording the member saw; the latest row per purpose is
the one in force. Nothing is sent for a purpose without a granted row (no row: no)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from loyalty_gst.errors import InvalidInput
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import schema as s

PURPOSES = ("otp", "receipts", "reminders", "tier")
CHANNELS = ("member_page", "desk", "whatsapp", "otp_request", "erasure")
# the wording each version showed, in each language; a changed text is a new version
WORDING = {
    "wa-1": {
        "en": {
            "otp": "Send me one-time codes on WhatsApp when I redeem points or sign in.",
            "receipts": "Send me a WhatsApp message with the points I earn and redeem.",
            "reminders": "Remind me on WhatsApp before my points expire.",
            "tier": "Tell me on WhatsApp when my tier changes.",
        },
        "hi": {
            "otp": "पॉइंट भुनाते या साइन इन करते समय मुझे WhatsApp पर एक बार का कोड भेजें।",
            "receipts": "कमाए और भुनाए गए पॉइंट का संदेश मुझे WhatsApp पर भेजें।",
            "reminders": "मेरे पॉइंट समाप्त होने से पहले मुझे WhatsApp पर याद दिलाएँ।",
            "tier": "मेरा टियर बदलने पर मुझे WhatsApp पर बताएँ।",
        },
    },
}
CURRENT_WORDING = "wa-1"


@dataclass(frozen=True)
class Consent:
    purpose: str
    granted: bool
    channel: str
    wording: str
    at: str


def record(
    conn: sa.Connection,
    account_id: int,
    purpose: str,
    granted: bool,
    *,
    channel: str,
    wording: str = CURRENT_WORDING,
    now: dt.datetime | None = None,
) -> Consent:
    if purpose not in PURPOSES:
        raise InvalidInput.one("purpose", purpose, f"one of {', '.join(PURPOSES)}")
    if channel not in CHANNELS:
        raise InvalidInput.one("channel", channel, f"one of {', '.join(CHANNELS)}")
    if wording not in WORDING:
        raise InvalidInput.one("wording", wording, f"one of {', '.join(WORDING)}")
    at = stamp(now or dt.datetime.now(dt.UTC))
    conn.execute(
        s.consents.insert().values(
            account_id=account_id,
            purpose=purpose,
            granted=granted,
            channel=channel,
            wording=wording,
            at=at,
        )
    )
    return Consent(purpose, granted, channel, wording, at)


def current(conn: sa.Connection, account_id: int) -> dict[str, Consent]:
    """The decision in force per purpose (purposes never decided are absent)."""
    t = s.consents
    rows = conn.execute(sa.select(t).where(t.c.account_id == account_id).order_by(t.c.id)).all()
    out: dict[str, Consent] = {}
    for r in rows:
        out[r.purpose] = Consent(r.purpose, bool(r.granted), r.channel, r.wording, r.at)
    return out


def allowed(conn: sa.Connection, account_id: int, purpose: str) -> bool:
    c = current(conn, account_id).get(purpose)
    return bool(c and c.granted)


def history(conn: sa.Connection, account_id: int) -> list[Consent]:
    t = s.consents
    rows = conn.execute(sa.select(t).where(t.c.account_id == account_id).order_by(t.c.id))
    return [Consent(r.purpose, bool(r.granted), r.channel, r.wording, r.at) for r in rows]


def withdraw_all(
    conn: sa.Connection, account_id: int, *, channel: str, now: dt.datetime | None = None
) -> list[str]:
    """Every purpose in force set to no (a STOP reply, an erasure); returns those changed."""
    changed = []
    for purpose, c in current(conn, account_id).items():
        if c.granted:
            record(conn, account_id, purpose, False, channel=channel, now=now)
            changed.append(purpose)
    return changed
