"""Masters a company needs before the vouchers import (GST_RULES §5: masters first).

Collected in one pass over the TaxedInvoices (memory grows with distinct parties and
items, never with invoices), then rendered in dependency order:

1. TAXUNIT — our GST registration per state (GSTREGNUMBER, REGISTRATIONTYPE Regular);
   ⚠ tag names as TallyPrime 3+ exports them, not verified against a live Tally;
2. UNIT — every unit the items use;
3. LEDGER — parties (Sundry Debtors, bill-wise, PARTYGSTIN, GSTREGISTRATIONTYPE,
   LEDSTATENAME), one cash-sale ledger per store, sales ledgers per rate (GST details
   with the rate), output CGST / SGST / IGST / cess (Duties & Taxes, TAXTYPE GST,
   GSTDUTYHEAD Central / State / Integrated Tax / Cess), the "Loyalty Redemption
   Discount" ledger (Indirect Expenses; APPROPRIATEFOR GST — included in assessable
   value —, GSTAPPROPRIATETO Goods, EXCISEALLOCTYPE Based on Value), the tender ledger,
   the after-tax discount ledger and Round Off;
4. STOCKITEM — base unit, HSN, taxability and rate per duty head (GSTDETAILS.LIST).

A name the mapping file maps onto an existing ledger / item is not created again.
Conflicts (one party name for two GSTINs, one SKU at two rates) are returned as
`Problem`s beside the masters, never silently merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from loyalty_gst.errors import Problem
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.states import state_name
from tally_export.config import TallySettings, rate_text
from tally_export.text import clean

_Sub = etree.SubElement
DUTY_HEADS = (
    ("cgst", "Central Tax"),
    ("sgst", "State Tax"),
    ("igst", "Integrated Tax"),
    ("cess", "Cess"),
)
TAXABILITY = {
    "taxable": "Taxable",
    "nil_rated": "Nil Rated",
    "exempt": "Exempt",
    "non_gst": "Non-GST",
}


@dataclass(frozen=True)
class Party:
    name: str
    gstin: str | None
    registration_type: str
    state: str
    address: str
    pincode: str


@dataclass(frozen=True)
class StockItem:
    name: str
    description: str
    unit: str
    hsn: str
    rate: Decimal
    cess_rate: Decimal
    taxability: str


class MasterSet:
    """Every master the given invoices need; `add` them, then render `elements()`."""

    def __init__(self, settings: TallySettings) -> None:
        self.s = settings
        self.registrations: dict[str, str] = {}  # GSTIN -> state name
        self.units: dict[str, None] = {}
        self.parties: dict[str, Party] = {}
        self.cash: dict[str, None] = {}
        self.sales: dict[str, tuple[Decimal, str, bool]] = {}  # name -> rate, taxability, goods
        self.items: dict[str, StockItem] = {}
        self.problems: list[Problem] = []

    def add(self, inv: TaxedInvoice) -> None:
        s = self.s
        self.registrations.setdefault(inv.seller.gstin, state_name(inv.seller_state))
        b = inv.buyer
        if b is not None and (b.gstin or inv.category != "B2C"):
            name = s.party_ledger(b.gstin, b.legal_name)
            old = self.parties.get(name)
            if old is None:
                self.parties[name] = Party(
                    name,
                    b.gstin,
                    s.registration_type(inv.category),
                    state_name(b.state_code),
                    b.address,
                    b.pincode,
                )
            elif old.gstin != b.gstin:
                self.problems.append(
                    Problem(
                        "buyer.legal_name",
                        name,
                        "one party ledger name for two GSTINs: map one of them in the "
                        "mapping file's parties section",
                    )
                )
        else:
            self.cash.setdefault(s.cash_ledger(inv.store), None)
        for ln in inv.lines:
            ledger = s.sales_ledger(ln.gst_rate, ln.tax_category)
            rate, tax, goods = self.sales.get(ledger, (ln.gst_rate, ln.tax_category, False))
            self.sales[ledger] = (rate, tax, goods or not ln.is_service)
            if ln.is_service or s.view == "accounting":
                continue
            self.units.setdefault(ln.unit, None)
            name = s.stock_item(ln.sku)
            item = StockItem(
                name,
                ln.description,
                ln.unit,
                ln.hsn,
                ln.gst_rate,
                ln.cess_rate,
                TAXABILITY[ln.tax_category],
            )
            seen = self.items.setdefault(name, item)
            if (seen.rate, seen.hsn, seen.unit) != (item.rate, item.hsn, item.unit):
                self.problems.append(
                    Problem(
                        f"lines.{ln.line_no - 1}.sku",
                        ln.sku,
                        f"stock item already seen with HSN {seen.hsn} @ {seen.rate}% "
                        f"in {seen.unit}; the first is kept",
                    )
                )

    def add_all(self, invoices: Iterable[TaxedInvoice]) -> MasterSet:
        for inv in invoices:
            self.add(inv)
        return self

    # --- rendering ---

    def _existing(self) -> set[str]:
        s = self.s
        return {*s.ledger_map.values(), *s.party_map.values(), *s.cash_sale_map.values()}

    def elements(self) -> Iterator[etree._Element]:
        """TAXUNITs, UNITs, LEDGERs, STOCKITEMs — in the order Tally needs them."""
        s, n = self.s, self.s.names
        for gstin, state in self.registrations.items():
            yield tax_unit(s.registration_name(state), gstin, state, s.gst_applicable_from)
        for unit in self.units:
            yield unit_master(unit)
        existing = self._existing()
        ledgers: list[etree._Element] = []
        for p in self.parties.values():
            ledgers.append(party_ledger(p, n.debtors_group))
        for name in self.cash:
            ledgers.append(ledger(name, n.cash_group))
        for name, (rate, taxability, goods) in self.sales.items():
            ledgers.append(sales_ledger(name, n.sales_group, rate, taxability, goods, s))
        for attr, head in DUTY_HEADS:
            ledgers.append(duty_ledger(s.ledger(getattr(n, attr)), n.duties_group, head))
        ledgers.append(loyalty_discount_ledger(s.ledger(n.loyalty_discount), n.discount_group))
        ledgers.append(ledger(s.ledger(n.loyalty_tender), n.tender_group))
        ledgers.append(ledger(s.ledger(n.after_tax_discount), n.discount_group))
        ledgers.append(ledger(s.ledger(n.round_off), n.round_off_group))
        ledgers.append(ledger(s.ledger(n.other_charges), n.other_charges_group))
        for el in ledgers:
            if el.get("NAME") not in existing:
                yield el
        mapped_items = set(s.stock_item_map.values())
        for item in self.items.values():
            if item.name not in mapped_items:
                yield stock_item(item, s.gst_applicable_from)


# --- one function per master kind ---


def _named(tag: str, name: str) -> etree._Element:
    el = etree.Element(tag, NAME=clean(name), ACTION="Create")
    _Sub(_Sub(el, "NAME.LIST"), "NAME").text = clean(name)
    return el


def _text(parent: etree._Element, tag: str, text: str) -> None:
    _Sub(parent, tag).text = clean(text)


def ledger(name: str, parent: str) -> etree._Element:
    el = _named("LEDGER", name)
    _text(el, "PARENT", parent)
    return el


def party_ledger(p: Party, parent: str) -> etree._Element:
    el = ledger(p.name, parent)
    _text(el, "ISBILLWISEON", "Yes")
    _text(_Sub(el, "ADDRESS.LIST"), "ADDRESS", p.address)
    _text(el, "MAILINGNAME", p.name)
    _text(el, "PINCODE", p.pincode)
    _text(el, "COUNTRYNAME", "India" if p.state != "Other Countries" else "Other Countries")
    _text(el, "LEDSTATENAME", p.state)
    _text(el, "GSTREGISTRATIONTYPE", p.registration_type)
    if p.gstin:
        _text(el, "PARTYGSTIN", p.gstin)
    return el


def _gst_details(
    parent: etree._Element,
    *,
    hsn: str | None,
    rate: Decimal,
    cess_rate: Decimal,
    taxability: str,
    applicable_from: str,
) -> None:
    det = _Sub(parent, "GSTDETAILS.LIST")
    _text(det, "APPLICABLEFROM", applicable_from)
    if hsn:
        _text(det, "HSNCODE", hsn)
    _text(det, "TAXABILITY", taxability)
    state = _Sub(det, "STATEWISEDETAILS.LIST")
    _text(state, "STATENAME", "Any")
    half = rate / 2
    for head, value in (
        ("Central Tax", half),
        ("State Tax", half),
        ("Integrated Tax", rate),
        ("Cess", cess_rate),
    ):
        rd = _Sub(state, "RATEDETAILS.LIST")
        _text(rd, "GSTRATEDUTYHEAD", head)
        _text(rd, "GSTRATEVALUATIONTYPE", "Based on Value")
        _text(rd, "GSTRATE", rate_text(value))


def sales_ledger(
    name: str, parent: str, rate: Decimal, taxability: str, goods: bool, s: TallySettings
) -> etree._Element:
    el = ledger(name, parent)
    _text(el, "GSTAPPLICABLE", "Applicable")
    _text(el, "GSTTYPEOFSUPPLY", "Goods" if goods else "Services")
    _gst_details(
        el,
        hsn=None,
        rate=rate,
        cess_rate=Decimal(0),
        taxability=TAXABILITY.get(taxability, "Taxable"),
        applicable_from=s.gst_applicable_from,
    )
    return el


def duty_ledger(name: str, parent: str, head: str) -> etree._Element:
    el = ledger(name, parent)
    _text(el, "TAXTYPE", "GST")
    _text(el, "GSTDUTYHEAD", head)
    return el


def loyalty_discount_ledger(name: str, parent: str) -> etree._Element:
    """Pre-tax discount: included in assessable value for GST, to goods, by value."""
    el = ledger(name, parent)
    _text(el, "APPROPRIATEFOR", "GST")
    _text(el, "GSTAPPROPRIATETO", "Goods")
    _text(el, "EXCISEALLOCTYPE", "Based on Value")
    return el


def unit_master(unit: str) -> etree._Element:
    el = etree.Element("UNIT", NAME=clean(unit), ACTION="Create")
    _text(el, "NAME", unit)
    _text(el, "ISSIMPLEUNIT", "Yes")
    _text(el, "DECIMALPLACES", "3")
    return el


def stock_item(item: StockItem, applicable_from: str) -> etree._Element:
    el = _named("STOCKITEM", item.name)
    if item.description:
        _text(el, "DESCRIPTION", item.description)
    _text(el, "BASEUNITS", item.unit)
    _text(el, "GSTAPPLICABLE", "Applicable")
    _text(el, "GSTTYPEOFSUPPLY", "Goods")
    _gst_details(
        el,
        hsn=item.hsn,
        rate=item.rate,
        cess_rate=item.cess_rate,
        taxability=item.taxability,
        applicable_from=applicable_from,
    )
    return el


def tax_unit(name: str, gstin: str, state: str, applicable_from: str) -> etree._Element:
    el = _named("TAXUNIT", name)
    _text(el, "STATENAME", state)
    _text(el, "GSTREGNUMBER", gstin)
    det = _Sub(el, "GSTREGISTRATIONDETAILS.LIST")
    _text(det, "FROMDATE", applicable_from)
    _text(det, "REGISTRATIONTYPE", "Regular")
    _text(det, "STATE", state)
    _text(det, "PLACEOFSUPPLY", state)
    return el
