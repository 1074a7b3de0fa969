"""Oversized and malformed numbers, dates and text, replayed against a real server: each
a 422 naming its field, never a 500 and never a sale (limits from the program: ₹10 lakh
an invoice, 10,000 a line, 100,000 points a sale)."""

from __future__ import annotations

import datetime as dt

import pytest
from channel_helpers import PHONES, Api, worked_sale


def _commit(api: Api, key: str, sale: dict, points: int = 0):  # type: ignore[no-untyped-def]
    return api.call(api.t1, "POST", "/v1/commit", {"key": key, "sale": sale, "points": points})


def _locs(r) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [e["loc"] for e in r.json().get("errors", [])]


def test_a_billion_shirts_is_refused_naming_the_fields(api: Api) -> None:
    sale = worked_sale("BAN1/2512/00801", phone=PHONES[0])
    sale["lines"][0]["qty"] = "1000000000"  # 1e9 × ₹1,000
    r = _commit(api, "n1", sale)
    assert r.status_code == 422, r.text
    assert ["body", "lines", "0", "qty"] in _locs(r) and ["body", "lines"] in _locs(r)
    # the largest digits the parser takes still overflow nothing: refused by the limit
    sale["lines"][0]["qty"] = "999999999999999"
    sale["lines"][0]["unit_price"] = "999999999999999"
    r = _commit(api, "n2", sale)
    assert r.status_code == 422 and ["body", "lines", "0", "qty"] in _locs(r)


@pytest.mark.parametrize(
    "value", ["1e400", "1e30", "1E3", "1_000", "１０００", " 100", "+100", "1.2.3", "0x10", "NaN"]
)
def test_amounts_are_parsed_strictly(api: Api, value: str) -> None:
    sale = worked_sale("BAN1/2512/00802", phone=None)
    sale["lines"][0]["unit_price"] = value
    r = _commit(api, "n3", sale)
    assert r.status_code == 422, (value, r.text)
    assert ["body", "sale", "lines", 0, "unit_price"] in _locs(r)


def test_an_integer_amount_past_the_bound_is_refused(api: Api) -> None:
    sale = worked_sale("BAN1/2512/00803", phone=None)
    sale["lines"][0]["qty"] = 10**15
    r = _commit(api, "n4", sale)
    assert r.status_code == 422 and ["body", "sale", "lines", 0, "qty"] in _locs(r)


@pytest.mark.parametrize("day", ["9999-12-31", "1999-01-01", "2017-06-30", "2100-01-01"])
def test_dates_outside_the_window_are_refused(api: Api, day: str) -> None:
    sale = {**worked_sale("BAN1/2512/00804", phone=None), "date": day}
    r = _commit(api, "n5", sale)
    assert r.status_code == 422, r.text
    assert ["body", "sale", "date"] in _locs(r)


def test_control_characters_in_text_are_refused(api: Api) -> None:
    sale = worked_sale("BAN1/2512/00805", phone=None)
    sale["lines"][0]["description"] = "Shirt\x00; DROP"
    r = _commit(api, "n6", sale)
    assert r.status_code == 422 and ["body", "sale", "lines", 0, "description"] in _locs(r)


def test_points_past_the_per_sale_limit_are_refused(api: Api) -> None:
    sale = worked_sale("BAN1/2512/00806", phone=PHONES[0])
    r = _commit(api, "n7", sale, points=100_001)
    assert r.status_code == 422 and ["body", "points"] in _locs(r), r.text


def test_a_synced_oversized_sale_is_rejected(api: Api) -> None:
    sale = worked_sale("BAN1/2512/00807", phone=None)
    sale["lines"][0]["qty"] = "50000"
    ev = {
        "event_id": "T1:807", "seq": 807, "kind": "sale",
        "created_at": dt.datetime.now(dt.UTC).isoformat(), "sale": sale,
    }  # fmt: skip
    r = api.call(api.t1, "POST", "/v1/sync", {"terminal": "T1", "events": [ev]})
    res = r.json()["results"][0]
    assert (res["status"], res["code"]) == ("rejected", "validation_error")
    # nothing was sold: the numbers were refused before any sale
    assert (
        api.call(
            api.t1,
            "POST",
            "/v1/commit",
            {"key": "n8", "sale": worked_sale("BAN1/2512/00808", phone=None)},
        ).status_code
        == 200
    )
