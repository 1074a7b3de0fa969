"""A submitted ERPNext Sales Invoice (`as_dict()`) → TaxedInvoice, using ERPNext's numbers.

Nothing is recomputed: taxable values are the items' `base_net_amount`; each tax head's
total is the tax row's `base_tax_amount_after_discount_amount` (ERPNext rounds per row,
not per line), split back over the lines by largest remainder on the items' unrounded
tax (India Compliance's `cgst_amount`… or rate × net amount) so Σ lines = ERPNext's row
to the paisa and CGST = SGST line by line. Each line is ERPNext's as stored: unit price
`base_rate`, gross `base_amount`, taxable `base_net_amount`; its discount (gross − net,
never negative) is split into its loyalty part (`lgst_loyalty_amount` pro rata to the
lines' discounts) and the rest (trade discount); GST foregone = rate × loyalty part.
"Actual" tax rows outside GST (freight) are charges (INV-01 OthChrg). A line without
HSN is refused here, naming its row and item. Returns (`is_return`) become credit
notes with positive amounts. ERPNext's native loyalty redemption is a tender (`loyalty_amount`).
Pure: no frappe import; the glue passes `as_dict()` and the original's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from loyalty_gst.erpnext.tax_rows import HEADS, charges_of, dec, head_of, item_head_rates
from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import totals_of
from loyalty_gst.models import (
    Buyer,
    Category,
    Charge,
    DocRef,
    LoyaltyApplied,
    Seller,
    TaxCategory,
    TaxedInvoice,
    TaxedLine,
)
from loyalty_gst.money import ZERO, paise, split

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
TREATMENT: dict[str, TaxCategory] = {
    "Taxable": "taxable",
    "Nil-Rated": "nil_rated",
    "Exempted": "exempt",
    "Non-GST": "non_gst",
}
_PIN = re.compile(r"PIN Code:\s*(\d{6})")


def _signed(sign: Decimal, value: Any) -> Decimal:
    """A document amount in paise, negated for returns; never −0.00."""
    return paise(sign * dec(value)) + ZERO


def address_of(display: str | None) -> dict[str, str]:
    """address / city / pincode from ERPNext's `address_display` HTML."""
    parts = [p.strip() for p in re.split(r"<br\s*/?>|\n", display or "") if p.strip()]
    pin = next((m.group(1) for p in parts if (m := _PIN.search(p))), "")
    state_at = next((i for i, p in enumerate(parts) if "State Code" in p), len(parts))
    city = parts[state_at - 1] if state_at >= 1 else ""
    line1 = ", ".join(parts[: max(state_at - 1, 1)])[:100]
    return {"address": line1 or city, "city": city, "pincode": pin}


def _gross(item: Mapping[str, Any], net: Decimal, sign: Decimal, inclusive: bool) -> Decimal:
    """A line's value before the additional discount, tax-exclusive: ERPNext's stored
    `base_amount` (rate × qty); with tax-inclusive prices (its amount holds the tax) the
    net plus the discount ERPNext spread on it. Never below the net (no negative discount)."""
    if inclusive or item.get("base_amount") in (None, ""):
        spread = _signed(sign, item.get("distributed_discount_amount"))
        return net + max(spread, ZERO)
    return max(_signed(sign, item.get("base_amount")), net)


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


