"""A member signs in with their mobile and an OTP (through the web shop or the app) and
gets a session of their own, kept on their device; it is what shows their app code."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from loyalty_gst import identity
from loyalty_gst.api import presence as pr
from loyalty_gst.api import sessions
from loyalty_gst.api.deps import ChannelCaller, Member, Svc, account_of
from loyalty_gst.api.schemas import MemberSession, OtpChallenge, OtpRequest, SignIn

router = APIRouter(prefix="/v1/members", tags=["members"])


@router.post("/otp", response_model=OtpChallenge)
def sign_in_otp(req: OtpRequest, c: ChannelCaller, svc: Svc) -> OtpChallenge:
    """Send a sign-in code to the member's WhatsApp (it proves nothing at a till)."""
    a = account_of(svc.store, req.mobile)
    phone = identity.normal_mobile(req.mobile)
    svc.notifier.check_otp(a.id)  # 503 without a sender, 409 after the member's STOP
    challenge, code, until = pr.new_otp(
        svc.store, account_id=a.id, phone=phone, now=dt.datetime.now(dt.UTC),
        store_code=c.store_code, sign_in=True,
    )  # fmt: skip
    svc.notifier.otp(phone, code, account_id=a.id)
    return OtpChallenge(challenge_id=challenge, expires_at=until)


@router.post("/session", response_model=MemberSession)
def sign_in(req: SignIn, c: ChannelCaller, svc: Svc) -> MemberSession:
    account_id = pr.check_otp(
        svc.store, challenge_id=req.challenge_id, code=req.otp, account_id=None,
        now=dt.datetime.now(dt.UTC), sign_in=True,
    )  # fmt: skip
    token, until = sessions.open_session(svc.store, account_id)
    return MemberSession(session=token, expires_at=until)


@router.delete("/session", status_code=204)
def sign_out(c: Member, svc: Svc) -> Response:
    sessions.end_session(svc.store, c.id)
    return Response(status_code=204)
