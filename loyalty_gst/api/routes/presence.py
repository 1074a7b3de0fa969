"""Presence proofs: an OTP sent to the customer's WhatsApp, or a signed app code."""

from __future__ import annotations

import datetime as dt
import time

from fastapi import APIRouter

from loyalty_gst import identity
from loyalty_gst.api import presence as pr
from loyalty_gst.api.deps import AppChannel, Seller, Svc, account_of
from loyalty_gst.api.schemas import AppCode, AppCodeRequest, OtpChallenge, OtpRequest

router = APIRouter(prefix="/v1/presence", tags=["presence"])


@router.post("/otp", response_model=OtpChallenge)
def otp(req: OtpRequest, c: Seller, svc: Svc) -> OtpChallenge:
    a = account_of(svc.store, req.mobile)
    phone = identity.normal_mobile(req.mobile)
    svc.notifier.check_otp(a.id)  # 503 without a sender, 409 after the member's STOP
    challenge, code, until = pr.new_otp(
        svc.store, account_id=a.id, phone=phone, now=dt.datetime.now(dt.UTC)
    )
    svc.notifier.otp(phone, code, account_id=a.id)
    return OtpChallenge(challenge_id=challenge, expires_at=until)


@router.post("/app-code", response_model=AppCode)
def app_code(req: AppCodeRequest, c: AppChannel, svc: Svc) -> AppCode:
    a = account_of(svc.store, req.mobile)
    code, exp = pr.app_code(
        svc.key, account_id=a.id, phone=identity.normal_mobile(req.mobile), now=time.time()
    )
    return AppCode(code=code, expires_at=dt.datetime.fromtimestamp(exp, dt.UTC).isoformat())
