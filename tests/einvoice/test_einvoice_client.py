"""The IRP client against the stand-in IRP over real HTTP on loopback (no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from einvoice_helpers import BUYER_KA, Clock, D, config_for, new_standin, sale, taxed

from einvoice import qr
from einvoice.builder import build
from einvoice.client import DuplicateMismatch, IrpClient, IrpError, IrpUnavailable
from einvoice.log import EinvoiceLog
from einvoice.schema import to_dict
from loyalty_gst.standins.irp_numbers import irn_of


@pytest.fixture
def clock():
    return Clock(dt.datetime(2025, 11, 21, 11, 30))


@pytest.fixture
def irp(clock):
    server, url = new_standin(clock)
    server.url = url
    yield server
    server.stop()


@pytest.fixture
def store():
    return EinvoiceLog(sa.create_engine("sqlite://"))


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(irp, store, sleeps):
    return IrpClient(config_for(irp, irp.url), log_store=store, sleep=sleeps.append)


def generate_calls(irp):
    return [p for m, p in irp.received if m == "POST" and p.endswith("/Invoice")]


def test_generate_returns_a_signed_irn(client, irp, store):
    payload = build(taxed(sale()))
    reg = client.generate(payload)
    assert reg.irn == irn_of("27AABCL4321K1ZL", "INV", "INV/2025/0001", dt.date(2025, 11, 21))
    # '1', year 25, the GSTIN's block 751983, its first document 000001
    assert reg.ack_no == 125751983000001 and reg.ack_dt == "2025-11-21 11:30:00"
    signed = qr.verify(reg.signed_invoice, irp.certificate_pem)
    assert signed["Irn"] == reg.irn and signed["ValDtls"]["TotInvVal"] == D("2952.00")
    code = qr.verify(reg.signed_qr, irp.certificate_pem)
    assert code["DocNo"] == "INV/2025/0001" and code["ItemCnt"] == 2
    assert code["MainHsnCode"] == "6105"  # the item with the largest assessable value
    ops = [(r["operation"], r["outcome"]) for r in store.rows()]
    assert ops == [("auth", "ok"), ("generate", "ok")]


def test_signature_from_another_key_is_refused(client, irp, clock):
    reg = client.generate(build(taxed(sale())))
    other, _ = new_standin(clock)
    other.stop()
    with pytest.raises(qr.InvalidSignature):
        qr.verify(reg.signed_qr, other.certificate_pem)


def test_secrets_and_tokens_never_reach_the_log(client, irp, store):
    client.generate(build(taxed(sale())))
    dumped = repr(store.rows())
    token = client._token
    sek = client._sek
    assert token and sek
    for secret in (irp.account.password, irp.account.client_secret, token):
        assert secret not in dumped
    assert "***" in dumped and '"AppKey": "***"' in dumped and '"Sek": "***"' in dumped


def test_duplicate_irn_is_adopted_when_buyer_and_value_match(client, irp):
    payload = build(taxed(sale()))
    first = client.generate(payload)
    again = client.generate(payload)
    assert again.adopted_duplicate and again.irn == first.irn and again.ack_no == first.ack_no
    assert len(generate_calls(irp)) == 2


def test_duplicate_irn_with_other_values_is_refused(client):
    client.generate(build(taxed(sale())))
    other = build(taxed(sale(buyer=BUYER_KA)))  # same number, other buyer and tax
    with pytest.raises(DuplicateMismatch, match="not adopted"):
        client.generate(other)


def test_duplicate_without_info_falls_back_to_document_details(client, irp):
    payload = build(taxed(sale()))
    first = client.generate(payload)
    adopted = client._adopt(to_dict(payload), info=None)
    assert adopted.irn == first.irn
    assert any(p.endswith("irnbydocdetails") for _, p in irp.received)


def test_cancel_within_24_hours(client, clock):
    reg = client.generate(build(taxed(sale())))
    clock.advance(hours=23, minutes=59)
    assert client.cancel(reg.irn, 2, "data entry mistake") == dt.datetime(2025, 11, 22, 11, 29)
    assert client.get_by_irn(reg.irn).status == "CNL"
    with pytest.raises(IrpError) as err:  # cancelled already
        client.cancel(reg.irn, 2, "again")
    assert err.value.codes == ["9999"]


def test_cancel_after_24_hours_is_refused(client, clock):
    reg = client.generate(build(taxed(sale())))
    clock.advance(hours=24, minutes=1)
    with pytest.raises(IrpError) as err:
        client.cancel(reg.irn, 3, "order cancelled")
    assert err.value.codes == ["2270"]


def test_cancel_reason_must_be_1_to_4(client):
    with pytest.raises(IrpError, match="cancel reason"):
        client.cancel("a" * 64, 5, "x")


def test_retry_on_outage_then_success_with_backoff(client, irp, sleeps):
    client.authenticate()
    irp.fail_next(2, "503")
    reg = client.generate(build(taxed(sale())))
    assert reg.irn
    assert len(generate_calls(irp)) == 3
    assert sleeps == [0.5, 1.0]  # exponential: backoff × 2^(attempt−1)


def test_retry_on_dropped_connections(client, irp, sleeps):
    client.authenticate()
    irp.fail_next(1, "drop")
    assert client.generate(build(taxed(sale()))).irn
    assert sleeps == [0.5]


def test_gives_up_after_the_retries(client, irp, store):
    client.authenticate()
    irp.fail_next(10, "503")
    with pytest.raises(IrpUnavailable):
        client.generate(build(taxed(sale())))
    assert len(generate_calls(irp)) == 4  # 1 + 3 retries
    assert [r["outcome"] for r in store.rows()][-4:] == ["server_error"] * 4


def test_no_retry_on_a_validation_error(client, irp, sleeps, store):
    payload = to_dict(build(taxed(sale())))
    payload["ValDtls"]["CgstVal"] = D("100.00")
    with pytest.raises(IrpError) as err:
        client.generate(payload)
    assert err.value.codes == ["2184"]
    assert len(generate_calls(irp)) == 1 and sleeps == []
    assert store.rows()[-1]["error_codes"] == "2184"


def test_expired_token_reauthenticates_once(client, irp, clock):
    reg = client.generate(build(taxed(sale())))
    clock.advance(hours=7)  # the stand-in's tokens live 6 hours
    assert client.get_by_irn(reg.irn).irn == reg.irn
    assert sum(1 for _, p in irp.received if p.endswith("/auth")) == 2


def test_wrong_password_is_refused(irp):
    bad = IrpClient(config_for(irp, irp.url, password="nope"))
    with pytest.raises(IrpError) as err:
        bad.authenticate()
    assert err.value.codes == ["1008"]


def test_gsp_mode_sends_its_headers(clock):
    server, url = new_standin(clock, required_headers={"x-asp-id": "asp-123"})
    try:
        plain = IrpClient(config_for(server, url + "/gsp/nic"))
        with pytest.raises(IrpError) as err:
            plain.authenticate()
        assert err.value.codes == ["1010"]
        gsp = IrpClient(config_for(server, url + "/gsp/nic", gsp_headers={"x-asp-id": "asp-123"}))
        assert gsp.config.mode == "gsp"
        assert gsp.generate(build(taxed(sale()))).irn
        assert all(p.startswith("/gsp/nic/") for _, p in server.received)
    finally:
        server.stop()
