"""Erasure (DPDP Act Sec. 12) that keeps the books: the member's account becomes a
pseudonym — the mobile number replaced by a keyed hash (HMAC-SHA256 with the server's
pseudonym key), name, email, card and birthday removed, consents withdrawn, sessions
ended, message addresses cleared. The ledger's entries, lots and chain head are not
touched (they hold no contact data), so every chain still verifies; the stored invoices
stay byte for byte as issued: Sec. 36 CGST Act keeps them for 72 months."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from loyalty_gst import identity
from loyalty_gst.errors import UnknownCustomer
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.privacy import consent
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import schema as s

KEY_NAME = "pseudonym"


@dataclass(frozen=True)
class Erased:
    account_id: int
    pseudonym: str
    already: bool = False


def _key(store: Store) -> bytes:
    """$LOYALTY_GST_PSEUDONYM_KEY (hex) when set — kept outside the database — else a key
    the store makes once."""
    env = os.environ.get("LOYALTY_GST_PSEUDONYM_KEY")
    if env:
        return bytes.fromhex(env)
    t = s.keys
    with store.engine.connect() as conn:
        text = conn.scalar(sa.select(t.c.pem).where(t.c.name == KEY_NAME))
    if text is None:
        try:
            with store.begin() as conn:
                conn.execute(
                    t.insert().values(
                        name=KEY_NAME,
                        pem=secrets.token_hex(32),
                        created_at=stamp(dt.datetime.now(dt.UTC)),
                    )
                )
        except sa.exc.IntegrityError:
            pass  # another process made it first
        with store.engine.connect() as conn:
            text = conn.scalar(sa.select(t.c.pem).where(t.c.name == KEY_NAME))
    return bytes.fromhex(str(text))


def pseudonym(store: Store, phone: str) -> str:
    """The keyed hash an erased member's number is kept as (finds a returning member's
    old account for fraud checks; cannot be reversed without the key)."""
    number = identity.normal_mobile(phone)
    return hmac.new(_key(store), number.encode(), hashlib.sha256).hexdigest()


def erase(store: Store, *, account_id: int, now: dt.datetime | None = None) -> Erased:
    """Erase the member's personal data; erasing twice changes nothing."""
    at = now or dt.datetime.now(dt.UTC)
    with store.engine.connect() as conn:
        a = acc.find(conn, id=account_id)
    if a is None:
        raise UnknownCustomer(f"no loyalty account {account_id}")
    if a.status == "erased":
        with store.engine.connect() as conn:
            ref = conn.scalar(
                sa.select(s.erasures.c.mobile_hmac).where(s.erasures.c.account_id == a.id)
            )
        return Erased(a.id, str(ref or ""), already=True)
    ref = pseudonym(store, a.mobile) if a.mobile else ""
    with store.begin() as conn:
        locked = acc.lock(conn, a.id)
        consent.withdraw_all(conn, a.id, channel="erasure", now=at)
        conn.execute(
            s.erasures.insert().values(account_id=a.id, mobile_hmac=ref, erased_at=stamp(at))
        )
        acc.update(
            conn, a.id, mobile=None, email=None, card_no=None, name=None, birthday=None,
            status="erased",
        )  # fmt: skip
        conn.execute(s.member_sessions.delete().where(s.member_sessions.c.account_id == a.id))
        m = s.messages
        conn.execute(m.update().where(m.c.account_id == a.id).values(to_number=None, params="[]"))
        conn.execute(
            m.update()
            .where(m.c.account_id == a.id, m.c.status == "queued")
            .values(status="failed", last_error="member erased")
        )
        conn.execute(s.otps.delete().where(s.otps.c.account_id == a.id))
        if locked.mobile:
            conn.execute(
                s.notify_outbox.delete().where(s.notify_outbox.c.to_number == locked.mobile)
            )
            _scrub_requests(conn, locked.mobile)
    return Erased(a.id, ref)


def _scrub_requests(conn: sa.Connection, number: str) -> None:
    """Stored first answers of keyed requests (replay caches, not documents) keep the
    invoice they answered with; its customer number becomes the masked one."""
    t = s.requests
    rows = conn.execute(
        sa.select(t.c.key, t.c.result).where(t.c.result.contains(number, autoescape=True))
    ).all()
    for r in rows:
        conn.execute(
            t.update().where(t.c.key == r.key).values(result=r.result.replace(number, mask(number)))
        )
