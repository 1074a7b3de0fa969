"""WhatsApp with consent, on the Cloud API stand-in: nothing without a recorded opt-in,
STOP honoured before the next message, an outage loses nothing (back-off, then sent
once each), delivery statuses stored, expiry reminders N days ahead, tier changes,
templates from the configuration, and no sender → an OTP request is refused (503)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from web_helpers import APP_SECRET, FAR, OTHER, PHONE, stop_reply

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.clock import ist_day
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import Sale
from loyalty_gst.notify import Notifier, WhatsAppConfig, messages, webhook
from loyalty_gst.privacy import consent
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

TODAY = ist_day(dt.datetime.now(dt.UTC))
SELLER = demo_company.load().seller_of("MUM-BAN")  # the demo company's Bandra store


def _notifier(store: Store, wa: WhatsAppStandIn) -> Notifier:
    cfg = WhatsAppConfig(
        base_url=wa.url,
        phone_number_id=wa.phone_number_id,
        token=wa.token,
        templates={"earn": "acme_points_earned", "redeem": "acme_points_used"},
        backoff=1.0,
        app_secret=APP_SECRET,
    )
    return Notifier(store, cfg)


def _sale(number: str, price: str = "1000", phone: str = PHONE) -> Sale:
    return Sale.model_validate(
        {
            "number": number,
            "date": TODAY.isoformat(),
            "seller": SELLER.model_dump(mode="json", exclude_none=True),
            "lines": [
                {"sku": "SHIRT", "hsn": "6105", "qty": "1", "unit": "PCS", "unit_price": price,
                 "gst_rate": "5"},
            ],
            "store": "MUM-BAN",
            "channel": "store",
            "customer": phone,
        }
    )  # fmt: skip


def _account(store: Store, phone: str = PHONE) -> int:
    return service.lookup(store, phone).account_id


def _opt_in(store: Store, account_id: int, *purposes: str) -> None:
    with store.begin() as conn:
        for p in purposes:
            consent.record(conn, account_id, p, True, channel="member_page")


def _rows(store: Store) -> list[sa.Row[object]]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(s.messages).order_by(s.messages.c.id)))


def test_no_message_without_an_opt_in(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    done = service.commit(store, _sale("W/1"), key="w1")
    assert done.points_earned == 40  # 4 per ₹100 of the taxable ₹1000
    assert messages.after_sale(n, done) == []
    assert n.flush() == 0 and wa.messages == [] and _rows(store) == []

    a = _account(store)
    _opt_in(store, a, "receipts")
    with store.engine.connect() as conn:
        c = consent.current(conn, a)["receipts"]
    assert (c.granted, c.channel, c.wording) == (True, "member_page", "wa-1") and c.at
    done = service.commit(store, _sale("W/2"), key="w2")
    assert len(messages.after_sale(n, done)) == 1
    assert n.flush() == 1
    (sent,) = wa.messages
    assert sent["to"] == PHONE.lstrip("+")
    assert sent["template"]["name"] == "acme_points_earned"  # from the configuration
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params == ["W/2", "40", str(2000 + 40 + 40)]
    # the other member never opted in: nothing for them
    other = service.commit(store, _sale("W/3", phone=OTHER), key="w3")
    assert messages.after_sale(n, other) == [] and len(wa.messages) == 1


def test_stop_is_honoured_before_the_next_message(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    a = _account(store)
    _opt_in(store, a, "receipts", "reminders", "otp")
    wa.fail_next = 1  # the first try fails: the receipt waits in the outbox
    done = service.commit(store, _sale("S/1"), key="s1")
    assert len(messages.after_sale(n, done)) == 1
    assert n.flush() == 0 and wa.messages == []
    got = webhook.handle(store, stop_reply(PHONE))
    assert got == {"statuses": 0, "stops": 1}
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert n.flush(now=later) == 0
    assert wa.messages == []  # the queued receipt was not sent after STOP
    (row,) = _rows(store)
    assert row.status == "failed" and row.last_error == "opted out (STOP)"
    with store.engine.connect() as conn:
        now = consent.current(conn, a)
    assert {p: c.granted for p, c in now.items()} == dict.fromkeys(consent.PURPOSES, False)
    assert {c.channel for c in now.values()} == {"whatsapp"}
    assert messages.after_sale(n, service.commit(store, _sale("S/2"), key="s2")) == []
    from loyalty_gst.errors import NoConsent

    with pytest.raises(NoConsent):
        n.check_otp(a)


def test_a_sender_outage_loses_no_message(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    a = _account(store)
    _opt_in(store, a, "receipts")
    wa.fail_next = 4  # four answers of 503
    t0 = dt.datetime.now(dt.UTC)
    ids = []
    for i in range(3):
        done = service.commit(store, _sale(f"O/{i}"), key=f"o{i}")
        ids += messages.after_sale(n, done)
    assert len(ids) == 3
    tries = []
    for second in range(0, 40):
        at = t0 + dt.timedelta(seconds=second)
        n.flush(now=at)
        tries.append(len(wa.messages))
        if len(wa.messages) == 3:
            break
    rows = _rows(store)
    assert [r.status for r in rows] == ["sent"] * 3
    numbers = [m["template"]["components"][0]["parameters"][0]["text"] for m in wa.messages]
    assert sorted(numbers) == ["O/0", "O/1", "O/2"]  # each once
    # 4 failed tries spread over the 3 messages, each retried 1 s, then 2 s … later
    assert sum(r.attempts for r in rows) == 3 + 4
    print(f"\noutage: 4 × 503, {sum(r.attempts for r in rows)} tries, all 3 sent by t+{second} s")


def test_delivery_statuses_are_stored_in_order(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    a = _account(store)
    _opt_in(store, a, "receipts")
    messages.after_sale(n, service.commit(store, _sale("D/1"), key="d1"))
    n.flush()
    (row,) = _rows(store)
    assert row.status == "sent" and row.provider_id.startswith("wamid.")

    def status(name: str) -> dict[str, object]:
        st = {"id": row.provider_id, "status": name, "timestamp": "1", "recipient_id": "x"}
        return {"entry": [{"changes": [{"value": {"statuses": [st]}}]}]}

    assert webhook.handle(store, status("delivered"))["statuses"] == 1
    assert webhook.handle(store, status("read"))["statuses"] == 1
    assert webhook.handle(store, status("delivered"))["statuses"] == 0  # late, out of order
    (row,) = _rows(store)
    assert row.status == "read" and row.status_at


def test_expiry_reminders_n_days_ahead_and_tier_changes(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    service.migrate_opening(
        store, phone=PHONE, lots=[(150, TODAY + dt.timedelta(days=7))], key="soon"
    )
    service.migrate_opening(
        store, phone=OTHER, lots=[(90, TODAY + dt.timedelta(days=8))], key="later"
    )
    a, b = _account(store), _account(store, OTHER)
    _opt_in(store, a, "reminders", "tier")
    _opt_in(store, b, "reminders")
    assert messages.expiry_reminders(n, TODAY, days=7) == 1  # OTHER's lot is 8 days out
    assert messages.expiry_reminders(n, TODAY, days=7) == 0  # told once
    n.flush()
    (m,) = wa.messages
    assert m["template"]["name"] == "loyalty_expiry_reminder"
    params = [p["text"] for p in m["template"]["components"][0]["parameters"]]
    assert params == ["150", (TODAY + dt.timedelta(days=7)).strftime("%d/%m/%Y"), "2150"]
    # ₹30,000 + 5 % = ₹31,500 spent: Silver → Gold (₹25,000)
    done = service.commit(store, _sale("T/1", price="30000"), key="t1")
    assert done.tier == "Gold"
    assert len(messages.after_sale(n, done)) == 1  # the tier message (no receipts opt-in)
    n.flush()
    assert wa.messages[-1]["template"]["name"] == "loyalty_tier_change"
    assert wa.messages[-1]["template"]["components"][0]["parameters"][0]["text"] == "Gold"


def test_without_a_sender_an_otp_request_is_refused_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = create_temp_database("sqlite")
    st = open_store(url)
    demo_company.set_up(st)
    service.migrate_opening(st, phone=PHONE, lots=[(500, FAR)], key="o")
    till = tokens.issue(st, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    server = ServerProcess.start(url, log_path=tmp_path / "server.log")
    try:
        import requests

        r = requests.post(
            server.base + "/v1/presence/otp",
            json={"mobile": PHONE},
            headers={"Authorization": f"Bearer {till}"},
            timeout=10,
        )
        assert r.status_code == 503
        assert r.json()["code"] == "whatsapp_unavailable"
        assert "no WhatsApp sender is configured" in r.json()["detail"]
        r = requests.post(
            server.base + "/me/otp",
            json={"mobile": PHONE},
            headers={"X-Requested-With": "loyalty-gst"},
            timeout=10,
        )
        assert r.status_code == 503 and r.json()["code"] == "whatsapp_unavailable"
        with st.engine.connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).select_from(s.otps)) == 0
    finally:
        server.stop()
        st.dispose()
        drop_database(url)


def test_the_webhook_needs_the_signature(store: Store) -> None:
    cfg = WhatsAppConfig(base_url="http://127.0.0.1:9", phone_number_id="1", token="t",
                         app_secret=APP_SECRET)  # fmt: skip
    raw = json.dumps(stop_reply(PHONE)).encode()
    from loyalty_gst.errors import Forbidden

    with pytest.raises(Forbidden):
        webhook.check_signature(cfg, raw, "sha256=" + "0" * 64)
    with pytest.raises(Forbidden):
        webhook.check_signature(None, raw, None)


def test_templates_and_their_parameters_come_from_the_company_setup(
    store: Store, wa: WhatsAppStandIn
) -> None:
    from loyalty_gst import company as co
    from loyalty_gst.company.model import Particulars

    cat = demo_company.load()
    own = {
        "redeem": {"name": "lakshmi_points_used", "parameters": ["balance", "invoice"]},
        "otp": {"name": "lakshmi_code"},
    }
    particulars = Particulars.model_validate(
        {**cat.file.company.model_dump(mode="json"), "whatsapp_templates": own}
    )
    co.write(store, cat.file.model_copy(update={"company": particulars}), cat.logo,
             today=dt.date(2025, 4, 1))  # fmt: skip
    n = _notifier(store, wa)  # its configuration names acme_points_used: the setup wins
    account = _account(store)
    with store.begin() as conn:
        consent.record(conn, account, "receipts", True, channel="member_page")
    # the redeem receipt's values: invoice, points, ₹ off, balance after
    assert n.queue(account, "receipts", ["R/1", "100", "25.00", "1900"], template="redeem")
    assert n.flush() == 1
    (sent,) = wa.messages
    assert sent["template"]["name"] == "lakshmi_points_used"
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params == ["1900", "R/1"]  # the setup's order: balance, then invoice
    n.otp(PHONE, "123456", account_id=account)
    assert wa.messages[-1]["template"]["name"] == "lakshmi_code"
    assert wa.last_code(PHONE) == "123456"  # all of the OTP's values, by default


def test_a_template_parameter_the_message_lacks_is_refused() -> None:
    from loyalty_gst.company.model import Particulars

    base = demo_company.load().file.company.model_dump(mode="json")
    bad = {"tier": {"name": "t", "parameters": ["tier", "discount"]}}
    with pytest.raises(ValueError, match=r"whatsapp_templates.tier.parameters: discount"):
        Particulars.model_validate({**base, "whatsapp_templates": bad})
