"""One test per validator rule: a valid payload, one thing broken, the rule fires with its code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from einvoice_helpers import BUYER_KA, DAY, D, as_json, sale, taxed

from einvoice.builder import build
from einvoice.codes import BEST_READING, CONFIRMED, MESSAGES
from einvoice.validator import RULES, Settings, validate

OK = Settings(today=DAY)
Payload = dict[str, Any]


def intra() -> Payload:
    return as_json(build(taxed(sale())))


def inter() -> Payload:
    return as_json(build(taxed(sale(buyer=BUYER_KA))))


def sez() -> Payload:
    return as_json(build(taxed(sale(category="SEZWP"))))


def item(p: Payload, i: int = 0) -> dict[str, Any]:
    return p["ItemList"][i]


def _set(path: str, value: Any) -> Callable[[Payload], None]:
    def change(p: Payload) -> None:
        *head, last = path.split(".")
        node: Any = p
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value

    return change


CASES: list[tuple[str, Callable[[], Payload], Callable[[Payload], None], str]] = [
    # TotAmt 2000.00 but UnitPrice 1000.75 × Qty 2 = 2001.50 (off by more than ±1)
    ("unit price × qty", intra, _set("ItemList.0.UnitPrice", D("1000.750")), "2192"),
    # AssAmt must be TotAmt − Discount = 2000 − 200 = 1800.00
    ("assessable amount", intra, _set("ItemList.0.AssAmt", D("1850.00")), "2193"),
    # TotItemVal must be 1800 + 45 + 45 = 1890.00
    ("item total", intra, _set("ItemList.0.TotItemVal", D("1900.00")), "2194"),
    ("cgst = sgst", intra, _set("ItemList.0.SgstAmt", D("46.00")), "2227"),
    # CGST 45.00 expected (1800 × 2.5%); 47.50 is off by more than ±1
    (
        "cgst vs rate",
        intra,
        lambda p: item(p).update(CgstAmt=D("47.50"), SgstAmt=D("47.50")),
        "2234",
    ),
    ("igst vs rate", inter, _set("ItemList.0.IgstAmt", D("95.00")), "2235"),
    ("igst on intra-state", intra, _set("ItemList.0.IgstAmt", D("90.00")), "2172"),
    (
        "cgst on inter-state",
        inter,
        lambda p: item(p).update(CgstAmt=D("45.00"), SgstAmt=D("45.00")),
        "2174",
    ),
    ("cgst on sez", sez, lambda p: item(p).update(CgstAmt=D("45.00"), SgstAmt=D("45.00")), "2237"),
    ("igst-on-intra flag off state", inter, _set("TranDtls.IgstOnIntra", "Y"), "2180"),
    (
        "export pos",
        sez,
        lambda p: (p["TranDtls"].update(SupTyp="EXPWP"), p["BuyerDtls"].update(Gstin="URP")),
        "2181",
    ),
    ("assessable sum", intra, _set("ValDtls.AssVal", D("2701.00")), "2182"),
    ("igst sum", inter, _set("ValDtls.IgstVal", D("250.00")), "2183"),
    ("cgst sum", intra, _set("ValDtls.CgstVal", D("125.00")), "2184"),
    ("sgst sum", intra, _set("ValDtls.SgstVal", D("125.00")), "2185"),
    ("cess sum", intra, _set("ValDtls.CesVal", D("1.00")), "2186"),
    ("state cess sum", intra, _set("ValDtls.StCesVal", D("1.00")), "2187"),
    ("discount above invoice", intra, _set("ValDtls.Discount", D("5000.00")), "2188"),
    # 1890 + 1062 = 2952.00; 2953.50 is outside ±1
    ("invoice value", intra, _set("ValDtls.TotInvVal", D("2953.50")), "2189"),
    ("gstin check character", intra, _set("BuyerDtls.Gstin", "27AAPFU0939F1ZO"), "3028"),
    ("seller gstin vs state", intra, _set("SellerDtls.Stcd", "29"), "2258"),
    ("buyer gstin vs state", intra, _set("BuyerDtls.Stcd", "29"), "2265"),
    ("pin in state", intra, _set("BuyerDtls.Pin", 560001), "2178"),
    ("same gstin", intra, _set("BuyerDtls.Gstin", "27AABCL4321K1ZL"), "2211"),
    ("duplicate serial", intra, _set("ItemList.1.SlNo", "1"), "2233"),
    ("note without original", intra, _set("DocDtls.Typ", "CRN"), "2191"),
    ("future date", intra, _set("DocDtls.Dt", "22/11/2025"), "2163"),
    ("schema: negative amount", intra, _set("ItemList.0.Discount", D("-1.00")), "2140"),
    ("schema: doc number", intra, _set("DocDtls.No", "0INV/1"), "2140"),
]


def test_the_payload_is_valid_before_breaking():
    assert validate(intra(), OK) == validate(inter(), OK) == validate(sez(), OK) == []


@pytest.mark.parametrize(("name", "make", "change", "code"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_with_its_code(name, make, change, code):
    payload = make()
    change(payload)
    codes = [p.code for p in validate(payload, OK)]
    assert code in codes, f"{name}: got {codes}"


def test_every_problem_names_field_value_and_message():
    payload = intra()
    payload["ValDtls"]["TotInvVal"] = D("3000.00")
    (problem,) = validate(payload, OK)
    assert problem.field == "ValDtls.TotInvVal" and problem.value == "3000.00"
    assert problem.rule.startswith(MESSAGES["2189"]) and "expected 2952.00" in problem.rule


def test_every_violation_is_returned_not_just_the_first():
    payload = intra()
    payload["ValDtls"]["AssVal"] = D("1.00")
    payload["ItemList"][1]["SlNo"] = "1"
    assert {"2182", "2233"} <= {p.code for p in validate(payload, OK)}


def test_invoice_value_tolerance_is_one_rupee():
    payload = intra()
    payload["ValDtls"]["TotInvVal"] = D("2953.00")  # 2952.00 + 1.00: inside ±1
    assert validate(payload, OK) == []


def test_30_day_window_is_a_setting():
    payload = intra()  # dated 21/11/2025
    late = dt.date(2025, 12, 22)  # 31 days later
    assert [p.code for p in validate(payload, Settings(today=late))] == []
    codes = [p.code for p in validate(payload, Settings(today=late, reporting_window_days=30))]
    assert codes == ["2305"]
    on_day_30 = Settings(today=dt.date(2025, 12, 21), reporting_window_days=30)
    assert validate(payload, on_day_30) == []


def test_sandbox_accepts_nic_test_gstins():
    payload = intra()
    payload["BuyerDtls"]["Gstin"] = "27AAPFU0939F1ZO"  # bad check character
    assert [p.code for p in validate(payload, OK)] == ["3028"]
    assert validate(payload, Settings(today=DAY, sandbox=True)) == []


def test_notes_are_not_checked_against_rates():
    payload = intra()
    payload["DocDtls"]["Typ"] = "CRN"
    payload["RefDtls"] = {"PrecDocDtls": [{"InvNo": "INV/2025/0001", "InvDt": "21/11/2025"}]}
    item(payload).update(CgstAmt=D("47.50"), SgstAmt=D("47.50"), TotItemVal=D("1895.00"))
    for key, val in (
        ("CgstVal", D("128.50")),
        ("SgstVal", D("128.50")),
        ("TotInvVal", D("2957.00")),
    ):
        payload["ValDtls"][key] = val
    assert validate(payload, OK) == []


def test_rule_registry_and_code_table():
    assert len(RULES) >= 20
    assert CONFIRMED.isdisjoint(BEST_READING)
    assert {"2150", "2189", "2193"} <= CONFIRMED
