"""Presence only the member can give, attacked against a real server: no channel or till
token has an app code made for a mobile; a member signs in by OTP for a session of their
own; OTPs are kept as keyed hashes, never readable in the outbox; limits per number and
per till."""

from __future__ import annotations

import hashlib
import hmac
import json

import sqlalchemy as sa
from channel_helpers import Api, seed, worked_sale

from loyalty_gst.store import schema as s


def test_no_token_mints_app_codes_for_a_mobile(api: Api) -> None:
    phone = "+919000000201"
    seed(api.store, [phone])
    got = [
        api.call(token, "POST", "/v1/presence/app-code", {"mobile": phone}).status_code
        for _ in range(30)
        for token in (api.app, api.web, api.t1, api.admin, "lgsm_nope_x")
    ]
    assert set(got) <= {401, 403} and got.count(403) == 120  # 150 asks, 0 codes


def test_a_member_signs_in_by_otp_and_their_session_shows_their_code(api: Api) -> None:
    phone = "+919000000202"
    seed(api.store, [phone])
    r = api.call(api.app, "POST", "/v1/members/otp", {"mobile": phone})
    assert r.status_code == 200, r.text
    challenge, code = r.json()["challenge_id"], api.wa.last_code(phone)
    assert code is not None
    # a sign-in code is no proof at a till, and a till's challenge signs no one in
    sale = worked_sale("BAN1/2512/00901", phone=phone)
    proof = {"challenge_id": challenge, "otp": code}
    body = {"key": "pa1", "sale": sale, "points": 100, "presence": proof}
    r = api.call(api.t1, "POST", "/v1/commit", body)
    assert r.status_code == 403 and r.json()["code"] == "presence_invalid"
    session = api.call(api.app, "POST", "/v1/members/session", proof)
    assert session.status_code == 200, session.text
    token = session.json()["session"]
    assert token.startswith("lgsm_")
    # the same code signs in only once
    assert api.call(api.app, "POST", "/v1/members/session", proof).status_code == 403
    app_code = api.call(token, "POST", "/v1/presence/app-code").json()["code"]
    body["presence"] = {"app_code": app_code}
    done = api.call(api.t1, "POST", "/v1/commit", body)
    assert done.status_code == 200 and done.json()["points_redeemed"] == 100
    # the session cannot sell, look anyone up or read tokens
    assert api.call(token, "POST", "/v1/customers/lookup", {"mobile": phone}).status_code == 403
    assert api.call(token, "GET", "/v1/tokens").status_code == 403
    # signed out: gone
    assert api.call(token, "DELETE", "/v1/members/session").status_code == 204
    assert api.call(token, "POST", "/v1/presence/app-code").status_code == 401


def test_otps_are_keyed_hashes_and_never_readable_in_the_outbox(api: Api) -> None:
    phone = "+919000000203"
    seed(api.store, [phone])
    r = api.call(api.t1, "POST", "/v1/presence/otp", {"mobile": phone})
    challenge, code = r.json()["challenge_id"], api.wa.last_code(phone)
    assert code is not None
    with api.store.engine.connect() as conn:
        stored = conn.scalar(sa.select(s.otps.c.code_sha256).where(s.otps.c.id == challenge))
        outbox = [
            json.loads(p)
            for table in (s.notify_outbox, s.messages)
            for p in conn.scalars(sa.select(table.c.params))
        ]
    # not the unkeyed SHA-256 of challenge + code that 10⁶ guesses reverse
    assert stored != hashlib.sha256((challenge + code).encode()).hexdigest()
    assert api.keys is not None
    key = bytes.fromhex((api.keys / "otp.secret").read_text().strip())
    assert stored == hmac.new(key, f"{challenge}:{code}".encode(), hashlib.sha256).hexdigest()
    # the code went out at once (the stand-in has it) and is stored in no message table
    assert not any(code in str(params) for params in outbox)


def test_a_till_asks_at_most_30_codes_in_10_minutes(api: Api) -> None:
    phones = [f"+91900000{300 + i:04d}" for i in range(31)]
    seed(api.store, phones)
    codes = [
        api.call(api.t3, "POST", "/v1/presence/otp", {"mobile": p}).status_code for p in phones
    ]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    # another till is not held back by it
    assert api.call(api.t1, "POST", "/v1/presence/otp", {"mobile": phones[30]}).status_code == 200
