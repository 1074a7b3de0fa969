"""GST on a sale: place of supply, CGST+SGST or IGST per line, cess, totals, round-off.

The one place tax is computed (GST_RULES §2). Every renderer reads the result.
Rounding points, all half-up to the paisa:
- line value = qty × unit price; tax-inclusive: taxable = value × 100 / (100 + rate + cess);
- per line CGST = SGST = taxable × rate / 200, or IGST = taxable × rate / 100,
  cess = taxable × cess rate / 100;
- invoice totals are sums of rounded lines; optional round-off to the rupee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from loyalty_gst import redemption
from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.models import (
    Category,
    DocRef,
    LoyaltyApplied,
    ReturnLine,
    Sale,
    SaleLine,
    Supply,
    TaxedInvoice,
    TaxedLine,
    Totals,
    computed,
    computed_from,
)
from loyalty_gst.money import HUNDRED, PAISA, ZERO, paise, rupees, whole
from loyalty_gst.states import OTHER_COUNTRIES

# The IRP's master set of GST rates (slabs 0, 0.25, 1.5, 3, 5, 18, 40 from 22 Sep 2025;
# 12 and 28 remain valid for older documents and their notes).
RATES = frozenset(
    Decimal(r)
    for r in ("0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "18", "28", "40")
)
TWO_HUNDRED = Decimal(200)
PER_CENT = Decimal("0.01")
HALF_PER_CENT = Decimal("0.005")


def category_of(sale: Sale) -> Category:
    """B2B when the buyer has a GSTIN, B2C otherwise, unless the sale says more."""
    if sale.category:
        return sale.category
    if sale.buyer and sale.buyer.state_code == OTHER_COUNTRIES:
        return "EXPWOP"
    return "B2B" if sale.buyer and sale.buyer.gstin else "B2C"


def place_of_supply(sale: Sale, category: Category | None = None) -> str:
    """Explicit POS; else 96 for exports; else the buyer's state; else the seller's."""
    if sale.place_of_supply:
        return sale.place_of_supply
    if (category or category_of(sale)).startswith("EXP"):
        return OTHER_COUNTRIES
    if sale.buyer:
        return sale.buyer.state_code
    return sale.seller.gstin[:2]


def supply_of(seller_state: str, pos: str, category: Category) -> Supply:
    """Seller state vs place of supply — not the buyer's state. SEZ and export: IGST."""
    if category.startswith(("SEZ", "EXP")):
        return "inter"
    return "intra" if seller_state == pos else "inter"


class LineTax(NamedTuple):
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal

    @property
    def total(self) -> Decimal:
        return self.cgst + self.sgst + self.igst + self.cess


NO_TAX = LineTax(ZERO, ZERO, ZERO, ZERO)
# Zero-rated supplies under a bond or LUT (Sec. 16 IGST Act): the rate is shown, no tax is paid.
WITHOUT_PAYMENT = frozenset(("SEZWOP", "EXPWOP"))
# tuple.__new__ makes the same NamedTuple as LineTax(...) without its Python-level __new__:
# these run two or three times per line of every invoice
_tuple = tuple.__new__


def tax_on(taxable: Decimal, rate: Decimal, cess_rate: Decimal, supply: Supply) -> LineTax:
    """Tax of one line on its taxable value; CGST == SGST by construction (IRP 2227)."""
    # paise() inlined, and × 0.01 / × 0.005 for ÷ 100 / ÷ 200 (the same exact product,
    # a cheaper operation). A zero cess rate gives ZERO as the product would (0.00; the
    # product's sign only shows on a signed taxable value or rate, so those still multiply)
    if cess_rate or taxable.is_signed() or cess_rate.is_signed():
        cess = (taxable * cess_rate * PER_CENT).quantize(PAISA, ROUND_HALF_UP)
    else:
        cess = ZERO
    if supply == "intra":
        half = (taxable * rate * HALF_PER_CENT).quantize(PAISA, ROUND_HALF_UP)
        return _tuple(LineTax, (half, half, ZERO, cess))  # type: ignore[no-any-return]
    igst = (taxable * rate * PER_CENT).quantize(PAISA, ROUND_HALF_UP)
    return _tuple(LineTax, (ZERO, ZERO, igst, cess))  # type: ignore[no-any-return]


