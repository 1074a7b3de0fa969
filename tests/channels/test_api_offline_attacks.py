"""A hostile till's sync, replayed against a real server: offline redemptions only within
the till's part of the member's one offline budget (500 points a day in the program,
shared by every till), online redemptions never through sync, the balance never below
−500, and every refusal recorded for the owner."""

from __future__ import annotations

import datetime as dt

from channel_helpers import Api, app_code, seed, worked_sale

CAP = 500  # fixtures/program.json offline_cap_per_day


def _sale_event(
    event_id: str, seq: int, number: str, phone: str, points: int, **extra: object
) -> dict[str, object]:
    return {
        "event_id": event_id,
        "seq": seq,
        "kind": "sale",
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "sale": worked_sale(number, phone=phone),
        "points": points,
        **extra,
    }


def _sync(
    api: Api, token: str, till: str, *events: dict[str, object], settle: bool = False
) -> dict:
    r = api.call(
        token, "POST", "/v1/sync", {"terminal": till, "events": list(events), "settle": settle}
    )
    assert r.status_code == 200, r.text
    return r.json()


def _balance(api: Api, phone: str) -> int:
    return int(
        api.call(api.admin, "POST", "/v1/customers/lookup", {"mobile": phone}).json()["balance"]
    )


def test_one_sync_event_cannot_drain_a_member(api: Api) -> None:
    phone = "+919000000101"
    seed(api.store, [phone])
    assert _balance(api, phone) == 2000
    # 10,000,000 points asked: past the program's 100,000 a sale, refused as such
    big = _sale_event(
        "T1:501", 501, "BAN1/2512/00501", phone, 10_000_000, presence_code=app_code(api, phone)
    )
    r = _sync(api, api.t1, "T1", big)["results"][0]
    assert (r["status"], r["code"]) == ("rejected", "validation_error"), r
    # 6,000 (all the caps allow on a ₹3,000 bill), with the member's code: no allowance
    most = _sale_event(
        "T1:505", 505, "BAN1/2512/00505", phone, 6000, presence_code=app_code(api, phone)
    )
    r = _sync(api, api.t1, "T1", most)["results"][0]
    assert (r["status"], r["code"]) == ("rejected", "offline_allowance"), r
    # the same marked online: sync never posts a new online redemption
    online = _sale_event("T1:502", 502, "BAN1/2512/00502", phone, 6000, offline=False)
    r = _sync(api, api.t1, "T1", online)["results"][0]
    assert (r["status"], r["code"]) == ("rejected", "presence_required"), r
    # replayed 7×: still refused, still nothing posted
    for _ in range(7):
        assert _sync(api, api.t1, "T1", big)["results"][0]["status"] == "rejected"
    assert _balance(api, phone) == 2000


def test_the_offline_budget_is_one_per_member_across_tills(api: Api) -> None:
    phone = "+919000000102"
    seed(api.store, [phone])
    grant = api.call(api.t1, "POST", "/v1/allowances", {"mobile": phone}).json()
    assert grant["points"] == CAP  # T1 takes the whole day's budget: 500 ≤ 2000 usable
    assert api.call(api.t2, "POST", "/v1/allowances", {"mobile": phone}).json()["points"] == 0
    # no code shown, no points offline; then 300 with the code; 300 more is past T1's part
    r = _sync(api, api.t1, "T1", _sale_event("T1:601", 601, "BAN1/2512/00601", phone, 300))
    assert r["results"][0]["code"] == "presence_required"
    ok = _sale_event(
        "T1:602", 602, "BAN1/2512/00602", phone, 300, presence_code=app_code(api, phone)
    )
    assert _sync(api, api.t1, "T1", ok)["results"][0]["status"] == "applied"
    more = _sale_event(
        "T1:603", 603, "BAN1/2512/00603", phone, 300, presence_code=app_code(api, phone)
    )
    r = _sync(api, api.t1, "T1", more)["results"][0]
    assert (r["status"], r["code"]) == ("rejected", "offline_allowance") and "200 left" in r[
        "detail"
    ]
    # a code is good for one sale only
    again = _sale_event(
        "T1:604", 604, "BAN1/2512/00604", phone, 100, presence_code=ok["presence_code"]
    )
    assert _sync(api, api.t1, "T1", again)["results"][0]["code"] == "presence_invalid"
    # T1 syncs for good: its unspent 200 go back to the member's budget, T2 may have them
    assert _sync(api, api.t1, "T1", settle=True)["settled"] == 200
    assert api.call(api.t2, "POST", "/v1/allowances", {"mobile": phone}).json()["points"] == 200
    assert api.call(api.t1, "POST", "/v1/allowances", {"mobile": phone}).json()["points"] == 0
    # only a till asks for an allowance
    assert api.call(api.web, "POST", "/v1/allowances", {"mobile": phone}).status_code == 403


def test_points_spent_online_meanwhile_overdraw_at_most_the_cap(api: Api) -> None:
    phone = "+919000000103"
    seed(api.store, [phone])
    assert api.call(api.t1, "POST", "/v1/allowances", {"mobile": phone}).json()["points"] == CAP
    # the member spends everything online at another store meanwhile
    sale = worked_sale("BAN1/2512/00700", phone=phone)
    proof = {"app_code": app_code(api, phone)}
    body = {"key": "drain-1", "sale": sale, "points": 2000, "presence": proof}
    done = api.call(api.t1, "POST", "/v1/commit", body)
    assert done.status_code == 200, done.text
    earned = done.json()["points_earned"]
    assert done.json()["balance"] == earned  # 2000 − 2000 + earned
    # T1, offline all along, spent its 500 part: posted, the shortfall is overdraft
    ev = _sale_event(
        "T1:701", 701, "BAN1/2512/00701", phone, CAP, presence_code=app_code(api, phone)
    )
    r = _sync(api, api.t1, "T1", ev)["results"][0]
    assert r["status"] == "applied", r
    low = _balance(api, phone)
    assert low >= -CAP
    # nothing more offline today, from any till
    assert api.call(api.t2, "POST", "/v1/allowances", {"mobile": phone}).json()["points"] == 0
    ev2 = _sale_event(
        "T1:702", 702, "BAN1/2512/00702", phone, 100, presence_code=app_code(api, phone)
    )
    assert _sync(api, api.t1, "T1", ev2)["results"][0]["code"] == "offline_allowance"
    assert _balance(api, phone) == low >= -CAP


def test_refusals_are_recorded_for_the_owner(api: Api) -> None:
    seen = api.call(api.admin, "GET", "/v1/reports/refusals")
    assert seen.status_code == 200
    codes = {(r["event_id"], r["code"]) for r in seen.json()}
    assert {("T1:505", "offline_allowance"), ("T1:502", "presence_required")} <= codes
    assert all(
        r["key"].startswith("MUM-BAN/T1/") for r in seen.json() if r["event_id"].startswith("T1:")
    )
    assert api.call(api.t1, "GET", "/v1/reports/refusals").status_code == 403
