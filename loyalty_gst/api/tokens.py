"""API tokens: `lgst_<id>_<secret>`; only sha256(secret) is stored. Each terminal and each
web/app channel has its own, bound to a store and that store's GSTIN registration; an
admin token manages the others. Revoked tokens fail at once (checked on every request)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from loyalty_gst import company
from loyalty_gst.errors import InvalidInput, Unauthorized
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

KINDS = ("terminal", "channel", "admin")


@dataclass(frozen=True)
class Caller:
    id: str
    kind: str
    store_code: str | None
    gstin: str | None
    terminal: str | None
    where: str | None = None  # the store's channel as set up: store | web | app

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


def revoke(store: Store, token_id: str) -> bool:
    t = s.tokens
    with store.begin() as conn:
        done = conn.execute(
            t.update()
            .where(t.c.id == token_id, t.c.revoked_at.is_(None))
            .values(revoked_at=stamp(dt.datetime.now(dt.UTC)))
        )
    return bool(done.rowcount)


def listing(store: Store) -> list[sa.Row[object]]:
    t = s.tokens
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(t).order_by(t.c.created_at)))


def authenticate(store: Store, header: str | None) -> Caller:
    """The caller of an `Authorization: Bearer lgst_<id>_<secret>` header, or Unauthorized."""
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("a bearer token is required")
    parts = header[7:].strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "lgst" or not parts[1] or not parts[2]:
        raise Unauthorized("malformed token")
    t = s.tokens
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == parts[1])).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(parts[2])):
        raise Unauthorized("unknown token")
    if row.revoked_at is not None:
        raise Unauthorized("this token was revoked")
    where = None
    if row.kind == "channel" and row.store_code:
        where = company.current(store).store(row.store_code).channel
    return Caller(row.id, row.kind, row.store_code, row.gstin, row.terminal, where)