def back_out(inclusive: Decimal, rate: Decimal, cess_rate: Decimal) -> Decimal:
    """Taxable value inside a tax-inclusive amount: inclusive × 100 / (100 + rate + cess)."""
    return (inclusive * HUNDRED / (HUNDRED + rate + cess_rate)).quantize(PAISA, ROUND_HALF_UP)


class Priced(NamedTuple):
    """A line before loyalty: gross, trade discount, taxable value, and its loyalty weight."""

    gross: Decimal
    trade_discount: Decimal
    taxable: Decimal
    inclusive: Decimal  # what the line costs the customer before loyalty, tax included
    tax: LineTax | None = None  # the tax on `taxable`, when pricing needed it


def price(line: SaleLine, prices_include_tax: bool, supply: Supply, charged: bool = True) -> Priced:
    """Gross, trade discount and taxable value of one line, before any loyalty.
    `charged` is False for a supply without payment of tax: its price holds no tax."""
    value = (line.qty * line.unit_price).quantize(PAISA, ROUND_HALF_UP)
    discount = line.discount
    if prices_include_tax and charged:
        rate, cess_rate = line.gst_rate, line.cess_rate
        inclusive = value - discount
        taxable = back_out(inclusive, rate, cess_rate)
        gross = back_out(value, rate, cess_rate)
        return _tuple(Priced, (gross, gross - taxable, taxable, inclusive, None))  # type: ignore[no-any-return]
    taxable = value - discount
    tax = tax_on(taxable, line.gst_rate, line.cess_rate, supply) if charged else NO_TAX
    cgst, sgst, igst, cess = tax
    inclusive = taxable + (cgst + sgst + igst + cess)
    return _tuple(Priced, (value, discount, taxable, inclusive, tax))  # type: ignore[no-any-return]


def compute(sale: Sale) -> TaxedInvoice:
    """Sale → TaxedInvoice: price → cap and allocate loyalty → tax → totals.

    The sale is assumed valid (`validation.parse_sale` checks it); this function only
    raises for a loyalty request the caps refuse (below the minimum points).
    """
    category = category_of(sale)
    pos = place_of_supply(sale, category)
    supply = supply_of(sale.seller.gstin[:2], pos, category)
    charged = category not in WITHOUT_PAYMENT
    sale_lines = sale.lines
    include = sale.prices_include_tax
    priced = [price(ln, include, supply, charged) for ln in sale_lines]

    loyalty = sale.loyalty
    by_bill = loyalty is not None and loyalty.basis == "bill"
    weights = [p.inclusive if by_bill else p.taxable for p in priced]
    if loyalty is not None:
        eligible = [ln.redeemable and w > 0 for ln, w in zip(sale_lines, weights, strict=True)]
        red = redemption.cap(
            loyalty.points,
            loyalty.point_value,
            bill=sum(weights, ZERO),
            eligible=sum((w for w, ok in zip(weights, eligible, strict=True) if ok), ZERO),
            min_points=loyalty.min_points,
            max_share_percent=loyalty.max_share_percent,
        )
        shares: Sequence[Decimal] = redemption.allocate(red.value, weights, eligible)
    else:
        red = NO_REDEMPTION
        shares = (ZERO,) * len(priced)
    tender = loyalty is not None and loyalty.treatment == "tender"

    lines = []
    # the invoice totals, summed as the lines are made (totals_of's sums, without reading
    # every line back)
    s_gross = s_trade = s_before = s_ld = s_taxable = ZERO
    s_cgst = s_sgst = s_igst = s_cess = s_exact = s_foregone = ZERO
    for line_no, (ln, (gross, trade, taxable, inclusive, priced_tax), share) in enumerate(
        zip(sale_lines, priced, shares, strict=True), start=1
    ):
        rate, cess_rate = ln.gst_rate, ln.cess_rate
        if tender or not share:
            after = taxable
        elif by_bill and charged:
            after = back_out(inclusive - share, rate, cess_rate)
        else:
            after = taxable - share
        if not charged:
            tax = NO_TAX
        elif after == taxable and priced_tax is not None:
            tax = priced_tax
        else:
            tax = tax_on(after, rate, cess_rate, supply)
        cgst, sgst, igst, cess = tax
        line_tax = cgst + sgst + igst + cess
        if after != taxable and charged:
            fc, fs, fi, fx = priced_tax or tax_on(taxable, rate, cess_rate, supply)
            foregone = (fc + fs + fi + fx) - line_tax
        else:
            foregone = ZERO
        loyalty_discount = taxable - after
        total = after + line_tax
        s_gross += gross
        s_trade += trade
        s_before += taxable
        s_ld += loyalty_discount
        s_taxable += after
        s_cgst += cgst
        s_sgst += sgst
        s_igst += igst
        s_cess += cess
        s_exact += total
        s_foregone += foregone
        # a dict literal: cheaper than 24 keyword arguments, the same instance
        lines.append(
            computed_from(
                TaxedLine,
                {
                    "line_no": line_no,
                    "sku": ln.sku,
                    "description": ln.description,
                    "hsn": ln.hsn,
                    "is_service": bool(ln.is_service),
                    "tax_category": ln.tax_category or "taxable",
                    "redeemable": ln.redeemable,
                    "qty": ln.qty,
                    "unit": ln.unit,
                    "unit_price": ln.unit_price,
                    "gst_rate": rate,
                    "cess_rate": cess_rate,
                    "gross": gross,
                    "trade_discount": trade,
                    "taxable_before_loyalty": taxable,
                    "loyalty_discount": loyalty_discount,
                    "loyalty_value": share,
                    "taxable_value": after,
                    "cgst": cgst,
                    "sgst": sgst,
                    "igst": igst,
                    "cess": cess,
                    "total": total,
                    "gst_foregone": foregone,
                },
            )
        )
    totals = totals_from(
        (s_gross, s_trade, s_before, s_ld, s_taxable, s_cgst, s_sgst, s_igst, s_cess, s_exact,
         s_foregone),
        sale.round_to_rupee,
        tender_value=red.value if tender else ZERO,
    )  # fmt: skip
    applied = computed(
        LoyaltyApplied,
        points_requested=red.points_requested,
        points_redeemed=red.points_redeemed,
        point_value=loyalty.point_value if loyalty else Decimal(0),
        value=red.value,
        treatment=loyalty.treatment if loyalty else "pre_tax_discount",
        basis=loyalty.basis if loyalty else "taxable",
    )
    return computed(
        TaxedInvoice,
        number=sale.number,
        date=sale.date,
        kind=sale.kind,
        seller=sale.seller,
        buyer=sale.buyer,
        category=category,
        against=sale.against,
        store=sale.store,
        channel=sale.channel,
        customer=sale.customer,
        prices_include_tax=include,
        round_to_rupee=sale.round_to_rupee,
        supply=supply,
        place_of_supply=pos,
        reverse_charge=False,
        lines=tuple(lines),
        totals=totals,
        loyalty=applied,
    )


