"""Every figure as ERPNext's books have it, on the real samples (tests/erpnext_samples):
e-invoice lines are ERPNext's stored line amounts, GSTR-1 values are the invoice as billed,
HSN quantities fit the portal, charges outside GST and missing HSN codes are handled where
they arise."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from einvoice import validator
from einvoice.builder import build as einvoice
from loyalty_gst import gstr1
from loyalty_gst.erpnext.adapter import to_taxed_invoice
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice
from tally_export.config import TallySettings
from tally_export.export import write_vouchers
from tally_export.vouchers import build as voucher

SAMPLES = Path(__file__).resolve().parents[1] / "erpnext_samples"
FILES = sorted(SAMPLES.glob("*.json"))
DOCS = {f.stem: json.loads(f.read_text()) for f in FILES}
BY_NAME = {d["name"]: d for d in DOCS.values()}
SELLER = "27AAACA1234B1ZI"


def taxed(doc: dict[str, Any]) -> TaxedInvoice:
    original = BY_NAME.get(doc.get("return_against") or "")
    day = dt.date.fromisoformat(original["posting_date"]) if original else None
    return to_taxed_invoice(doc, original_date=day)


def b2b(stem: str) -> bool:
    return bool(DOCS[stem].get("billing_address_gstin"))


def values(data: Any) -> list[D]:
    """Every per-document `val` in a GSTR-1 JSON (b2b, b2cl, cdnr …)."""
    if isinstance(data, dict):
        own = [data["val"]] if "val" in data else []
        return own + [v for x in data.values() for v in values(x)]
    if isinstance(data, list):
        return [v for x in data for v in values(x)]
    return []


def returns(inv: TaxedInvoice) -> dict[str, Any]:
    fp = inv.date.strftime("%m%Y")
    result = gstr1.build(SELLER, fp, [inv])
    try:
        return result.to_dict()
    finally:
        result.close()


def test_samples_are_in_the_repository() -> None:
    assert len(FILES) == 20
    assert (SAMPLES / "README.md").exists()


@pytest.mark.parametrize("stem", [s for s in DOCS if b2b(s)])
def test_einvoice_lines_are_erpnexts_stored_amounts(stem: str) -> None:
    doc = DOCS[stem]
    inv = taxed(doc)
    payload = einvoice(inv)
    assert validator.validate(payload, validator.Settings(today=inv.date)) == []  # the IRP's rules
    items = [it for it in doc["items"] if it.get("gst_treatment", "Taxable") == "Taxable"]
    assert len(payload.ItemList) == len(items)
    for got, it in zip(payload.ItemList, items, strict=True):
        assert got.UnitPrice == abs(D(str(it["base_rate"]))), it["item_code"]
        assert got.TotAmt == abs(D(str(it["base_amount"]))), it["item_code"]
        assert got.AssAmt == abs(D(str(it["base_net_amount"]))), it["item_code"]
        assert (got.Discount or D(0)) == got.TotAmt - got.AssAmt >= 0


@pytest.mark.parametrize("stem", list(DOCS))
def test_no_negative_trade_discount_and_foregone_is_rate_times_share(stem: str) -> None:
    inv = taxed(DOCS[stem])
    for ln in inv.lines:
        assert ln.trade_discount >= 0 and ln.loyalty_discount >= 0
        assert ln.gross - ln.trade_discount - ln.loyalty_discount == ln.taxable_value


@pytest.mark.parametrize("stem", list(DOCS))
def test_gstr1_value_is_the_invoice_as_billed_and_hsn_qty_two_decimals(stem: str) -> None:
    doc = DOCS[stem]
    inv = taxed(doc)
    data = returns(inv)
    billed = abs(D(str(doc["base_rounded_total"] or doc["base_grand_total"])))
    for val in values(data):
        assert val == billed
    if b2b(stem):
        assert einvoice(inv).ValDtls.TotInvVal == billed
        assert values(data) == [billed]
    hsn = data["hsn"]
    for table in hsn.values():
        for row in table:
            qty = D(str(row["qty"]))
            assert qty == qty.quantize(D("0.01")), row


def test_cash_discount_after_tax_is_out_of_the_gstr1_value() -> None:
    # sample 04: grand total 1548 − cash discount 300 = 1248, as the invoice and its IRN say
    inv = taxed(DOCS["04-b2b-intra-cash-discount-300"])
    assert einvoice(inv).ValDtls.TotInvVal == D("1248.00")
    assert values(returns(inv)) == [D("1248.00")]


def test_three_decimal_kgs_hsn_quantity_rounded_half_up() -> None:
    # sample 14: ANC-ALMOND 1.235 + 2.007 kg on two lines = 3.242 → 3.24; UnitPrice is base_rate
    inv = taxed(DOCS["14-b2b-inter-kgs-3-decimal-qty"])
    rows = [r for t in returns(inv)["hsn"].values() for r in t]
    assert all(len(str(r["qty"]).partition(".")[2]) <= 2 for r in rows)
    doc = DOCS["14-b2b-inter-kgs-3-decimal-qty"]
    assert [ln.unit_price for ln in inv.lines] == [
        D(str(it["base_rate"])).quantize(D("0.001")) for it in doc["items"]
    ]


def with_freight(amount: float = 100.0) -> dict[str, Any]:
    doc = copy.deepcopy(DOCS["01-b2b-intra-no-discount"])
    total = doc["base_grand_total"] + amount
    doc["taxes"].append(
        {"idx": len(doc["taxes"]) + 1, "charge_type": "Actual", "account_head": "Freight - AIPL",
         "description": "Freight", "tax_amount": amount, "base_tax_amount": amount,
         "tax_amount_after_discount_amount": amount,
         "base_tax_amount_after_discount_amount": amount, "total": total, "base_total": total}
    )  # fmt: skip
    for key in ("grand_total", "base_grand_total", "rounded_total", "base_rounded_total"):
        doc[key] = total
    doc["total_taxes_and_charges"] = doc["base_total_taxes_and_charges"] = 148.0 + amount
    return doc


def test_actual_freight_row_is_other_charges_everywhere() -> None:
    # sample 01: 1400 + CGST 74 + SGST 74 = 1548; + freight 100 outside GST = 1648
    inv = taxed(with_freight())
    assert inv.totals.other_charges == D("100.00") and inv.totals.grand_total == D("1648.00")
    assert inv.totals.taxable_value == D("1400.00") and inv.totals.tax == D("148.00")
    assert validator.validate(einvoice(inv), validator.Settings(today=inv.date)) == []
    v = einvoice(inv).ValDtls
    assert (v.OthChrg, v.TotInvVal, v.AssVal) == (D("100.00"), D("1648.00"), D("1400.00"))
    assert values(returns(inv)) == [D("1648.00")]
    tv = voucher(inv, TallySettings(company="Anchor India Pvt Ltd"))
    freight = [e for e in tv.entries if e.ledger == "Freight and Other Charges"]
    assert [e.amount for e in freight] == [D("100.00")]  # a credit, like sales
    assert tv.party_amount == D("-1648.00") and tv.total == 0


def test_percentage_charge_outside_gst_is_refused_naming_the_row() -> None:
    doc = with_freight()
    doc["taxes"][-1]["charge_type"] = "On Net Total"
    doc["taxes"][-1]["description"] = "TCS"
    with pytest.raises(InvalidInput, match=r"tax row 3 \(TCS, On Net Total\)"):
        taxed(doc)


def test_item_without_hsn_is_refused_naming_row_and_item() -> None:
    doc = copy.deepcopy(DOCS["01-b2b-intra-no-discount"])
    doc["items"][1]["gst_hsn_code"] = ""
    code = doc["items"][1]["item_code"]
    with pytest.raises(InvalidInput, match=rf"row 2 \(item {code}\) has no HSN"):
        taxed(doc)


def test_loyalty_share_never_exceeds_a_lines_discount() -> None:
    # sample 13 (₹999 over 10 lines, ERPNext's distributed amounts off by ±0.02): all of
    # the discount as loyalty → every line's loyalty = its TotAmt − AssAmt, trade 0
    doc = copy.deepcopy(DOCS["13-b2b-intra-10-lines-discount-999"])
    doc["lgst_loyalty_amount"] = doc["discount_amount"]
    inv = taxed(doc)
    for ln, it in zip(inv.lines, doc["items"], strict=True):
        assert ln.loyalty_discount == D(str(it["base_amount"])) - D(str(it["base_net_amount"]))
        assert ln.trade_discount == 0
        foregone = (ln.loyalty_discount * ln.gst_rate / 100).quantize(D("0.01"), ROUND_HALF_UP)
        assert ln.gst_foregone == foregone
    assert inv.totals.loyalty_discount == D("999.00")
    doc["lgst_loyalty_amount"] = 1000.0
    with pytest.raises(InvalidInput, match="more than the discount on the lines"):
        taxed(doc)


def test_tally_summary_subtracts_credit_notes(tmp_path: Path) -> None:
    # 05 (inter-state, grand 1271.57, IGST 121.57) and its full return 11: nets to 0
    docs = [
        taxed(DOCS["05-b2b-inter-net-total-discount-250"]),
        taxed(DOCS["11-credit-note-full-return-of-05"]),
    ]
    summary = write_vouchers(docs, TallySettings(company="Anchor India Pvt Ltd"), tmp_path)
    assert summary.count == 2
    assert (summary.party_total, summary.tax_total) == (D("0.00"), D("0.00"))
