"""Proof that the customer is at the till before points are spent: a 6-digit OTP sent by
WhatsApp (5 minutes, 5 attempts, 3 sends per 10 minutes), or a code the customer's app
shows as a QR — Ed25519-signed by the server, valid 5 minutes, single use online, and
verifiable by an offline terminal with the public key from /v1/program."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from loyalty_gst import keyfiles
from loyalty_gst.api import limits
from loyalty_gst.errors import (
    OtpAttemptsExceeded,
    OtpRateLimited,
    PresenceInvalid,
    PresenceRequired,
)
from loyalty_gst.identity import phone_ref
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

OTP_MINUTES = 5
OTP_ATTEMPTS = 5
OTP_SENDS_PER_10_MIN = 3  # to one number
OTP_SENDS_PER_TILL_10_MIN = 30  # asked by one till (or one channel)
OTP_SENDS_PER_STORE_10_MIN = 100  # asked by one store's tills together
APP_CODE_SECONDS = 300
MEMBER = "m"  # a sign-in challenge's id starts so; a till's never does (hex)


@cache
def _otp_key(folder: str) -> bytes:
    return keyfiles.secret("otp")


def otp_digest(challenge: str, code: str) -> str:
    """HMAC-SHA256 of the challenge and its code under the server's OTP key (a file
    outside the database): the stored digest cannot be reversed by trying 10⁶ codes
    without the key."""
    key = _otp_key(str(keyfiles.folder()))
    return hmac.new(key, f"{challenge}:{code}".encode(), hashlib.sha256).hexdigest()


# --- OTP ---


def new_otp(
    store: Store,
    *,
    account_id: int,
    phone: str,
    now: dt.datetime,
    store_code: str | None = None,
    terminal: str | None = None,
    sign_in: bool = False,
) -> tuple[str, str, str]:
    """(challenge id, code, expires_at) — the code goes to the notifier, never to a log.
    Limits over 10 minutes: per number, per till (or channel) and per store, exact across
    server processes and nodes (`limits.serialise`). A sign-in
    challenge (`sign_in`) opens a member session and proves nothing at a till."""
    ref = phone_ref(phone)
    t = s.otps
    since = stamp(now - dt.timedelta(minutes=10))

    def sent(*where: Any) -> int:
        return int(
            conn.scalar(sa.select(sa.func.count()).where(t.c.created_at >= since, *where)) or 0
        )

    with store.begin() as conn:
        scopes = (f"store:{store_code}", f"till:{store_code}/{terminal}") if store_code else ()
        limits.serialise(conn, account_id=account_id, scopes=scopes)
        if sent(t.c.phone_ref == ref) >= OTP_SENDS_PER_10_MIN:
            raise OtpRateLimited("too many codes sent to this number; try again in 10 minutes")
        if store_code is not None:
            mine = sent(t.c.store_code == store_code, t.c.terminal == terminal) if terminal else 0
            if terminal and mine >= OTP_SENDS_PER_TILL_10_MIN:
                raise OtpRateLimited("too many codes asked by this till; try again in 10 minutes")
            limit = OTP_SENDS_PER_STORE_10_MIN if terminal else OTP_SENDS_PER_TILL_10_MIN * 10
            if sent(t.c.store_code == store_code) >= limit:
                raise OtpRateLimited("too many codes asked by this store; try again in 10 minutes")
        hexes = secrets.token_hex(16)
        challenge = MEMBER + hexes[1:] if sign_in else hexes
        code = f"{secrets.randbelow(10**6):06d}"
        until = stamp(now + dt.timedelta(minutes=OTP_MINUTES))
        conn.execute(
            t.insert().values(
                id=challenge,
                account_id=account_id,
                phone_ref=ref,
                code_sha256=otp_digest(challenge, code),
                created_at=stamp(now),
                expires_at=until,
                attempts=0,
                store_code=store_code,
                terminal=terminal,
            )
        )
    return challenge, code, until


def check_otp(
    store: Store,
    *,
    challenge_id: str,
    code: str,
    account_id: int | None,
    now: dt.datetime,
    sign_in: bool = False,
) -> int:
    """Use the challenge once; a wrong code counts an attempt (committed even though the
    request fails), the sixth attempt is refused whatever the code. `account_id` None:
    any member's (a sign-in). Returns the challenge's account id."""
    t = s.otps
    if challenge_id.startswith(MEMBER) != sign_in:
        raise PresenceInvalid("no such OTP challenge for this purpose")
    with store.begin() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == challenge_id).with_for_update()).first()
        if row is None or (account_id is not None and row.account_id != account_id):
            raise PresenceInvalid("no such OTP challenge for this customer")
        if row.attempts >= OTP_ATTEMPTS:
            raise OtpAttemptsExceeded("too many wrong codes; ask for a new OTP")
        if row.used_at is not None or row.expires_at <= stamp(now):
            raise PresenceInvalid("the OTP has expired or was used; ask for a new one")
        good = hmac.compare_digest(row.code_sha256, otp_digest(challenge_id, code))
        conn.execute(
            t.update()
            .where(t.c.id == challenge_id)
            .values(
                attempts=t.c.attempts + (0 if good else 1),
                used_at=stamp(now) if good else None,
            )
        )
    if not good:
        raise PresenceInvalid("wrong OTP")
    return int(row.account_id)


# --- app codes (signed, verifiable offline) ---


def signing_key(store: Store) -> Ed25519PrivateKey:
    """The server's presence key, made on first use and kept in the store."""
    t = s.keys
    with store.engine.connect() as conn:
        pem = conn.scalar(sa.select(t.c.pem).where(t.c.name == "presence"))
    if pem is None:
        key = Ed25519PrivateKey.generate()
        text = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        try:
            with store.begin() as conn:
                conn.execute(
                    t.insert().values(
                        name="presence", pem=text, created_at=stamp(dt.datetime.now(dt.UTC))
                    )
                )
        except sa.exc.IntegrityError:
            pass  # another process made it first: use theirs
        with store.engine.connect() as conn:
            pem = conn.scalar(sa.select(t.c.pem).where(t.c.name == "presence"))
    loaded = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    return loaded


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def app_code(key: Ed25519PrivateKey, *, account_id: int, phone: str, now: float) -> tuple[str, int]:
    """(code, expiry as unix seconds)."""
    exp = int(now) + APP_CODE_SECONDS
    payload = json.dumps(
        {"a": account_id, "m": phone_ref(phone), "exp": exp, "n": secrets.token_hex(8)},
        separators=(",", ":"),
    ).encode()
    return f"{_b64(payload)}.{_b64(key.sign(payload))}", exp