NO_REDEMPTION = redemption.Redemption(0, 0, ZERO)


def totals_of(
    lines: Sequence[TaxedLine], round_to_rupee: bool, *, tender_value: Decimal = ZERO
) -> Totals:
    """Invoice totals = sums of the lines; round-off to the rupee when asked.

    Under treatment `tender` the points pay part of the bill after tax: only the
    amount payable drops.
    """

    # one pass with local sums: this runs for every invoice of a million-invoice month
    gross = trade = before = ld = taxable = cgst = sgst = igst = cess = exact = foregone = ZERO
    for ln in lines:
        gross += ln.gross
        trade += ln.trade_discount
        before += ln.taxable_before_loyalty
        ld += ln.loyalty_discount
        taxable += ln.taxable_value
        cgst += ln.cgst
        sgst += ln.sgst
        igst += ln.igst
        cess += ln.cess
        exact += ln.total
        foregone += ln.gst_foregone
    return totals_from(
        (gross, trade, before, ld, taxable, cgst, sgst, igst, cess, exact, foregone),
        round_to_rupee,
        tender_value=tender_value,
    )


# the sums of the lines' gross, trade_discount, taxable_before_loyalty, loyalty_discount,
# taxable_value, cgst, sgst, igst, cess, total and gst_foregone, in that order
LineSums = tuple[
    Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal,
    Decimal,
]  # fmt: skip


def totals_from(sums: LineSums, round_to_rupee: bool, *, tender_value: Decimal = ZERO) -> Totals:
    """Totals from the sums of the lines (see `totals_of`): the tax, the round-off to the
    rupee when asked, the grand total and what is payable."""
    gross, trade, before, ld, taxable, cgst, sgst, igst, cess, exact, foregone = sums
    grand = rupees(exact) if round_to_rupee else exact
    return computed(
        Totals,
        gross=gross,
        trade_discount=trade,
        taxable_before_loyalty=before,
        loyalty_discount=ld,
        taxable_value=taxable,
        cgst=cgst,
        sgst=sgst,
        igst=igst,
        cess=cess,
        tax=cgst + sgst + igst + cess,
        round_off=paise(grand - exact),
        grand_total=paise(grand),
        amount_payable=paise(grand - tender_value),
        gst_foregone=foregone,
    )


