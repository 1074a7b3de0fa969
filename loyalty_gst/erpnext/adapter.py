"""A submitted ERPNext Sales Invoice (`as_dict()`) → TaxedInvoice, using ERPNext's numbers.

Nothing is recomputed: taxable values are the items' `base_net_amount`; each tax head's
total is the tax row's `base_tax_amount_after_discount_amount` (ERPNext rounds per row,
not per line), split back over the lines by largest remainder on the items' unrounded
tax (India Compliance's `cgst_amount`… or rate × net amount) so Σ lines = ERPNext's row
to the paisa and CGST = SGST line by line. The additional discount spread by ERPNext
(`distributed_discount_amount`) is split into its loyalty part (`lgst_loyalty_amount`)
and the rest (trade discount). Returns (`is_return`) become credit notes with positive
amounts. ERPNext's native loyalty redemption is a tender (`loyalty_amount`).
Pure: no frappe import; the glue passes `as_dict()` and the original's date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import totals_of
from loyalty_gst.models import (
    Buyer,
    Category,
    DocRef,
    LoyaltyApplied,
    Seller,
    TaxedInvoice,
    TaxedLine,
)
from loyalty_gst.money import ZERO, paise, split

HEADS = ("cgst", "sgst", "igst", "cess")
# ERPNext UOM names → GST UQC (India Compliance keeps the same idea on the UOM doctype).
UOM_TO_UQC = {
    "nos": "NOS",
    "unit": "UNT",
    "units": "UNT",
    "kg": "KGS",
    "kgs": "KGS",
    "gram": "GMS",
    "gm": "GMS",
    "litre": "LTR",
    "liter": "LTR",
    "ltr": "LTR",
    "meter": "MTR",
    "metre": "MTR",
    "box": "BOX",
    "pair": "PRS",
    "set": "SET",
    "dozen": "DOZ",
    "bottle": "BTL",
    "pack": "PAC",
    "pcs": "PCS",
    "piece": "PCS",
    "tonne": "TON",
    "carton": "CTN",
    "bag": "BAG",
    "roll": "ROL",
    "millilitre": "MLT",
    "ml": "MLT",
    "square meter": "SQM",
    "hour": "OTH",
}
TREATMENT = {
    "Taxable": "taxable",
    "Nil-Rated": "nil_rated",
    "Exempted": "exempt",
    "Non-GST": "non_gst",
}
_PIN = re.compile(r"PIN Code:\s*(\d{6})")


def dec(value: Any) -> Decimal:
    """ERPNext hands numbers as Python floats: take their shortest repr, never the binary."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value))


def _signed(sign: Decimal, value: Any) -> Decimal:
    """A document amount in paise, negated for returns; never −0.00."""
    return paise(sign * dec(value)) + ZERO


def _head_of(row: Mapping[str, Any]) -> str | None:
    kind = (row.get("gst_tax_type") or "").lower()
    if kind in HEADS:
        return kind
    account = str(row.get("account_head") or "").upper()
    for head in ("CGST", "SGST", "IGST", "CESS"):
        if head in account and "RCM" not in account:
            return head.lower()
    return None


def _item_head_rates(
    item: Mapping[str, Any], taxes: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal]:
    """Each head's rate on one item: India Compliance's `cgst_rate`… when present, else
    ERPNext's own rule — the item's `item_tax_rate` (account → rate, from its Item Tax
    Template) overrides the tax row's `rate` for that row's account."""
    own = {h: dec(item.get(f"{h}_rate")) for h in HEADS}
    if any(own.values()):
        return own
    raw = item.get("item_tax_rate") or {}
    by_account = json.loads(raw) if isinstance(raw, str) else dict(raw)
    out = dict.fromkeys(HEADS, ZERO)
    for row in taxes:
        head = _head_of(row)
        if head and row.get("charge_type", "On Net Total") == "On Net Total":
            account = row.get("account_head")
            out[head] += dec(by_account[account] if account in by_account else row.get("rate"))
    return out


