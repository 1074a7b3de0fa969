"""API tokens: `lgst_<id>_<secret>`; only sha256(secret) is stored. Each terminal and each
web/app channel has its own, bound to a store and that store's GSTIN registration; an
admin token manages the others.

Every token expires: `ttl(kind)` after it was issued (terminal and channel 90 days, admin
30 days; LOYALTY_GST_TOKEN_TTL_<KIND> in seconds overrides). `rotate` issues the
successor with the same binding and lets the old token live on for a grace period, so a
till switches over without downtime. A revocation is seen by every server process and
node within `CACHE_SECONDS`: the token check reads the row through a short cache (one
query per token and process at most every CACHE_SECONDS, not a transaction per request);
revoking in this process evicts it at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from loyalty_gst import company
from loyalty_gst.api import sessions
from loyalty_gst.errors import InvalidInput, Unauthorized
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

KINDS = ("terminal", "channel", "admin")
TTL = {
    "terminal": dt.timedelta(days=90),
    "channel": dt.timedelta(days=90),
    "admin": dt.timedelta(days=30),
}
CACHE_SECONDS = 0.5  # a revocation on another node is refused within this
ROTATE_GRACE = dt.timedelta(hours=1)


def ttl(kind: str) -> dt.timedelta:
    """How long a token of `kind` lives after it was issued."""
    seconds = os.environ.get(f"LOYALTY_GST_TOKEN_TTL_{kind.upper()}")
    return dt.timedelta(seconds=int(seconds)) if seconds else TTL[kind]


def expires_at(kind: str, created_at: str) -> str:
    """The stamp at which a token issued at `created_at` stops working."""
    born = dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return stamp(born + ttl(kind))


@dataclass(frozen=True)
class Caller:
    id: str
    kind: str  # terminal | channel | admin | member (a member's own session)
    store_code: str | None
    gstin: str | None
    terminal: str | None
    where: str | None = None  # the store's channel as set up: store | web | app
    account_id: int | None = None  # a member session's account

    @property
    def channel(self) -> str | None:
        """web | app for a channel token; store for a terminal."""
        if self.kind == "terminal":
            return "store"
        if self.kind == "channel":
            return self.where
        return None


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str
    kind: str
    store_code: str | None
    gstin: str | None
    terminal: str | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def gstin_of(store: Store, code: str) -> str:
    """The GSTIN a store bills under, as set up."""
    return company.current(store).seller(code).gstin


def issue(
    store: Store, *, kind: str, store_code: str | None = None, terminal: str | None = None
) -> IssuedToken:
    """A new token; its text is returned once and never stored."""
    if kind not in KINDS:
        raise InvalidInput.one("kind", kind, f"one of {', '.join(KINDS)}")
    gstin = None
    if kind != "admin":
        if not store_code:
            raise InvalidInput.one("store", None, f"a {kind} token is bound to a store")
        spec = company.current(store).store(store_code)
        gstin = gstin_of(store, store_code)
        where = spec.channel
        if kind == "terminal" and (not terminal or where != "store"):
            raise InvalidInput.one("terminal", terminal, "a terminal token names a till of a store")
        if kind == "terminal" and terminal not in spec.tills:
            raise InvalidInput.one(
                "terminal", terminal, f"not a till of {store_code} (tills: {', '.join(spec.tills)})"
            )
        if kind == "channel" and where not in ("web", "app"):
            raise InvalidInput.one("store", store_code, "a channel token is for WEB or APP")
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.begin() as conn:
        conn.execute(
            s.tokens.insert().values(
                id=token_id,
                kind=kind,
                store_code=store_code if kind != "admin" else None,
                gstin=gstin,
                terminal=terminal if kind == "terminal" else None,
                secret_sha256=_digest(secret),
                created_at=stamp(dt.datetime.now(dt.UTC)),
            )
        )
    return IssuedToken(
        token_id,
        f"lgst_{token_id}_{secret}",
        kind,
        store_code if kind != "admin" else None,
        gstin,
        terminal if kind == "terminal" else None,
    )


def revoke(store: Store, token_id: str, *, at: dt.datetime | None = None) -> bool:
    """Revoke a live token now (or from `at`, a rotation's end of grace). A token whose
    revocation was only scheduled is revoked now."""
    t = s.tokens
    now = stamp(dt.datetime.now(dt.UTC))
    with store.begin() as conn:
        done = conn.execute(
            t.update()
            .where(t.c.id == token_id, sa.or_(t.c.revoked_at.is_(None), t.c.revoked_at > now))
            .values(revoked_at=stamp(at) if at is not None else now)
        )
    _forget(store, token_id)
    return bool(done.rowcount)


def rotate(
    store: Store, token_id: str, *, grace: dt.timedelta = ROTATE_GRACE
) -> IssuedToken | None:
    """A successor for a live token (same kind, store, terminal); the old one keeps
    working for `grace`, then stops. None when there is no such live token."""
    t = s.tokens
    now = stamp(dt.datetime.now(dt.UTC))
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == token_id)).first()
    if row is None or (row.revoked_at is not None and row.revoked_at <= now):
        return None
    new = issue(store, kind=row.kind, store_code=row.store_code, terminal=row.terminal)
    revoke(store, token_id, at=dt.datetime.now(dt.UTC) + grace)
    return new


def listing(store: Store) -> list[sa.Row[object]]:
    t = s.tokens
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(t).order_by(t.c.created_at)))


def authenticate(store: Store, header: str | None) -> Caller:
    """The caller of an `Authorization: Bearer lgst_<id>_<secret>` header, or Unauthorized."""
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("a bearer token is required")
    if header[7:].strip().startswith(f"{sessions.PREFIX}_"):
        sid, account_id = sessions.member_of(store, header[7:].strip())
        return Caller(sid, "member", None, None, None, account_id=account_id)
    parts = header[7:].strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "lgst" or not parts[1] or not parts[2]:
        raise Unauthorized("malformed token")
    row = _row(store, parts[1])
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(parts[2])):
        raise Unauthorized("unknown token")
    now = stamp(dt.datetime.now(dt.UTC))
    if row.revoked_at is not None and row.revoked_at <= now:
        raise Unauthorized("this token was revoked")
    if expires_at(row.kind, row.created_at) <= now:
        raise Unauthorized("this token has expired; issue or rotate a new one")
    where = None
    if row.kind == "channel" and row.store_code:
        where = company.current(store).store(row.store_code).channel
    who = Caller(row.id, row.kind, row.store_code, row.gstin, row.terminal, where)
    now_at = time.monotonic()
    soon = stamp(dt.datetime.now(dt.UTC) + CACHE_DT)  # a scheduled end is kept exactly
    if expires_at(row.kind, row.created_at) > soon and (row.revoked_at or "~") > soon:
        with _cache_lock:  # the checked text: the next CACHE_SECONDS need no digest or read
            if len(_callers) > 10_000:
                _callers.clear()
            _callers[header[7:].strip()] = (now_at, who, store.url)
    return who


def cached(store: Store, header: str | None) -> Caller | None:
    """The caller of a terminal, channel or admin token whose check is in this process's
    cache and fresh — no database work; None: ask `authenticate`."""
    if not header or not header.startswith("Bearer lgst_"):
        return None
    text = header[7:].strip()
    hit = _callers.get(text)
    if hit is None or time.monotonic() - hit[0] >= CACHE_SECONDS or hit[2] != store.url:
        return None
    return hit[1]


_TOKEN = sa.select(s.tokens).where(s.tokens.c.id == sa.bindparam("id"))
_cache: dict[tuple[str, str], tuple[float, Any]] = {}
_callers: dict[str, tuple[float, Caller, str]] = {}
CACHE_DT = dt.timedelta(seconds=CACHE_SECONDS)
_cache_lock = threading.Lock()


def _row(store: Store, token_id: str) -> Any:
    """The token's row, read from the database at most every CACHE_SECONDS per process."""
    key = (store.url, token_id)
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    with store.engine.connect() as conn:
        row = conn.execute(_TOKEN, {"id": token_id}).first()
    with _cache_lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (time.monotonic(), row)
    return row


def _forget(store: Store, token_id: str) -> None:
    with _cache_lock:
        _cache.pop((store.url, token_id), None)
        for text in [k for k in _callers if k.startswith(f"lgst_{token_id}_")]:
            _callers.pop(text, None)