def _line_category(item: Any, rate: Decimal) -> TaxCategory:
    """India Compliance's treatment of the line, unless ERPNext charged GST on it: a line
    that bears tax is taxable (IC derives "Nil-Rated" when the tax accounts are not its
    GST accounts, and the print would call a taxed invoice a bill of supply)."""
    if rate:
        return "taxable"
    return TREATMENT.get(str(item.get("gst_treatment") or "Taxable"), "taxable")


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
    for i, it in enumerate(items, start=1):
        if not str(it.get("gst_hsn_code") or "").strip():
            raise InvalidInput.one(
                f"items[{it.get('idx') or i}].gst_hsn_code",
                it.get("item_code"),
                f"row {it.get('idx') or i} (item {it.get('item_code') or it.get('item_name')}) "
                "has no HSN/SAC code: set it on the Item (or the row) and save again",
            )
    taxes = list(doc.get("taxes") or [])
    heads: dict[str, Decimal] = dict.fromkeys(HEADS, ZERO)
    for row in taxes:
        head = head_of(row)
        if head:
            heads[head] += _signed(sign, row.get("base_tax_amount_after_discount_amount"))
    charges = tuple(Charge(description=d, amount=a) for d, a in charges_of(taxes, sign))
    inclusive = any(t.get("included_in_print_rate") for t in taxes)

    nets = [_signed(sign, it.get("base_net_amount")) for it in items]
    head_rates = [item_head_rates(it, taxes) for it in items]
    rates = [sum((hr[h] for h in ("cgst", "sgst", "igst")), ZERO) for hr in head_rates]
    per_head = {}
    for head in HEADS:
        weights = [abs(dec(it.get(f"{head}_amount"))) for it in items]
        if not any(weights):  # no India Compliance item fields: weight by rate × net
            weights = [abs(n) * hr[head] for n, hr in zip(nets, head_rates, strict=True)]
        per_head[head] = split(heads[head], weights) if heads[head] else tuple(ZERO for _ in items)

    gross = [_gross(it, net, sign, inclusive) for it, net in zip(items, nets, strict=True)]
    discounts = [g - n for g, n in zip(gross, nets, strict=True)]
    loyalty_total = _signed(sign, doc.get("lgst_loyalty_amount"))
    own_tender = ZERO
    if doc.get("lgst_treatment") == "tender":  # points paid part of the bill after tax
        own_tender, loyalty_total = loyalty_total, ZERO
    if loyalty_total > sum(discounts, ZERO):
        raise InvalidInput.one(
            "lgst_loyalty_amount",
            str(loyalty_total),
            f"the loyalty discount is more than the discount on the lines ({sum(discounts, ZERO)})",
        )
    # the loyalty share of each line's discount, pro rata to it: never more than the line's
    # discount, so the trade discount left is never negative
    loyalty_parts = split(loyalty_total, discounts) if loyalty_total else tuple(ZERO for _ in items)

    lines = []
    for i, it in enumerate(items):
        net = nets[i]
        cgst, sgst, igst, cess = (per_head[h][i] for h in HEADS)
        qty = abs(dec(it.get("qty")))
        uom = str(it.get("uom") or it.get("stock_uom") or "")
        hsn = str(it.get("gst_hsn_code")).strip()
        cess_rate = dec(it.get("cess_rate"))
        share = loyalty_parts[i]
        lines.append(
            TaxedLine(
                line_no=i + 1,
                sku=str(it.get("item_code") or it.get("item_name")),
                description=str(it.get("item_name") or "")[:300],
                hsn=hsn,
                is_service=hsn.startswith("99"),
                tax_category=_line_category(it, rates[i]),
                qty=qty,
                unit=UOM_TO_UQC.get(uom.lower(), "OTH"),
                unit_price=abs(dec(it.get("base_rate"))).quantize(Decimal("0.001")),
                gst_rate=rates[i].normalize() if rates[i] else Decimal(0),
                cess_rate=cess_rate,
                gross=gross[i],
                trade_discount=discounts[i] - share,
                taxable_before_loyalty=net + share,
                loyalty_discount=share,
                loyalty_value=share,
                taxable_value=net,
                cgst=cgst,
                sgst=sgst,
                igst=igst,
                cess=cess,
                total=net + cgst + sgst + igst + cess,
                gst_foregone=paise(share * (rates[i] + cess_rate) / 100),
            )
        )
    tender = _signed(sign, doc.get("loyalty_amount")) if doc.get("redeem_loyalty_points") else ZERO
    tender += own_tender
    cash_discount = bool(doc.get("is_cash_or_non_trade_discount"))
    after_tax = _signed(sign, doc.get("base_discount_amount")) if cash_discount else ZERO
    rounding = (
        ZERO
        if doc.get("disable_rounded_total")
        else _signed(sign, doc.get("base_rounding_adjustment"))
    )
    other = sum((c.amount for c in charges), ZERO)
    totals = totals_of(lines, False, tender_value=tender)
    grand = totals.grand_total + other + rounding
    totals = totals.model_copy(
        update={
            "round_off": rounding,
            "grand_total": grand,
            "other_charges": other,
            "after_tax_discount": after_tax,
            "amount_payable": grand - after_tax - tender,
        }
    )
    # ERPNext's own check: the lines and charges must add up to its grand total
    erp_grand = _signed(sign, doc.get("base_grand_total")) + after_tax
    if grand - rounding != erp_grand:
        raise InvalidInput.one(
            "base_grand_total", str(erp_grand), f"lines add up to {grand - rounding}"
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
        prices_include_tax=inclusive,
        supply="inter"
        if heads["igst"] or (category != "B2B" and category != "B2C") or pos != seller.gstin[:2]
        else "intra",
        place_of_supply=pos,
        reverse_charge=bool(doc.get("is_reverse_charge")),
        lines=tuple(lines),
        totals=totals,
        charges=charges,
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
