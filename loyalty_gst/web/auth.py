"""Who calls the browser pages' endpoints: staff by their bearer token (a till's, an
admin's — kept by the page in sessionStorage, never rendered into HTML), members by
their session cookie (HttpOnly, SameSite=Strict, Secure over TLS; only its hash stored).
A state-changing member request also carries the X-Requested-With header, which a
cross-site form cannot send."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request, Response

from loyalty_gst.api import deps
from loyalty_gst.errors import Forbidden, Unauthorized
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import schema as s

COOKIE = "lgst_member"
SESSION_HOURS = 12
CSRF_HEADER = "x-requested-with"


def store_of(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


Caller = deps.Caller
Till = deps.TerminalCaller
Admin = deps.Admin


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(store: Store, request: Request, response: Response, account_id: int) -> None:
    secret = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    with store.begin() as conn:
        conn.execute(
            s.member_sessions.insert().values(
                id=_digest(secret),
                account_id=account_id,
                created_at=stamp(now),
                expires_at=stamp(now + dt.timedelta(hours=SESSION_HOURS)),
            )
        )
    response.set_cookie(
        COOKIE,
        secret,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        secure=is_tls(request),
        samesite="strict",
        path="/",
    )


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def close_session(store: Store, request: Request, response: Response) -> None:
    secret = request.cookies.get(COOKIE)
    if secret:
        with store.begin() as conn:
            conn.execute(
                s.member_sessions.delete().where(s.member_sessions.c.id == _digest(secret))
            )
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=is_tls(request)
    )


def member_or_none(request: Request) -> acc.Account | None:
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    t = s.member_sessions
    store = store_of(request)
    now = stamp(dt.datetime.now(dt.UTC))
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.c.account_id).where(t.c.id == _digest(secret), t.c.expires_at > now)
        ).first()
        if row is None:
            return None
        a = acc.find(conn, id=row.account_id)
    if a is None or a.status != "active" or not a.mobile:
        return None
    return a


def member(request: Request) -> acc.Account:
    a = member_or_none(request)
    if a is None:
        raise Unauthorized("sign in with your mobile number and a WhatsApp code")
    if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != "loyalty-gst":
        raise Forbidden("a member's change is sent by the member page only")
    return a


Member = Annotated[acc.Account, Depends(member)]


def same_origin_post(request: Request) -> None:
    if request.headers.get(CSRF_HEADER) != "loyalty-gst":
        raise Forbidden("a member's sign-in is sent by the member page only")
