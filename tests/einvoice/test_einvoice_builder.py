"""Worked examples: TaxedInvoice → INV-01, with the expected payloads written out."""

from __future__ import annotations

import datetime as dt

import pytest
from einvoice_helpers import (
    BELT,
    BUYER_ABROAD,
    BUYER_KA,
    BUYER_MH,
    DAY,
    SHIRTS,
    D,
    as_json,
    sale,
    taxed,
)

from einvoice import schema as s
from einvoice.builder import NotApplicable, build, uqc
from einvoice.validator import Settings, validate
from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import credit_note
from loyalty_gst.models import ReturnLine

OK = Settings(today=DAY)
SELLER_DTLS = {
    "Gstin": "27AABCL4321K1ZL",
    "LglNm": "Lakshmi Lifestyle Retail Pvt Ltd",
    "Addr1": "14 Linking Road",
    "Loc": "Mumbai",
    "Pin": 400050,
    "Stcd": "27",
}
BUYER_MH_DTLS = {
    "Gstin": "27AAPFU0939F1ZV",
    "LglNm": "Sahyadri Traders Pvt Ltd",
    "Pos": "27",
    "Addr1": "Plot 5, MIDC",
    "Loc": "Mumbai",
    "Pin": 400093,
    "Stcd": "27",
}


def shirt_item(**tax: object) -> dict[str, object]:
    return {
        "SlNo": "1",
        "PrdDesc": "Cotton shirt",
        "IsServc": "N",
        "HsnCd": "6105",
        "Qty": D("2.000"),
        "Unit": "PCS",
        "UnitPrice": D("1000.000"),
        "TotAmt": D("2000.00"),
        "Discount": D("200.00"),
        "AssAmt": D("1800.00"),
        "GstRt": D("5"),
        **tax,
    }


def belt_item(**tax: object) -> dict[str, object]:
    return {
        "SlNo": "2",
        "PrdDesc": "Leather belt",
        "IsServc": "N",
        "HsnCd": "4203",
        "Qty": D("1.000"),
        "Unit": "NOS",
        "UnitPrice": D("1000.000"),
        "TotAmt": D("1000.00"),
        "Discount": D("100.00"),
        "AssAmt": D("900.00"),
        "GstRt": D("18"),
        **tax,
    }


def test_intra_state_b2b_loyalty_on_two_rates():
    payload = build(taxed(sale()))
    # 300 points × ₹1 = 300.00 split 2000 : 1000 → Discount 200.00 and 100.00 (pre-tax);
    # AssAmt = TotAmt − Discount = 2000 − 200 = 1800.00 and 1000 − 100 = 900.00;
    # CGST = SGST = 1800 × 2.5% = 45.00 and 900 × 9% = 81.00;
    # TotItemVal = 1800 + 45 + 45 = 1890.00 and 900 + 81 + 81 = 1062.00; total 2952.00
    assert as_json(payload) == {
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "IgstOnIntra": "N"},
        "DocDtls": {"Typ": "INV", "No": "INV/2025/0001", "Dt": "21/11/2025"},
        "SellerDtls": SELLER_DTLS,
        "BuyerDtls": BUYER_MH_DTLS,
        "ItemList": [
            shirt_item(CgstAmt=D("45.00"), SgstAmt=D("45.00"), TotItemVal=D("1890.00")),
            belt_item(CgstAmt=D("81.00"), SgstAmt=D("81.00"), TotItemVal=D("1062.00")),
        ],
        # loyalty is not in ValDtls.Discount (that one lowers no tax)
        "ValDtls": {
            "AssVal": D("2700.00"),
            "CgstVal": D("126.00"),
            "SgstVal": D("126.00"),
            "TotInvVal": D("2952.00"),
        },
    }
    assert validate(payload, OK) == []


def test_inter_state_is_igst():
    payload = build(taxed(sale(buyer=BUYER_KA)))
    data = as_json(payload)
    # IGST = 1800 × 5% = 90.00 and 900 × 18% = 162.00; POS 29 ≠ seller 27
    assert data["BuyerDtls"]["Pos"] == "29" and data["BuyerDtls"]["Stcd"] == "29"
    assert data["ItemList"] == [
        shirt_item(IgstAmt=D("90.00"), TotItemVal=D("1890.00")),
        belt_item(IgstAmt=D("162.00"), TotItemVal=D("1062.00")),
    ]
    assert data["ValDtls"] == {
        "AssVal": D("2700.00"),
        "IgstVal": D("252.00"),
        "TotInvVal": D("2952.00"),
    }
    assert validate(payload, OK) == []


