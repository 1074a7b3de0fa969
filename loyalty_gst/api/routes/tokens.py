"""Tokens, issued and revoked by an admin; a token's text is shown once."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from loyalty_gst.api import tokens as tk
from loyalty_gst.api.deps import Admin, Svc
from loyalty_gst.api.schemas import TokenIssued, TokenRequest, TokenView
from loyalty_gst.errors import InvalidInput, NotFound

GRACE_MAX = 30 * 86400

router = APIRouter(prefix="/v1/tokens", tags=["admin"])


@router.post("", response_model=TokenIssued)
def new_token(req: TokenRequest, c: Admin, svc: Svc) -> TokenIssued:
    store_code, terminal = getattr(req, "store", None), getattr(req, "terminal", None)
    try:
        t = tk.issue(svc.store, kind=req.kind, store_code=store_code, terminal=terminal)
    except InvalidInput as exc:  # the store named is not one of the company's of that kind
        raise NotFound(str(exc)) from None
    return TokenIssued(
        id=t.id,
        kind=t.kind,
        store=t.store_code,
        gstin=t.gstin,
        terminal=t.terminal,
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        revoked_at=None,
        token=t.token,
    )


@router.get("", response_model=list[TokenView])
def list_tokens(c: Admin, svc: Svc) -> list[TokenView]:
    return [
        TokenView(
            id=r.id,
            kind=r.kind,
            store=r.store_code,
            gstin=r.gstin,
            terminal=r.terminal,
            created_at=r.created_at,
            revoked_at=r.revoked_at,
            expires_at=tk.expires_at(r.kind, r.created_at),
        )
        for r in tk.listing(svc.store)
    ]


@router.post("/{token_id}/rotate", response_model=TokenIssued)
def rotate_token(
    token_id: str,
    c: Admin,
    svc: Svc,
    grace_seconds: Annotated[int, Query(ge=0, le=GRACE_MAX)] = 3600,
) -> TokenIssued:
    """A successor token (same kind, store, till); the old one works `grace_seconds` more
    (at most 30 days; the bound is in the schema, so the schema says what is accepted)."""
    t = tk.rotate(svc.store, token_id, grace=dt.timedelta(seconds=grace_seconds))
    if t is None:
        raise NotFound("no such live token")
    now = tk.stamp(dt.datetime.now(dt.UTC))
    return TokenIssued(
        id=t.id, kind=t.kind, store=t.store_code, gstin=t.gstin, terminal=t.terminal,
        created_at=now, revoked_at=None, expires_at=tk.expires_at(t.kind, now), token=t.token,
    )  # fmt: skip


@router.delete("/{token_id}", status_code=204)
def revoke_token(token_id: str, c: Admin, svc: Svc) -> Response:
    if not tk.revoke(svc.store, token_id):
        raise NotFound("no such live token")
    return Response(status_code=204)
