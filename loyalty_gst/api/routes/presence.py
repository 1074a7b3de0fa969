"""Presence proofs: an OTP sent to the customer's WhatsApp (asked by a till or a
channel), or the app code of the member's own session."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from fastapi import APIRouter

from loyalty_gst import identity
from loyalty_gst.api import presence as pr
from loyalty_gst.api.deps import Member, Seller, Svc, account_of
from loyalty_gst.api.schemas import AppCode, OtpChallenge, OtpRequest
from loyalty_gst.errors import Unauthorized
from loyalty_gst.store import schema as s

router = APIRouter(prefix="/v1/presence", tags=["presence"])


@router.post("/otp", response_model=OtpChallenge)
def otp(req: OtpRequest, c: Seller, svc: Svc) -> OtpChallenge:
    a = account_of(svc.store, req.mobile)
    phone = identity.normal_mobile(req.mobile)
    svc.notifier.check_otp(a.id)  # 503 without a sender, 409 after the member's STOP
    challenge, code, until = pr.new_otp(
        svc.store, account_id=a.id, phone=phone, now=dt.datetime.now(dt.UTC),
        store_code=c.store_code, terminal=c.terminal,
    )  # fmt: skip
    svc.notifier.otp(phone, code, account_id=a.id)
    return OtpChallenge(challenge_id=challenge, expires_at=until)


@router.post("/app-code", response_model=AppCode)
def app_code(c: Member, svc: Svc) -> AppCode:
    """The code the member's app shows as a QR at a till: signed for the session's own
    member, valid 5 minutes, single use."""
    a = s.accounts
    with svc.store.engine.connect() as conn:
        mobile = conn.scalar(
            sa.select(a.c.mobile).where(a.c.id == c.account_id, a.c.status == "active")
        )
    if not mobile or c.account_id is None:
        raise Unauthorized("the session's member has no active account")
    code, exp = pr.app_code(svc.key, account_id=c.account_id, phone=mobile, now=time.time())
    return AppCode(code=code, expires_at=dt.datetime.fromtimestamp(exp, dt.UTC).isoformat())
