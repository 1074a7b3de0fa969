"""The Tally client over real HTTP against the stand-in server on 127.0.0.1."""

from __future__ import annotations

import socket
from decimal import Decimal as D

import pytest
from tally_factories import BUYER_KA, taxed, worked_credit_note

from loyalty_gst.standins.tally import StandInTally
from tally_export.client import TallyClient, TallyUnreachable
from tally_export.config import TallySettings
from tally_export.masters import MasterSet
from tally_export.replies import parse_import_reply
from tally_export.vouchers import build

S = TallySettings(company="Lakshmi Lifestyle Retail Pvt Ltd")


def day():
    invs = [taxed(number=f"INV/2025/{i:04d}") for i in range(1, 6)]
    invs.append(taxed(number="INV/2025/0006", buyer=BUYER_KA))
    invs.append(worked_credit_note())
    return invs


@pytest.fixture
def tally():
    with StandInTally() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_clean_push_masters_first_then_vouchers_and_read_back(tally):
    invs = day()
    client = TallyClient(tally.url, S.company)
    masters = client.push_masters(MasterSet(S).add_all(invs).elements(), batch=7)
    assert masters.ok and masters.errors == 0 and masters.created == masters.sent > 10
    assert tally.has("LEDGER", "Loyalty Redemption Discount") and tally.has("STOCKITEM", "SHIRT")
    report = client.push_vouchers((build(i, S) for i in invs), batch=3)
    assert report.ok, report.line_errors
    assert (report.batches, report.sent, report.created) == (3, 7, 7)
    rb = client.read_back(report.pushed)
    assert rb.clean and rb.found == rb.expected == rb.matched == 7
    # 6 invoices and 1 note of ₹2952.00 each: 7 × 2952.00 = 20664.00
    assert rb.found_amount == rb.expected_amount == D("20664.00")
    # pushing again alters (same REMOTEIDs), never duplicates
    again = client.push_vouchers((build(i, S) for i in invs), batch=3)
    assert (again.created, again.altered) == (0, 7) and len(tally.vouchers) == 7


def test_unknown_ledger_is_reported_with_its_line_error(tally):
    invs = day()
    client = TallyClient(tally.url, S.company)
    client.push_masters(MasterSet(S).add_all(invs).elements())
    odd = S.model_copy(update={"ledger_map": {"Output CGST": "CGST Payable"}})
    report = client.push_vouchers((build(i, odd) for i in invs), batch=4)
    assert not report.ok
    # the 5 intra-state invoices and the note name "CGST Payable"; the IGST one passes
    assert (report.created, report.errors) == (1, 6)
    assert {le.message for le in report.line_errors} == {"Ledger 'CGST Payable' does not exist!"}
    assert report.line_errors[0].batch == 1
    assert report.line_errors[0].numbers == tuple(f"INV/2025/{i:04d}" for i in range(1, 5))
    rb = client.read_back(report.pushed)
    assert len(rb.dropped) == 6 and rb.found == 1


def test_isolate_errors_blames_the_voucher(tally):
    invs = [taxed(number="INV/2025/0001", buyer=BUYER_KA), taxed(number="INV/2025/0002")]
    client = TallyClient(tally.url, S.company)
    client.push_masters(MasterSet(S).add_all(invs).elements())
    tally.masters.pop(("LEDGER", "Output SGST"))
    report = client.push_vouchers((build(i, S) for i in invs), isolate_errors=True)
    assert [(le.numbers, le.message) for le in report.line_errors] == [
        (("INV/2025/0002",), "Ledger 'Output SGST' does not exist!")
    ]


def test_unreachable_server_is_retried_until_it_answers():
    port = free_port()
    server = StandInTally(port=port)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            server.start()  # Tally comes up after the second failed attempt

    client = TallyClient(f"http://127.0.0.1:{port}", S.company, backoff=0.01, sleep=sleep)
    try:
        report = client.push_masters(MasterSet(S).add_all([taxed()]).elements())
    finally:
        server.stop()
    assert report.ok and report.retries == 2 and waits == [0.01, 0.02]


def test_a_server_that_never_answers_raises_after_every_attempt():
    client = TallyClient(
        f"http://127.0.0.1:{free_port()}", S.company, attempts=3, sleep=lambda s: None
    )
    with pytest.raises(TallyUnreachable, match="3 attempt"):
        client.push_masters(MasterSet(S).add_all([taxed()]).elements())


def test_read_back_detects_a_renumbered_voucher(tally):
    invs = day()
    client = TallyClient(tally.url, S.company)
    client.push_masters(MasterSet(S).add_all(invs).elements())
    report = client.push_vouchers(build(i, S) for i in invs)
    victim = report.pushed[2]
    tally.renumber(victim.remote_id, "77")
    tally.drop(report.pushed[4].remote_id)
    rb = client.read_back(report.pushed)
    assert rb.renumbered == [(victim.remote_id, "INV/2025/0003", "77")]
    assert rb.dropped == [(report.pushed[4].remote_id, "INV/2025/0005")]
    assert not rb.changed and not rb.clean and rb.found == 6


def test_bare_response_form_is_parsed_the_same(tally):
    tally.reply_form = "response"
    client = TallyClient(tally.url, S.company)
    report = client.push_vouchers([build(taxed(), S)])
    assert report.errors == 1 and report.created == 0
    assert "Ledger 'Sahyadri Traders Pvt Ltd' does not exist!" in {
        le.message for le in report.line_errors
    }


def test_reply_parser_reads_both_forms_and_status_zero():
    bare = parse_import_reply(
        "<RESPONSE><CREATED>2</CREATED><ALTERED>1</ALTERED><ERRORS>1</ERRORS>"
        "<EXCEPTIONS>0</EXCEPTIONS><LINEERROR>Voucher totals do not match!</LINEERROR></RESPONSE>"
    )
    assert (bare.created, bare.altered, bare.errors) == (2, 1, 1)
    assert bare.line_errors == ("Voucher totals do not match!",) and not bare.ok
    prime = parse_import_reply(
        "<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DATA>"
        "<IMPORTRESULT><CREATED>3</CREATED><ALTERED>0</ALTERED><LASTVCHID>41</LASTVCHID>"
        "<ERRORS>0</ERRORS><EXCEPTIONS>1</EXCEPTIONS></IMPORTRESULT></DATA></BODY></ENVELOPE>"
    )
    assert (prime.created, prime.exceptions, prime.last_vch_id) == (3, 1, "41") and not prime.ok
    status0 = parse_import_reply(
        "<ENVELOPE><HEADER><STATUS>0</STATUS></HEADER><BODY><DATA>DESC not found</DATA></BODY>"
        "</ENVELOPE>"
    )
    assert status0.errors == 1 and status0.line_errors == ("DESC not found",)


def test_stand_in_refuses_a_voucher_that_does_not_balance(tally):
    from tally_export.envelope import import_envelope
    from tally_export.render import voucher_element

    client = TallyClient(tally.url, S.company)
    client.push_masters(MasterSet(S).add_all([taxed()]).elements())
    el = voucher_element(build(taxed(), S))
    el.find("LEDGERENTRIES.LIST/AMOUNT").text = "-2951.00"
    reply = parse_import_reply(client.post(import_envelope(S.company, "Vouchers", [el])))
    assert reply.errors == 1 and reply.line_errors == ("Voucher totals do not match!",)