def read_app_code(
    public: Ed25519PublicKey, code: str, *, phone: str, now: float | None = None
) -> dict[str, object]:
    """The code's payload if it is signed by `public`, for `phone`, and not expired at
    `now` (None: do not check expiry — an offline sale is judged by its own time)."""
    try:
        head, sig = code.split(".", 1)
        payload = _unb64(head)
        public.verify(_unb64(sig), payload)
        data: dict[str, object] = json.loads(payload)
    except (ValueError, InvalidSignature, TypeError) as exc:
        raise PresenceInvalid("the app code is not valid") from exc
    if data.get("m") != phone_ref(phone):
        raise PresenceInvalid("the app code belongs to another customer")
    if now is not None and int(str(data.get("exp", 0))) < now:
        raise PresenceInvalid("the app code has expired")
    return data


def use_app_code(store: Store, code: str, *, phone: str, account_id: int) -> None:
    """Online: valid now, this customer's, and never used before."""
    key = signing_key(store)
    data = read_app_code(key.public_key(), code, phone=phone, now=time.time())
    if data.get("a") != account_id:
        raise PresenceInvalid("the app code belongs to another account")
    try:
        with store.begin() as conn:
            conn.execute(
                s.nonces.insert().values(
                    nonce=str(data["n"]), used_at=stamp(dt.datetime.now(dt.UTC))
                )
            )
    except sa.exc.IntegrityError as exc:
        raise PresenceInvalid("the app code was already used") from exc


def offline_proof(key: Ed25519PrivateKey) -> Callable[[sa.Connection, Any, int], None]:
    """The check of an offline sale's presence at sync, inside its transaction: the app
    code the till saw is signed by us, the member's, valid when the sale was made, and
    used for no other sale (its nonce is spent here)."""
    public = key.public_key()

    def check(conn: sa.Connection, event: Any, account_id: int) -> None:
        code, sale = event.presence_code, event.sale
        if not code or sale is None or not sale.customer:
            raise PresenceRequired("an offline redemption carries the app code the member showed")
        data = read_app_code(public, code, phone=sale.customer, now=None)
        if data.get("a") != account_id:
            raise PresenceInvalid("the app code belongs to another account")
        exp = int(str(data.get("exp", 0)))
        made = event.created_at.timestamp()
        if not (exp - APP_CODE_SECONDS - 60 <= made <= exp) or made > time.time() + 300:
            raise PresenceInvalid("the app code was not valid when the sale was made")
        nonce = str(data["n"])
        if conn.scalar(sa.select(s.nonces.c.nonce).where(s.nonces.c.nonce == nonce)):
            raise PresenceInvalid("the app code was already used")
        conn.execute(s.nonces.insert().values(nonce=nonce, used_at=stamp(dt.datetime.now(dt.UTC))))

    return check
