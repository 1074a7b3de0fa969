"""Attacks on scope, replayed against a real server: a till acts only on its own store's
documents, idempotency keys and event ids belong to the token's store and till, and a key
reused with another body is refused with both documents named."""

from __future__ import annotations

import datetime as dt

from channel_helpers import OPENING, PHONES, Api, worked_sale

from loyalty_gst.clock import ist_day


def _event(event_id: str, seq: int, **extra: object) -> dict[str, object]:
    return {
        "event_id": event_id,
        "seq": seq,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        **extra,
    }


def _till(api: Api, store: str, terminal: str) -> str:
    r = api.call(
        api.admin, "POST", "/v1/tokens", {"kind": "terminal", "store": store, "terminal": terminal}
    )
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def test_a_till_cannot_return_or_abandon_another_stores_invoice(api: Api) -> None:
    # MUM-BAN (T1) sells; MUM-AND (T2) shares the GSTIN but is another store
    sold = api.call(
        api.t1, "POST", "/v1/commit", {"key": "x1", "sale": worked_sale("BAN1/2512/00001")}
    )
    assert sold.status_code == 200, sold.text
    before = sold.json()["balance"]
    ret = {
        "key": "x2",
        "invoice_number": "BAN1/2512/00001",
        "number": "AND2R/001",
        "date": ist_day(dt.datetime.now(dt.UTC)).isoformat(),
    }
    r = api.call(api.t2, "POST", "/v1/returns", ret)
    assert r.status_code == 404 and r.json()["code"] == "unknown_document", r.text
    # an abandon naming Bandra's invoice, under a key T2 committed itself for its own sale
    own = worked_sale("AND2/2512/00001", "MUM-AND", phone=PHONES[1])
    assert (
        api.call(
            api.t2, "POST", "/v1/commit", {"key": "T2:900", "sale": {**own, "store": None}}
        ).status_code
        == 200
    )
    hostile = _event("T2:900", 900, kind="abandon", sale=worked_sale("BAN1/2512/00001"))
    res = api.call(api.t2, "POST", "/v1/sync", {"terminal": "T2", "events": [hostile]}).json()
    assert (
        res["results"][0]["status"] != "voided"
        or res["results"][0]["account_id"] != sold.json()["account_id"]
    )
    # Bandra's invoice stands: the member's balance is what the sale left
    seen = api.call(api.admin, "POST", "/v1/customers/lookup", {"mobile": PHONES[0]}).json()
    assert seen["balance"] == before
    # and its own till may still return it
    ok = api.call(api.t1, "POST", "/v1/returns", {**ret, "number": "BAN1R/001"})
    assert ok.status_code == 200, ok.text


def test_two_stores_tills_named_t1_both_post_under_the_same_key(api: Api) -> None:
    blr_t1 = _till(api, "BLR-IND", "T1")
    mum = api.call(
        api.t1,
        "POST",
        "/v1/commit",
        {"key": "T1:77", "sale": worked_sale("BAN1/2512/00077", phone=PHONES[0])},
    )
    assert mum.status_code == 200 and mum.json()["replayed"] is False
    blr_sale = worked_sale("IND1/2512/00077", "BLR-IND", phone=PHONES[2])
    blr = api.call(
        blr_t1, "POST", "/v1/commit", {"key": "T1:77", "sale": {**blr_sale, "store": None}}
    )
    assert blr.status_code == 200, blr.text
    got = blr.json()
    # its own sale, posted: not Mumbai's invoice, not Mumbai's member
    assert got["replayed"] is False and got["invoice"]["number"] == "IND1/2512/00077"
    assert got["invoice"]["customer"] != PHONES[0] and PHONES[0][3:] not in blr.text
    # an event id of the same name, synced by each, is each one's own
    ev = _event(
        "T1:78",
        78,
        kind="sale",
        sale={**worked_sale("IND1/2512/00078", "BLR-IND", phone=None), "store": None},
    )
    a = api.call(blr_t1, "POST", "/v1/sync", {"terminal": "T1", "events": [ev]}).json()["results"][
        0
    ]
    assert a["status"] == "applied", a
    ev2 = _event("T1:78", 78, kind="sale", sale=worked_sale("BAN1/2512/00078", phone=None))
    b = api.call(api.t1, "POST", "/v1/sync", {"terminal": "T1", "events": [ev2]}).json()["results"][
        0
    ]
    assert b["status"] == "applied", b


def test_a_key_reused_with_another_body_is_a_409_naming_both_documents(api: Api) -> None:
    first = api.call(
        api.t1,
        "POST",
        "/v1/commit",
        {"key": "k-reuse", "sale": worked_sale("BAN1/2512/00100", phone=None)},
    )
    assert first.status_code == 200
    again = api.call(
        api.t1,
        "POST",
        "/v1/commit",
        {"key": "k-reuse", "sale": worked_sale("BAN1/2512/00101", phone=None)},
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict", again.text
    detail = again.json()["detail"]
    assert "BAN1/2512/00100" in detail and "BAN1/2512/00101" in detail
    # the same body again is still the replay of the first
    same = api.call(
        api.t1,
        "POST",
        "/v1/commit",
        {"key": "k-reuse", "sale": worked_sale("BAN1/2512/00100", phone=None)},
    )
    assert same.status_code == 200 and same.json()["replayed"] is True
    # a changed line under the same number is another body too
    changed = worked_sale("BAN1/2512/00100", phone=None)
    changed["lines"][0]["qty"] = "3"
    r = api.call(api.t1, "POST", "/v1/commit", {"key": "k-reuse", "sale": changed})
    assert r.status_code == 409, r.text
    # returns: the same key for another note
    ret = {
        "key": "r-reuse",
        "invoice_number": "BAN1/2512/00100",
        "number": "BAN1R/100",
        "date": ist_day(dt.datetime.now(dt.UTC)).isoformat(),
        "lines": [{"line_no": 1, "qty": "1"}],
    }
    assert api.call(api.t1, "POST", "/v1/returns", ret).status_code == 200
    r = api.call(api.t1, "POST", "/v1/returns", {**ret, "number": "BAN1R/101"})
    assert (
        r.status_code == 409
        and "BAN1R/100" in r.json()["detail"]
        and "BAN1R/101" in r.json()["detail"]
    )


def test_opening_balance_untouched_by_the_scope_attacks(api: Api) -> None:
    seen = api.call(api.admin, "POST", "/v1/customers/lookup", {"mobile": PHONES[2]}).json()
    assert seen["balance"] >= OPENING  # only its own earn reached it