def test_sez_with_payment_same_state_is_still_igst():
    payment = s.Payment(Nm="Sahyadri Traders", Mode="NEFT", CrDay=30, PaymtDue=D("2952.00"))
    payload = build(taxed(sale(category="SEZWP")), payment=payment)
    data = as_json(payload)
    assert data["TranDtls"]["SupTyp"] == "SEZWP"
    # SEZ supplies are inter-state: IGST 90.00 + 162.00 although buyer and seller are in 27
    assert [it["IgstAmt"] for it in data["ItemList"]] == [D("90.00"), D("162.00")]
    assert "CgstAmt" not in data["ItemList"][0]
    assert data["ValDtls"] == {
        "AssVal": D("2700.00"),
        "IgstVal": D("252.00"),
        "TotInvVal": D("2952.00"),
    }
    assert data["PayDtls"] == {
        "Nm": "Sahyadri Traders",
        "Mode": "NEFT",
        "CrDay": 30,
        "PaymtDue": D("2952.00"),
    }
    assert validate(payload, OK) == []


def test_export_without_payment_pos_96_urp_buyer():
    # the goods keep their rates (5%, 18%); under LUT the IGST is not paid
    doc = sale(buyer=BUYER_ABROAD, category="EXPWOP", lines=[SHIRTS, BELT], loyalty=None)
    export = s.Export(ShipBNo="7654321", ShipBDt="22/11/2025", Port="INBOM1", ForCur="AED")
    payload = build(taxed(doc), export=export)
    data = as_json(payload)
    assert data["TranDtls"]["SupTyp"] == "EXPWOP"
    assert data["BuyerDtls"] == {
        "Gstin": "URP",
        "LglNm": "Gulf Fashion Trading LLC",
        "Pos": "96",
        "Addr1": "Al Fahidi Street 12",
        "Loc": "Dubai",
        "Pin": 999999,
        "Stcd": "96",
    }
    assert data["ExpDtls"] == {
        "ShipBNo": "7654321",
        "ShipBDt": "22/11/2025",
        "Port": "INBOM1",
        "ForCur": "AED",
        "CntCode": "AE",
    }
    # under LUT no IGST: 2000 + 1000 = 3000.00 taxable and invoice value
    assert [(it["AssAmt"], it["GstRt"], it.get("IgstAmt")) for it in data["ItemList"]] == [
        (D("2000.00"), D("5"), None),
        (D("1000.00"), D("18"), None),
    ]
    assert data["ValDtls"] == {"AssVal": D("3000.00"), "TotInvVal": D("3000.00")}
    assert validate(payload, OK) == []


def test_credit_note_for_part_of_an_invoice():
    original = taxed(sale())
    note = credit_note(
        original,
        number="CN/2025/0001",
        date=dt.date(2025, 11, 24),
        returns=[ReturnLine(line_no=1, qty=D("1"))],
    )
    payload = build(note)
    data = as_json(payload)
    assert data["DocDtls"] == {"Typ": "CRN", "No": "CN/2025/0001", "Dt": "24/11/2025"}
    assert data["RefDtls"] == {"PrecDocDtls": [{"InvNo": "INV/2025/0001", "InvDt": "21/11/2025"}]}
    # one shirt of two: taxable 1800 × 1/2 = 900.00, loyalty 200 × 1/2 = 100.00,
    # gross 900 + 100 = 1000.00; CGST = SGST = 45 × 1/2 = 22.50; all positive
    assert data["ItemList"] == [
        {
            "SlNo": "1",
            "PrdDesc": "Cotton shirt",
            "IsServc": "N",
            "HsnCd": "6105",
            "Qty": D("1.000"),
            "Unit": "PCS",
            "UnitPrice": D("1000.000"),
            "TotAmt": D("1000.00"),
            "Discount": D("100.00"),
            "AssAmt": D("900.00"),
            "GstRt": D("5"),
            "CgstAmt": D("22.50"),
            "SgstAmt": D("22.50"),
            "TotItemVal": D("945.00"),
        }
    ]
    assert data["ValDtls"] == {
        "AssVal": D("900.00"),
        "CgstVal": D("22.50"),
        "SgstVal": D("22.50"),
        "TotInvVal": D("945.00"),
    }
    assert validate(payload, Settings(today=dt.date(2025, 11, 24))) == []


