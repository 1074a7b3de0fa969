"""The terminal's offline rules, worked out: the cached balance less offline spend, the
offline cap per customer per day, presence by the app's code, the outbox before the
receipt, abandoned sales, and sync refreshing the cache."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from channel_helpers import PHONES, Api, app_code

from loyalty_gst.models import SaleLine
from loyalty_gst.pos import Refused, Terminal
from loyalty_gst.pos.simulate import DEAD

# one T-shirt: ₹2,000 MRP at 5%; 500 points × ₹0.25 = ₹125 ≤ 50% of the bill
TEE = SaleLine(
    sku="TEE", hsn="6109", qty=Decimal(1), unit="PCS", unit_price=Decimal(2000), gst_rate=Decimal(5)
)


def code(api: Api, phone: str) -> dict[str, str]:
    return {"app_code": app_code(api, phone)}


def test_offline_redemption_is_bounded_by_cache_and_cap(api: Api, tmp_path: Path) -> None:
    phone = PHONES[1]
    t = Terminal(
        server=api.base,
        token=api.t2,
        db_path=str(tmp_path / "t.sqlite"),
        store_code="MUM-AND",
        terminal_id="T2",
    )
    t.refresh_program()
    online = t.lookup(phone)
    assert online["offline"] is False
    cached = online["available"]
    t.server = DEAD  # the line drops
    # offline: the cap is 500 points a customer a day (fixtures/program.json)
    r1 = t.sale([TEE], customer=phone, points=300, presence_proof=code(api, phone))
    assert r1.offline and r1.invoice.loyalty.points_redeemed == 300
    # an MRP price (tax included), basis bill: 300 × ₹0.25 = ₹75 off 2000 → 1925.00 to pay;
    # taxable 1925 × 100/105 = 1833.33 (it was 2000 × 100/105 = 1904.76)
    assert r1.invoice.totals.taxable_value == Decimal("1833.33")
    assert r1.invoice.totals.grand_total == Decimal("1925.00")
    # 300 + 300 > 500: refused offline, nothing printed, the event is abandoned
    with pytest.raises(Refused) as exc:
        t.sale([TEE], customer=phone, points=300, presence_proof=code(api, phone))
    assert exc.value.code == "offline_limit" and "at most 200" in str(exc.value)
    # without the app's code no points offline; without points the sale goes through
    with pytest.raises(Refused):
        t.sale([TEE], customer=phone, points=200)
    r3 = t.sale([TEE], customer=phone, points=200, presence_proof=code(api, phone))
    assert r3.offline and t.offline_spent(phone, r3.invoice.date) == 500
    assert t.lookup(phone)["available"] == cached - 500  # the cache counts offline spend
    assert t.status()["outbox"] == {"queued": 2, "abandoned": 2}
    # back online: two sales applied, two abandoned events settled, balances refreshed
    t.server = api.base
    report = t.sync()
    assert (report.applied, report.abandoned, report.rejected) == (2, 2, 0)
    fresh = api.call(api.web, "POST", "/v1/customers/lookup", {"mobile": phone}).json()
    assert t.lookup(phone)["balance"] == fresh["balance"]
    assert t.pending() == 0
    t.close()


def test_a_sale_written_but_never_printed_is_abandoned_on_restart(api: Api, tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite")
    t = Terminal(server=api.base, token=api.t2, db_path=db, store_code="MUM-AND", terminal_id="T2")
    t.refresh_program()
    from loyalty_gst.pos import local

    with t.engine.begin() as conn:  # as if the till died between the outbox and the answer
        conn.execute(
            local.outbox.insert().values(
                seq=1,
                event_id="T2:1",
                kind="sale",
                status="open",
                created_at="x",
                event='{"event_id":"T2:1","seq":1,"kind":"sale","created_at":"2025-11-21T10:00:00Z",'
                '"sale":null,"points":0}',
            )
        )
    t.close()
    again = Terminal(
        server=api.base, token=api.t2, db_path=db, store_code="MUM-AND", terminal_id="T2"
    )
    assert again.status()["outbox"] == {"abandoned": 1}
    again.close()
