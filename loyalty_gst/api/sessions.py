"""Member sessions as a bearer: the member's own sign-in (mobile + OTP) kept on their
device as `lgsm_<secret>` — the same sessions as the member page's cookie
(lgst_member_sessions, only the secret's SHA-256 stored). A session is the only thing that
obtains the member's app code (presence at a till): no channel or till token can have one
made for a mobile number."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from loyalty_gst.errors import Unauthorized
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

PREFIX = "lgsm"
SESSION_DAYS = 90


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(
    store: Store, account_id: int, *, now: dt.datetime | None = None, days: int = SESSION_DAYS
) -> tuple[str, str]:
    """(bearer text shown once, expires_at) for a member who has just proven their
    number (the caller's duty: an OTP sign-in, or enrolment at the store's desk)."""
    at = now or dt.datetime.now(dt.UTC)
    secret = secrets.token_urlsafe(32)
    until = stamp(at + dt.timedelta(days=days))
    with store.begin() as conn:
        conn.execute(
            s.member_sessions.insert().values(
                id=_digest(secret), account_id=account_id, created_at=stamp(at), expires_at=until
            )
        )
    return f"{PREFIX}_{secret}", until


def member_of(store: Store, text: str, *, now: dt.datetime | None = None) -> tuple[str, int]:
    """(session id, account id) of a live session's bearer text, or Unauthorized."""
    head, _, secret = text.partition("_")
    if head != PREFIX or not secret:
        raise Unauthorized("malformed session")
    t = s.member_sessions
    at = stamp(now or dt.datetime.now(dt.UTC))
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.c.id, t.c.account_id).where(t.c.id == _digest(secret), t.c.expires_at > at)
        ).first()
    if row is None:
        raise Unauthorized("unknown or ended session; sign in again")
    return str(row.id), int(row.account_id)


def end_session(store: Store, session_id: str) -> bool:
    t = s.member_sessions
    with store.begin() as conn:
        done = conn.execute(t.delete().where(t.c.id == session_id))
    return bool(done.rowcount)