def test_nil_rated_line_goes_to_other_charges():
    rice = {
        "sku": "RICE",
        "description": "Basmati rice",
        "hsn": "1006",
        "qty": "5",
        "unit": "KGS",
        "unit_price": "60",
        "gst_rate": "0",
        "redeemable": False,
    }
    payload = build(taxed(sale(lines=[SHIRTS, BELT, rice])))
    data = as_json(payload)
    # the rice (5 × 60 = 300.00, nil-rated) is not an item; its value is OthChrg
    assert [it["HsnCd"] for it in data["ItemList"]] == ["6105", "4203"]
    # TotInvVal = 1890 + 1062 + 300 = 3252.00
    assert data["ValDtls"] == {
        "AssVal": D("2700.00"),
        "CgstVal": D("126.00"),
        "SgstVal": D("126.00"),
        "OthChrg": D("300.00"),
        "TotInvVal": D("3252.00"),
    }
    assert validate(payload, OK) == []


def test_tax_inclusive_prices_give_an_exclusive_unit_price():
    line = {
        "sku": "JACKET",
        "description": "Denim jacket",
        "hsn": "6201",
        "qty": "3",
        "unit": "PCS",
        "unit_price": "999",
        "gst_rate": "18",
    }
    payload = build(taxed(sale(lines=[line], loyalty=None, prices_include_tax=True)))
    it = payload.ItemList[0]
    # 3 × 999 = 2997 inclusive; gross = 2997 × 100 / 118 = 2539.83; 2539.83 / 3 = 846.610
    assert (it.TotAmt, it.UnitPrice, it.AssAmt) == (D("2539.83"), D("846.610"), D("2539.83"))
    assert abs(it.UnitPrice * it.Qty - it.TotAmt) <= D("0.01")
    assert validate(payload, OK) == []


def test_round_off_and_after_tax_discount():
    inv = taxed(sale(round_to_rupee=True, lines=[{**BELT, "unit_price": "999.40"}], loyalty=None))
    # CGST = SGST = 999.40 × 9% = 89.946 → 89.95; 999.40 + 179.90 = 1179.30 → 1179.00
    payload = build(inv)
    assert (payload.ValDtls.RndOffAmt, payload.ValDtls.TotInvVal) == (D("-0.30"), D("1179.00"))
    assert payload.ValDtls.Discount is None
    assert validate(payload, OK) == []


def test_b2c_sale_gets_no_einvoice():
    with pytest.raises(NotApplicable, match="B2C"):
        build(taxed(sale(buyer=None)))


def test_only_nil_rated_lines_get_no_einvoice():
    rice = {
        "sku": "RICE",
        "hsn": "1006",
        "qty": "5",
        "unit": "KGS",
        "unit_price": "60",
        "gst_rate": "0",
    }
    with pytest.raises(NotApplicable, match="taxable item"):
        build(taxed(sale(lines=[rice], loyalty=None)))


def test_too_long_document_number_is_refused_with_its_field():
    inv = taxed(sale()).model_copy(update={"number": "NAGSIT/2511/00008"})
    with pytest.raises(InvalidInput) as err:
        build(inv)
    assert err.value.problems[0].field.endswith("No") and err.value.problems[0].code == "2140"


@pytest.mark.parametrize(
    ("unit", "code"),
    [("PCS", "PCS"), ("pc", "PCS"), ("Kg", "KGS"), ("each", "NOS"), ("furlong", "OTH")],
)
def test_uqc_mapping(unit, code):
    assert uqc(unit) == code


def test_buyer_details_never_carry_the_mobile_number():
    buyer = {**BUYER_MH, "mobile": "+919876543210"}
    assert "Ph" not in as_json(build(taxed(sale(buyer=buyer))))["BuyerDtls"]
