"""The billing desk numbers its invoices from the store's series (the company's, as a till
does), and a draft that is never billed gives its number to the next: the stored numbers
run without gaps, so GSTR-1 doc_issue counts every number from the first to the last."""

from __future__ import annotations

import datetime as dt
import json

from web_helpers import Site

from loyalty_gst.clock import IST
from loyalty_gst.gstr1 import Period, stored
from loyalty_gst.gstr1.builder import Builder, Settings

GSTIN = "27AABCL4321K1ZL"  # MUM-BAN bills under the Maharashtra registration


def _draft(site: Site) -> dict[str, object]:
    lines = [{"code": "6109-0003", "qty": "1"}]
    r = site.call(site.till, "POST", "/v1/desk/draft", {"lines": lines})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _bill(site: Site, sale: dict[str, object]) -> None:
    r = site.call(site.till, "POST", "/v1/commit", {"key": f"desk:{sale['number']}", "sale": sale})
    assert r.status_code == 200, r.text


def test_desk_numbers_come_from_the_series_without_gaps(site: Site) -> None:
    today = dt.datetime.now(IST).date()
    fy = f"{today.year % 100:02d}{today.year % 100 + 1:02d}" if today.month >= 4 else (
        f"{today.year % 100 - 1:02d}{today.year % 100:02d}"
    )
    # MUM-BAN's series is BAN{till}/{fy}/ and 5 digits; this desk's token is till T1
    first = _draft(site)
    assert first["number"] == f"BANT1/{fy}/00001"
    assert _draft(site)["number"] == first["number"]  # abandoned: the number is not spent
    _bill(site, _draft(site))
    second = _draft(site)
    assert second["number"] == f"BANT1/{fy}/00002"
    _draft(site)  # a draft abandoned between two bills
    _bill(site, _draft(site))
    assert _draft(site)["number"] == f"BANT1/{fy}/00003"

    period = Period.of(today)
    builder = Builder(GSTIN, period.fp, Settings())
    for view in stored.iter_views(site.store, GSTIN, period.start, period.end):
        builder.add_view(view)
    result = builder.result()
    docs = json.loads(result.to_json())["doc_issue"]["doc_det"]
    assert not [w for w in result.warnings if "gap" in str(w)]
    result.close()
    rows = [d for det in docs for d in det["docs"] if d["from"].startswith("BANT1/")]
    assert rows == [
        {"num": rows[0]["num"], "from": f"BANT1/{fy}/00001", "to": f"BANT1/{fy}/00002",
         "totnum": 2, "cancel": 0, "net_issue": 2}
    ]  # fmt: skip