def credit_note(
    original: TaxedInvoice,
    *,
    number: str,
    date: dt.date,
    returns: Iterable[ReturnLine] | None = None,
    previously_returned: Mapping[int, Decimal] | None = None,
) -> TaxedInvoice:
    """A credit note for some lines / some quantity of an issued invoice.

    Each amount of a returned line is its pro-rata share, taken cumulatively:
    share = round(amount × (before + now) / qty) − round(amount × before / qty), where
    `before` is what earlier notes returned. So the notes of a line always add up to the
    original to the paisa, and returning everything gives back exactly the original
    taxable value, tax and loyalty discount. `returns=None` returns everything left.
    """
    before = dict(previously_returned or {})
    by_no = {ln.line_no: ln for ln in original.lines}
    wanted = (
        list(returns)
        if returns is not None
        else [
            ReturnLine(line_no=n, qty=ln.qty - before.get(n, ZERO))
            for n, ln in by_no.items()
            if ln.qty - before.get(n, ZERO) > 0
        ]
    )
    problems = []
    seen: set[int] = set()
    for idx, r in enumerate(wanted):
        orig = by_no.get(r.line_no)
        path = f"returns.{idx}"
        if orig is None:
            problems.append((f"{path}.line_no", r.line_no, "no such line on the original"))
        elif r.line_no in seen:
            problems.append((f"{path}.line_no", r.line_no, "line returned twice in one note"))
        elif r.qty <= 0:
            problems.append((f"{path}.qty", r.qty, "returned quantity must be positive"))
        elif before.get(r.line_no, ZERO) + r.qty > orig.qty:
            problems.append(
                (
                    f"{path}.qty",
                    r.qty,
                    f"more than the {orig.qty - before.get(r.line_no, ZERO)}"
                    " left to return on that line",
                )
            )
        seen.add(r.line_no)
    if not wanted:
        problems.append(("returns", [], "nothing left to return"))
    if problems:
        raise InvalidInput([Problem(f, v, rule) for f, v, rule in problems])

    lines = []
    for r in wanted:
        o = by_no[r.line_no]
        b = before.get(r.line_no, ZERO)

        def part(amount: Decimal, o: TaxedLine = o, b: Decimal = b, q: Decimal = r.qty) -> Decimal:
            return paise(amount * (b + q) / o.qty) - paise(amount * b / o.qty)

        taxable = part(o.taxable_value)
        ld = part(o.loyalty_discount)
        trade = part(o.trade_discount)
        cgst, sgst, igst, cess = part(o.cgst), part(o.sgst), part(o.igst), part(o.cess)
        lines.append(
            o.model_copy(
                update={
                    "qty": r.qty,
                    "gross": taxable + ld + trade,
                    "trade_discount": trade,
                    "taxable_before_loyalty": taxable + ld,
                    "loyalty_discount": ld,
                    "loyalty_value": part(o.loyalty_value),
                    "taxable_value": taxable,
                    "cgst": cgst,
                    "sgst": sgst,
                    "igst": igst,
                    "cess": cess,
                    "total": taxable + cgst + sgst + igst + cess,
                    "gst_foregone": part(o.gst_foregone),
                }
            )
        )
    value = sum((ln.loyalty_value for ln in lines), ZERO)
    la = original.loyalty
    if la.value:
        before_value = sum(
            (paise(o.loyalty_value * before.get(o.line_no, ZERO) / o.qty) for o in original.lines),
            ZERO,
        )
        # points come back pro rata to the loyalty value returned, cumulatively
        points = whole(la.points_redeemed * (before_value + value) / la.value) - whole(
            la.points_redeemed * before_value / la.value
        )
    else:
        points = 0
    tender = la.treatment == "tender"
    return original.model_copy(
        update={
            "number": number,
            "date": date,
            "kind": "credit_note",
            "against": DocRef(number=original.number, date=original.date),
            "lines": tuple(lines),
            "totals": totals_of(
                lines, original.round_to_rupee, tender_value=value if tender else ZERO
            ),
            "loyalty": la.model_copy(
                update={"points_requested": points, "points_redeemed": points, "value": value}
            ),
        }
    )
