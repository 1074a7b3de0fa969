"""The GST_RULES worked example as Tally vouchers, asserted on the parsed XML."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest
from tally_factories import BUYER_KA, parse, taxed, voucher_sum, worked_credit_note
from tally_factories import amounts as amounts_of

from tally_export.config import TallySettings
from tally_export.render import voucher_element
from tally_export.vouchers import REMOTEID_NAMESPACE, Entry, UnbalancedVoucher, build
from tally_export.writer import ImportWriter

S = TallySettings(company="Lakshmi Lifestyle Retail Pvt Ltd")


def written(tmp_path, invoices, settings=S, **kw):
    with ImportWriter(tmp_path, settings.company, **kw) as w:
        for inv in invoices:
            w.write(build(inv, settings))
    return [parse(f) for f in w.files]


def only_voucher(tmp_path, inv, settings=S):
    (env,) = written(tmp_path, [inv], settings)
    (v,) = env.findall("BODY/DATA/TALLYMESSAGE/VOUCHER")
    return env, v


def test_worked_example_intra_state_on_the_parsed_xml(tmp_path):
    env, v = only_voucher(tmp_path, taxed())
    assert env.findtext("HEADER/TALLYREQUEST") == "Import"
    assert env.findtext("HEADER/ID") == "Vouchers"
    assert env.findtext("BODY/DESC/STATICVARIABLES/SVCURRENTCOMPANY") == S.company
    assert v.get("VCHTYPE") == "Sales" and v.get("OBJVIEW") == "Invoice Voucher View"
    assert v.findtext("PERSISTEDVIEW") == "Invoice Voucher View"
    assert v.findtext("ISINVOICE") == "Yes" and v.findtext("DATE") == "20251121"
    a = amounts_of(v)
    # party debited what it pays: 2700 taxable + 126 CGST + 126 SGST = 2952.00
    assert a["Sahyadri Traders Pvt Ltd"] == D("-2952.00")
    # items at taxable value before loyalty: 2 × 1000 = 2000.00 ; 1 × 1000 = 1000.00
    assert a["SHIRT"] == D("2000.00") and a["BELT"] == D("1000.00")
    # 300 points × ₹1 = 300.00 pre-tax discount, debited
    assert a["Loyalty Redemption Discount"] == D("-300.00")
    # CGST = SGST = 1800 × 2.5% + 900 × 9% = 45 + 81 = 126.00
    assert a["Output CGST"] == D("126.00") and a["Output SGST"] == D("126.00")
    assert "Output IGST" not in a
    # −2952 + 2000 + 1000 − 300 + 126 + 126 = 0
    assert voucher_sum(v) == 0
    # the sales ledger only inside the accounting allocations, per rate
    shirt = v.find("ALLINVENTORYENTRIES.LIST")
    assert shirt.findtext("RATE") == "1000.00/PCS"
    assert shirt.findtext("ACTUALQTY") == "2 PCS" == shirt.findtext("BILLEDQTY")
    alloc = shirt.find("ACCOUNTINGALLOCATIONS.LIST")
    assert alloc.findtext("LEDGERNAME") == "Sales GST 5%" and alloc.findtext("AMOUNT") == "2000.00"
    ledger_names = [le.findtext("LEDGERNAME") for le in v.findall("LEDGERENTRIES.LIST")]
    assert not any(n.startswith("Sales GST") for n in ledger_names)
    # debit = ISDEEMEDPOSITIVE Yes with a negative amount; credit = No, positive
    for le in v.findall("LEDGERENTRIES.LIST"):
        assert (le.findtext("ISDEEMEDPOSITIVE") == "Yes") == le.findtext("AMOUNT").startswith("-")
    # GST particulars by name, our registration
    assert v.findtext("PARTYGSTIN") == "27AAPFU0939F1ZV"
    assert v.findtext("GSTREGISTRATIONTYPE") == "Regular"
    assert v.findtext("STATENAME") == "Maharashtra" == v.findtext("PLACEOFSUPPLY")
    assert v.findtext("CMPGSTIN") == "27AABCL4321K1ZL"
    reg = v.find("GSTREGISTRATION")
    assert reg.get("TAXREGISTRATION") == "27AABCL4321K1ZL"
    assert reg.text == "Maharashtra Registration"
    assert "MUM-BAN" in v.findtext("NARRATION") and "300 points" in v.findtext("NARRATION")


def test_worked_example_inter_state_is_igst(tmp_path):
    _, v = only_voucher(tmp_path, taxed(buyer=BUYER_KA))
    a = amounts_of(v)
    # IGST = 1800 × 5% + 900 × 18% = 90 + 162 = 252.00 ; party 2700 + 252 = 2952.00
    assert a["Output IGST"] == D("252.00")
    assert "Output CGST" not in a and "Output SGST" not in a
    assert a["Kaveri Hospitality Pvt Ltd"] == D("-2952.00")
    assert a["Loyalty Redemption Discount"] == D("-300.00")
    assert v.findtext("PLACEOFSUPPLY") == "Karnataka" and v.findtext("CMPGSTSTATE") == "Maharashtra"
    assert voucher_sum(v) == 0


def test_worked_example_as_a_credit_note_reverses_every_sign(tmp_path):
    _, v = only_voucher(tmp_path, worked_credit_note())
    assert v.get("VCHTYPE") == "Credit Note" and v.findtext("VOUCHERNUMBER") == "CN/2025/0001"
    assert v.findtext("REFERENCE") == "INV/2025/0001"
    a = amounts_of(v)
    # everything returned: the same figures, signs reversed
    assert a["Sahyadri Traders Pvt Ltd"] == D("2952.00")
    assert (a["SHIRT"], a["BELT"]) == (D("-2000.00"), D("-1000.00"))
    assert a["Loyalty Redemption Discount"] == D("300.00")
    assert a["Output CGST"] == D("-126.00") == a["Output SGST"]
    assert voucher_sum(v) == 0
    bill = v.find("LEDGERENTRIES.LIST/BILLALLOCATIONS.LIST")
    assert bill.findtext("BILLTYPE") == "Agst Ref" and bill.findtext("NAME") == "INV/2025/0001"


def test_netted_setting_values_items_after_loyalty_with_no_discount_line(tmp_path):
    _, v = only_voucher(tmp_path, taxed(), S.model_copy(update={"loyalty": "netted"}))
    a = amounts_of(v)
    # items at taxable value after loyalty: 2000 − 200 = 1800.00 ; 1000 − 100 = 900.00
    assert (a["SHIRT"], a["BELT"]) == (D("1800.00"), D("900.00"))
    assert "Loyalty Redemption Discount" not in a
    assert a["Sahyadri Traders Pvt Ltd"] == D("-2952.00") and voucher_sum(v) == 0


def test_accounting_view_has_sales_ledgers_per_rate_and_no_inventory(tmp_path):
    _, v = only_voucher(tmp_path, taxed(), S.model_copy(update={"view": "accounting"}))
    assert v.get("OBJVIEW") == "Accounting Voucher View" and v.findtext("ISINVOICE") == "No"
    assert v.find("ALLINVENTORYENTRIES.LIST") is None
    a = amounts_of(v)
    assert a["Sales GST 5%"] == D("2000.00") and a["Sales GST 18%"] == D("1000.00")
    assert a["Loyalty Redemption Discount"] == D("-300.00") and voucher_sum(v) == 0


def test_tender_treatment_debits_the_points_not_a_discount(tmp_path):
    inv = taxed(loyalty={"points": 300, "point_value": "1", "treatment": "tender"})
    # tender: tax on the full 3000: 2000 × 2.5% + 1000 × 9% = 50 + 90 = 140.00 each
    # grand total 3000 + 280 = 3280.00, of which points pay 300.00, the party 2980.00
    _, v = only_voucher(tmp_path, inv)
    a = amounts_of(v)
    assert "Loyalty Redemption Discount" not in a
    assert a["Loyalty Points Redeemed (tender)"] == D("-300.00")
    assert a["Sahyadri Traders Pvt Ltd"] == D("-2980.00")
    assert a["Output CGST"] == D("140.00") == a["Output SGST"]
    assert voucher_sum(v) == 0


def test_round_off_is_its_own_ledger_line(tmp_path):
    # 1 item 999.50 @5% intra: CGST = SGST = 24.99 (999.50 × 2.5% = 24.9875)
    # exact total 999.50 + 49.98 = 1049.48 → rounded 1049.00, round-off −0.48 (a debit)
    line = {"sku": "CAP", "hsn": "6505", "qty": "1", "unit": "PCS", "unit_price": "999.50",
            "gst_rate": "5"}  # fmt: skip
    inv = taxed(lines=[line], loyalty=None, round_to_rupee=True)
    _, v = only_voucher(tmp_path, inv)
    a = amounts_of(v)
    assert a["Round Off"] == D("-0.48") and a["Sahyadri Traders Pvt Ltd"] == D("-1049.00")
    assert voucher_sum(v) == 0


def test_walk_in_sale_posts_to_the_store_cash_ledger(tmp_path):
    _, v = only_voucher(tmp_path, taxed(buyer=None))
    assert v.findtext("PARTYLEDGERNAME") == "Cash Sales - MUM-BAN"
    assert v.findtext("GSTREGISTRATIONTYPE") == "Consumer" and v.find("PARTYGSTIN") is None
    assert v.find("LEDGERENTRIES.LIST/BILLALLOCATIONS.LIST") is None
    assert voucher_sum(v) == 0


def test_writer_refuses_a_voucher_that_does_not_sum_to_zero(tmp_path):
    good = build(taxed(), S)
    bad = good.__class__(**{**{f: getattr(good, f) for f in good.__slots__}})
    object.__setattr__(bad, "entries", (*good.entries, Entry("Output CGST", D("0.01"))))
    with ImportWriter(tmp_path, S.company) as w, pytest.raises(UnbalancedVoucher, match=r"0\.01"):
        w.write(bad)
    assert w.count == 0


def test_remote_id_is_stable_and_a_uuid5_of_the_document():
    inv = taxed()
    a, b = build(inv, S), build(taxed(), S)
    assert a.remote_id == b.remote_id
    key = "27AABCL4321K1ZL|invoice|INV/2025/0001"
    assert a.remote_id == str(uuid.uuid5(REMOTEID_NAMESPACE, key))
    assert build(worked_credit_note(), S).remote_id != a.remote_id


def test_escaping_and_non_ascii_round_trip(tmp_path):
    name = 'Ganesh & Sons <Retail> "Café" ₹ देवनागरी'
    buyer = {**BUYER_KA, "legal_name": name}
    line = {**BELT_DESC, "sku": 'A&B<"1">'}
    # a sale is refused with a control character in its text; one stored before that rule
    # (or set by hand) still renders safely
    inv = taxed(buyer=buyer, lines=[line], store="Store & Co")
    inv = inv.model_copy(update={"store": "Store\x01 & Co"})
    with ImportWriter(tmp_path, 'Lakshmi & "Co" <Mumbai>') as w:
        w.write(build(inv, S))
    raw = w.files[0].read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "देवनागरी".encode() in raw and b"&amp;" in raw and b"&lt;Retail&gt;" in raw
    env = parse(w.files[0])
    v = env.find("BODY/DATA/TALLYMESSAGE/VOUCHER")
    assert env.findtext("BODY/DESC/STATICVARIABLES/SVCURRENTCOMPANY") == 'Lakshmi & "Co" <Mumbai>'
    assert v.findtext("PARTYLEDGERNAME") == name
    assert v.findtext("ALLINVENTORYENTRIES.LIST/STOCKITEMNAME") == 'A&B<"1">'
    assert v.findtext("NARRATION").startswith("Store Store & Co")  # control char dropped
    # the same markup through the element the client posts
    assert voucher_element(build(inv, S)).findtext("PARTYLEDGERNAME") == name


BELT_DESC = {"sku": "BELT", "hsn": "4203", "qty": "1", "unit": "PCS", "unit_price": "1000",
             "gst_rate": "18"}  # fmt: skip


def test_files_are_chunked_every_n_vouchers_each_a_whole_envelope(tmp_path):
    invs = [taxed(number=f"INV/2025/{i:04d}") for i in range(1, 8)]
    envs = written(tmp_path, invs, chunk_size=3)
    counts = [len(e.findall("BODY/DATA/TALLYMESSAGE/VOUCHER")) for e in envs]
    assert counts == [3, 3, 1]
    numbers = [v.findtext("VOUCHERNUMBER") for e in envs for v in e.iter("VOUCHER")]
    assert numbers == [f"INV/2025/{i:04d}" for i in range(1, 8)]
    assert all(e.findtext("HEADER/ID") == "Vouchers" for e in envs)