def address_of(display: str | None) -> dict[str, str]:
    """address / city / pincode from ERPNext's `address_display` HTML."""
    parts = [p.strip() for p in re.split(r"<br\s*/?>|\n", display or "") if p.strip()]
    pin = next((m.group(1) for p in parts if (m := _PIN.search(p))), "")
    state_at = next((i for i, p in enumerate(parts) if "State Code" in p), len(parts))
    city = parts[state_at - 1] if state_at >= 1 else ""
    line1 = ", ".join(parts[: max(state_at - 1, 1)])[:100]
    return {"address": line1 or city, "city": city, "pincode": pin}


def _category(doc: Mapping[str, Any]) -> Category:
    cat = doc.get("gst_category") or "Unregistered"
    with_tax = bool(doc.get("is_export_with_gst"))
    if cat == "SEZ":
        return "SEZWP" if with_tax else "SEZWOP"
    if cat == "Overseas":
        return "EXPWP" if with_tax else "EXPWOP"
    if cat == "Deemed Export":
        return "DEXP"
    return "B2B" if doc.get("billing_address_gstin") else "B2C"


def to_taxed_invoice(
    doc: Mapping[str, Any],
    *,
    original_date: dt.date | None = None,
    seller_address: Mapping[str, str] | None = None,
    buyer_address: Mapping[str, str] | None = None,
) -> TaxedInvoice:
    """The TaxedInvoice of a submitted Sales Invoice / POS Invoice `as_dict()`."""
    sign = Decimal(-1) if doc.get("is_return") else Decimal(1)
    items = list(doc.get("items") or [])
    if not items:
        raise InvalidInput.one("items", [], "the invoice has no items")
    heads: dict[str, Decimal] = dict.fromkeys(HEADS, ZERO)
    for row in doc.get("taxes") or []:
        head = _head_of(row)
        if head:
            heads[head] += _signed(sign, row.get("base_tax_amount_after_discount_amount"))

    nets = [_signed(sign, it.get("base_net_amount")) for it in items]
    head_rates = [_item_head_rates(it, doc.get("taxes") or []) for it in items]
    rates = [sum((hr[h] for h in ("cgst", "sgst", "igst")), ZERO) for hr in head_rates]
    per_head = {}
    for head in HEADS:
        weights = [abs(dec(it.get(f"{head}_amount"))) for it in items]
        if not any(weights):  # no India Compliance item fields: weight by rate × net
            weights = [abs(n) * hr[head] for n, hr in zip(nets, head_rates, strict=True)]
        per_head[head] = split(heads[head], weights) if heads[head] else tuple(ZERO for _ in items)

    loyalty_total = _signed(sign, doc.get("lgst_loyalty_amount"))
    distributed = [_signed(sign, it.get("distributed_discount_amount")) for it in items]
    cash_discount = bool(doc.get("is_cash_or_non_trade_discount"))
    if cash_discount:
        distributed = [ZERO for _ in items]
    loyalty_parts = (
        split(loyalty_total, [abs(d) for d in distributed])
        if loyalty_total and any(distributed)
        else tuple(ZERO for _ in items)
    )

    lines = []
    for i, it in enumerate(items):
        net = nets[i]
        cgst, sgst, igst, cess = (per_head[h][i] for h in HEADS)
        qty = abs(dec(it.get("qty")))
        uom = str(it.get("uom") or it.get("stock_uom") or "")
        lines.append(
            TaxedLine(
                line_no=i + 1,
                sku=str(it.get("item_code") or it.get("item_name")),
                description=str(it.get("item_name") or "")[:300],
                hsn=str(it.get("gst_hsn_code") or ""),
                is_service=str(it.get("gst_hsn_code") or "").startswith("99"),
                tax_category=TREATMENT.get(str(it.get("gst_treatment") or "Taxable"), "taxable"),  # type: ignore[arg-type]
                qty=qty,
                unit=UOM_TO_UQC.get(uom.lower(), "OTH"),
                unit_price=abs(dec(it.get("base_rate"))).quantize(Decimal("0.001")),
                gst_rate=rates[i].normalize() if rates[i] else Decimal(0),
                cess_rate=dec(it.get("cess_rate")),
                gross=net + distributed[i],
                trade_discount=distributed[i] - loyalty_parts[i],
                taxable_before_loyalty=net + loyalty_parts[i],
                loyalty_discount=loyalty_parts[i],
                loyalty_value=loyalty_parts[i],
                taxable_value=net,
                cgst=cgst,
                sgst=sgst,
                igst=igst,
                cess=cess,
                total=net + cgst + sgst + igst + cess,
            )
        )
    tender = _signed(sign, doc.get("loyalty_amount")) if doc.get("redeem_loyalty_points") else ZERO
    after_tax = _signed(sign, doc.get("base_discount_amount")) if cash_discount else ZERO
    rounding = (
        ZERO
        if doc.get("disable_rounded_total")
        else _signed(sign, doc.get("base_rounding_adjustment"))
    )
    totals = totals_of(lines, False, tender_value=tender)
    grand = totals.grand_total + rounding
    totals = totals.model_copy(
        update={
            "round_off": rounding,
            "grand_total": grand,
            "after_tax_discount": after_tax,
            "amount_payable": grand - after_tax - tender,
        }
    )
    # ERPNext's own check: the lines must add up to its grand total
    erp_grand = _signed(sign, doc.get("base_grand_total")) + after_tax
    if totals.grand_total - rounding != erp_grand:
        raise InvalidInput.one(
            "base_grand_total", str(erp_grand), f"lines add up to {totals.grand_total - rounding}"
        )

    seller_addr = dict(seller_address or address_of(doc.get("company_address_display")))
    seller = Seller(
        gstin=str(doc.get("company_gstin") or ""),
        legal_name=str(doc.get("company")),
        address=seller_addr["address"],
        city=seller_addr["city"],
        pincode=seller_addr["pincode"],
    )
    pos = str(doc.get("place_of_supply") or seller.gstin[:2])[:2]
    category = _category(doc)
    buyer = None
    if doc.get("customer_address") or doc.get("billing_address_gstin"):
        b = dict(buyer_address or address_of(doc.get("address_display")))
        gstin = doc.get("billing_address_gstin") or None
        buyer = Buyer(
            gstin=gstin,
            legal_name=str(doc.get("customer_name") or doc.get("customer")),
            address=b["address"] or "-",
            city=b["city"] or "-",
            pincode=b["pincode"],
            state_code=str(gstin)[:2] if gstin else pos,
        )
    against = None
    if doc.get("is_return"):
        if original_date is None:
            raise InvalidInput.one(
                "return_against",
                doc.get("return_against"),
                "a return needs the original invoice's date",
            )
        against = DocRef(number=str(doc.get("return_against")), date=original_date)
    points = int(dec(doc.get("lgst_points_redeemed") or doc.get("loyalty_points") or 0))
    return TaxedInvoice(
        number=str(doc.get("name")),
        date=dt.date.fromisoformat(str(doc.get("posting_date"))[:10]),
        kind="credit_note"
        if doc.get("is_return")
        else ("debit_note" if doc.get("is_debit_note") else "invoice"),
        seller=seller,
        buyer=buyer,
        category=category,
        against=against,
        store=doc.get("pos_profile") or doc.get("lgst_store") or None,
        channel="pos" if doc.get("is_pos") else "desk",
        prices_include_tax=any(t.get("included_in_print_rate") for t in doc.get("taxes") or []),
        supply="inter"
        if heads["igst"] or (category != "B2B" and category != "B2C") or pos != seller.gstin[:2]
        else "intra",
        place_of_supply=pos,
        reverse_charge=bool(doc.get("is_reverse_charge")),
        lines=tuple(lines),
        totals=totals,
        loyalty=LoyaltyApplied(
            points_requested=points,
            points_redeemed=points if (loyalty_total or tender) else 0,
            point_value=dec(
                doc.get("lgst_point_value") or (tender / points if tender and points else 0)
            ),
            value=loyalty_total or tender,
            treatment="tender" if tender else "pre_tax_discount",
            basis="bill" if doc.get("apply_discount_on") == "Grand Total" else "taxable",
        ),
    )
