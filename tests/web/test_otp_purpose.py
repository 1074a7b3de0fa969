"""An OTP proves one thing: a till's code proves the member is at the till, a member
page's code signs the member in. A cashier who was told the till code must not sign in
to the member's page with it (and so read or erase their data), nor may a sign-in code
stand as presence at a till."""

from __future__ import annotations

import requests
from web_helpers import FAR, Site

from loyalty_gst import service

PHONE = "+919000012345"
PAGE = {"x-requested-with": "loyalty-gst"}  # what the member page sends (same-origin check)


def _page_post(site: Site, path: str, body: object) -> requests.Response:
    return requests.post(site.base + path, json=body, headers=PAGE, timeout=30)


def test_a_till_code_does_not_sign_in_and_a_sign_in_code_is_no_presence(site: Site) -> None:
    service.migrate_opening(site.store, phone=PHONE, lots=[(2000, FAR)], key="purpose:otp")

    till = site.call(site.till, "POST", "/v1/presence/otp", {"mobile": PHONE})
    assert till.status_code == 200, till.text
    till_code = {"challenge_id": till.json()["challenge_id"], "otp": str(site.wa.last_code(PHONE))}
    r = _page_post(site, "/me/sign-in", {"mobile": PHONE, **till_code})
    assert r.status_code in (401, 403), r.text
    assert "set-cookie" not in {k.lower() for k in r.headers}

    page = _page_post(site, "/me/otp", {"mobile": PHONE})
    assert page.status_code == 200, page.text
    page_code = {"challenge_id": page.json()["challenge_id"], "otp": str(site.wa.last_code(PHONE))}
    lines = [{"code": "6109-0003", "qty": "1"}]
    sale = site.call(site.till, "POST", "/v1/desk/draft", {"lines": lines, "mobile": PHONE})
    assert sale.status_code == 200, sale.text
    quote = {"sale": sale.json(), "points": 100, "presence": page_code}
    r = site.call(site.till, "POST", "/v1/quote", quote)
    assert r.status_code in (401, 403), r.text

    # the right code for the right purpose still works: the member signs in
    r = _page_post(site, "/me/sign-in", {"mobile": PHONE, **page_code})
    assert r.status_code == 200 and r.json() == {"signed_in": True}, r.text
