"""The WhatsApp Cloud API webhook route (handshake and signed notifications) and the
admin's member export and erasure."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from loyalty_gst.errors import Forbidden, InvalidInput
from loyalty_gst.notify import webhook
from loyalty_gst.privacy import erase, export
from loyalty_gst.web import auth
from loyalty_gst.web.member_api import EraseAsk

router = APIRouter(prefix="/v1", tags=["whatsapp"])
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/whatsapp/webhook", response_class=PlainTextResponse)
def handshake(
    request: Request,
    mode: str = Query("", alias="hub.mode", max_length=32),
    token: str = Query("", alias="hub.verify_token", max_length=200),
    challenge: str = Query("", alias="hub.challenge", max_length=200),
) -> str:
    cfg = request.app.state.notifier.config
    if mode != "subscribe" or cfg is None or not cfg.verify_token or token != cfg.verify_token:
        raise Forbidden("the webhook verify token does not match")
    return challenge


@router.post("/whatsapp/webhook")
async def notification(request: Request) -> dict[str, int]:
    raw = await request.body()
    notifier = request.app.state.notifier
    webhook.check_signature(notifier.config, raw, request.headers.get("x-hub-signature-256"))
    try:
        payload: dict[str, Any] = json.loads(raw)
    except ValueError:
        raise InvalidInput.one("body", "…", "JSON") from None
    return webhook.handle(auth.store_of(request), payload)


@router.get("/members/{account_id}/export", tags=["members"])
def member_export(account_id: AccountId, c: auth.Admin, request: Request) -> Response:
    body = export(auth.store_of(request), account_id=account_id)
    return Response(
        json.dumps(body, ensure_ascii=False, default=str), media_type="application/json"
    )


@router.post("/members/{account_id}/erase", tags=["members"])
def member_erase(
    account_id: AccountId, req: EraseAsk, c: auth.Admin, request: Request
) -> dict[str, object]:
    """Erase the member's personal data (the body says {"confirm": "ERASE"})."""
    if req.confirm != "ERASE":
        raise InvalidInput.one("confirm", req.confirm[:20], "type ERASE to confirm")
    done = erase(auth.store_of(request), account_id=account_id)
    return {"account_id": done.account_id, "erased": True, "already": done.already}
