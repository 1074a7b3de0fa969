"""The member's own endpoints under /me (session cookie): sign in by mobile + WhatsApp
OTP, their app code as a QR, consent by purpose, their data as JSON, erasure."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, WithJsonSchema

from loyalty_gst import identity
from loyalty_gst.api import presence
from loyalty_gst.errors import InvalidInput, PresenceInvalid, UnknownCustomer
from loyalty_gst.privacy import consent, erase, export
from loyalty_gst.store import accounts as acc
from loyalty_gst.web import auth
from loyalty_gst.web.qr import svg_data_uri

router = APIRouter(prefix="/me", tags=["member"])


class OtpAsk(BaseModel):
    mobile: str = Field(min_length=10, max_length=20)


class SignIn(BaseModel):
    mobile: str = Field(min_length=10, max_length=20)
    challenge_id: str = Field(min_length=8, max_length=64)
    otp: str = Field(pattern=r"^[0-9]{6}$")


class ConsentChange(BaseModel):
    purpose: str
    granted: bool
    wording: str = consent.CURRENT_WORDING


class EraseAsk(BaseModel):
    # the schema says what the check below takes: exactly "ERASE"
    confirm: Annotated[str, WithJsonSchema({"type": "string", "const": "ERASE"})] = Field(
        max_length=20
    )


def _account(request: Request, mobile: str) -> acc.Account | None:
    with auth.store_of(request).engine.connect() as conn:
        try:
            a = identity.resolve(conn, phone=mobile)
        except UnknownCustomer:
            return None
    return a if a.status == "active" else None


@router.post("/otp", dependencies=[Depends(auth.same_origin_post)])
def ask_otp(req: OtpAsk, request: Request) -> dict[str, str]:
    """A code on WhatsApp; an unknown number gets a challenge that never signs in (the
    answer does not tell whether a number is a member)."""
    phone = identity.normal_mobile(req.mobile)
    a = _account(request, phone)
    notifier = request.app.state.notifier
    if a is None:
        if notifier.config is None:
            notifier.check_otp(0)  # the same 503 a member would see
        return {"challenge_id": presence.MEMBER + secrets.token_hex(16)[1:]}
    notifier.check_otp(a.id)
    st = auth.store_of(request)
    challenge, code, until = presence.new_otp(
        st, account_id=a.id, phone=phone, now=dt.datetime.now(dt.UTC), sign_in=True
    )
    notifier.otp(phone, code, account_id=a.id)
    return {"challenge_id": challenge, "expires_at": until}


@router.post("/sign-in", dependencies=[Depends(auth.same_origin_post)])
def sign_in(req: SignIn, request: Request) -> Response:
    a = _account(request, identity.normal_mobile(req.mobile))
    if a is None:
        raise PresenceInvalid("wrong code")
    presence.check_otp(
        auth.store_of(request),
        challenge_id=req.challenge_id,
        code=req.otp,
        account_id=a.id,
        now=dt.datetime.now(dt.UTC),
        sign_in=True,  # a till's code proves presence at the till, never a sign-in
    )
    reply = JSONResponse({"signed_in": True})
    auth.open_session(auth.store_of(request), request, reply, a.id)
    return reply


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    reply = JSONResponse({"signed_in": False})
    auth.close_session(auth.store_of(request), request, reply)
    return reply


@router.get("/app-code")
def app_code(a: auth.Member, request: Request) -> dict[str, str]:
    """A presence code for this member only, from their own signed-in session."""
    key = request.app.state.services.key
    assert a.mobile is not None
    code, exp = presence.app_code(key, account_id=a.id, phone=a.mobile, now=time.time())
    return {
        "code": code,
        "expires_at": dt.datetime.fromtimestamp(exp, dt.UTC).isoformat(),
        "qr": svg_data_uri(code),
    }


@router.post("/consent")
def change_consent(req: ConsentChange, a: auth.Member, request: Request) -> dict[str, bool]:
    with auth.store_of(request).begin() as conn:
        consent.record(
            conn, a.id, req.purpose, req.granted, channel="member_page", wording=req.wording
        )
        now = consent.current(conn, a.id)
    return {p: bool(now.get(p) and now[p].granted) for p in consent.PURPOSES}


@router.get("/data.json")
def my_data(a: auth.Member, request: Request) -> Response:
    body = export(auth.store_of(request), account_id=a.id)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1, default=str),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-loyalty-data.json"'},
    )


@router.post("/erase")
def erase_me(
    req: EraseAsk, a: Annotated[acc.Account, Depends(auth.member)], request: Request
) -> Response:
    if req.confirm != "ERASE":
        raise InvalidInput.one("confirm", req.confirm[:20], "type ERASE to confirm")
    st = auth.store_of(request)
    erase(st, account_id=a.id)
    reply = JSONResponse({"erased": True})
    auth.close_session(st, request, reply)
    return reply
