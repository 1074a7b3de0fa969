"""Sales, Credit Note and Debit Note vouchers from a TaxedInvoice (GST_RULES §5).

Tally's sign rule: a debit is `ISDEEMEDPOSITIVE Yes` with a negative `AMOUNT`, a credit
is `No` with a positive `AMOUNT`; a voucher's amounts sum to exactly 0. In a Sales
voucher the party is debited what it pays, goods / sales ledgers and the output tax
ledgers are credited, and the loyalty redemption — a pre-tax discount, Sec. 15(3)(a) —
is a debit to the "Loyalty Redemption Discount" ledger. A Credit Note is the same with
every sign reversed.

Nothing is recomputed: item amounts, tax per duty head, round-off and the loyalty
figures are copied from the TaxedInvoice. Choices (each documented in the README):

- trade discount: included in the item amount (the item is valued net of it, as the
  TaxedInvoice's taxable value before loyalty is); RATE is that net amount ÷ qty;
- loyalty `discount-ledger` (default): items at taxable value *before* loyalty and one
  debit line of Σ line loyalty discounts; `netted`: items at taxable value after
  loyalty, no discount line (the cost of the programme is then invisible in the books);
- treatment `tender`: no discount line (tax was charged on the full value); the points
  pay part of the bill, so "Loyalty Points Redeemed (tender)" is debited the points'
  value and the party only the amount payable;
- an after-tax (cash / non-trade) discount is a debit to its own ledger;
- charges outside GST on the bill (freight, packing) are one credit to their ledger;
- service lines (and every line in Accounting Voucher View) go to the sales ledger of
  their rate as ledger entries, summed per ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import ZERO
from loyalty_gst.states import state_name
from tally_export.config import TallySettings, names_of
from tally_export.text import clean

VCHTYPES = {"invoice": "Sales", "credit_note": "Credit Note", "debit_note": "Debit Note"}
INVOICE_VIEW = "Invoice Voucher View"
ACCOUNTING_VIEW = "Accounting Voucher View"
# REMOTEIDs are uuid5 under this namespace: the same document always gets the same id,
# so a re-push alters the voucher Tally already holds instead of duplicating it.
REMOTEID_NAMESPACE = uuid.UUID("8a3c1f0e-6b7d-5e21-9c4a-3f2b1d0e7a65")
_NS_BYTES = REMOTEID_NAMESPACE.bytes
_CENT = Decimal("0.01")
_PLUS, _MINUS = Decimal(1), Decimal(-1)
_RATE_PLACES = Decimal("0.0001")  # Tally refuses more than 4 decimal places


class UnbalancedVoucher(LoyaltyGstError):
    """A voucher whose amounts do not sum to 0: Tally would refuse it, so we do first."""

    code = "unbalanced_voucher"

    def __init__(self, number: str, total: Decimal) -> None:
        self.number = number
        self.total = total
        super().__init__(f"voucher {number}: amounts sum to {total:.2f}, not 0.00")


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger line; `amount` carries Tally's sign (negative = debit)."""

    ledger: str
    amount: Decimal
    is_party: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """One inventory line; its `amount` is also its single accounting allocation."""

    stock_item: str
    qty: Decimal
    unit: str
    amount: Decimal
    ledger: str


@dataclass(frozen=True, slots=True)
class Voucher:
    """One voucher, every text already fit for XML (`build` cleans what it copies)."""

    remote_id: str
    vchtype: str
    number: str
    date: dt.date
    view: str
    party_ledger: str
    party_gstin: str | None
    registration_type: str
    state_name: str
    place_of_supply: str
    cmp_gstin: str
    cmp_state: str
    registration_name: str
    narration: str
    reference: str | None
    reference_date: dt.date | None
    bill_name: str | None  # party bill allocation (None for a cash-sale ledger)
    bill_type: str
    items: tuple[Item, ...]
    entries: tuple[Entry, ...]

    @property
    def total(self) -> Decimal:
        """Σ of every amount (items count once: their allocation repeats them)."""
        t = ZERO
        for it in self.items:
            t += it.amount
        for e in self.entries:
            t += e.amount
        return t

    @property
    def party_amount(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.is_party), ZERO)


def remote_id(inv: TaxedInvoice, number: str | None = None) -> str:
    """Stable id of a document: uuid5 of seller GSTIN, kind and number (never random)."""
    key = f"{inv.seller.gstin.upper()}|{inv.kind}|{number or inv.number}"
    # uuid.uuid5 by hand (RFC 4122 §4.3): same value, a third of the cost on the hot path
    digest = bytearray(hashlib.sha1(_NS_BYTES + key.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def check(v: Voucher) -> None:
    """Raise `UnbalancedVoucher` unless the amounts sum to exactly 0."""
    total = v.total
    if total != 0:
        raise UnbalancedVoucher(v.number, total)


def _narration(inv: TaxedInvoice) -> str:
    parts = [f"Store {inv.store}" if inv.store else (inv.channel or "sale").capitalize()]
    if inv.against is not None:
        parts.append(f"against {inv.against.number} of {inv.against.date:%d-%m-%Y}")
    la = inv.loyalty
    if la.points_redeemed:
        how = "pre-tax discount" if la.treatment == "pre_tax_discount" else "tender"
        verb = "restored" if inv.kind == "credit_note" else "redeemed"
        parts.append(f"{la.points_redeemed} points {verb} = ₹{la.value:.2f} as {how}")
    return "; ".join(parts)


def build(inv: TaxedInvoice, s: TallySettings, *, number: str | None = None) -> Voucher:
    """The voucher for one TaxedInvoice; `number` overrides the document number."""
    n = names_of(s)
    sign = _MINUS if inv.kind == "credit_note" else _PLUS
    t = inv.totals
    netted = n.netted
    invoice_view = n.invoice_view

    items: list[Item] = []
    sales: dict[str, Decimal] = {}
    for ln in inv.lines:
        value = ln.taxable_value if netted else ln.taxable_before_loyalty
        ledger = n.sales_ledger(ln.gst_rate, ln.tax_category)
        if invoice_view and not ln.is_service:
            items.append(Item(n.stock_item(ln.sku), ln.qty, ln.unit, sign * value or ZERO, ledger))
        else:
            sales[ledger] = sales.get(ledger, ZERO) + value

    entries: list[Entry] = []
    buyer = inv.buyer
    real_party = buyer is not None and (bool(buyer.gstin) or inv.category != "B2C")
    if real_party and buyer is not None:
        party = s.party_ledger(buyer.gstin, buyer.legal_name)
        party_state = state_name(buyer.state_code)
    else:
        party = n.cash_ledger(inv.store)
        party_state = state_name(inv.place_of_supply)
    entries.append(Entry(party, -sign * t.amount_payable or ZERO, True))  # never -0.00
    for ledger, value in sales.items():
        entries.append(Entry(ledger, sign * value or ZERO))
    if not netted and t.loyalty_discount:
        entries.append(Entry(n.loyalty_discount, -sign * t.loyalty_discount))
    if t.cgst:
        entries.append(Entry(n.cgst, sign * t.cgst))
    if t.sgst:
        entries.append(Entry(n.sgst, sign * t.sgst))
    if t.igst:
        entries.append(Entry(n.igst, sign * t.igst))
    if t.cess:
        entries.append(Entry(n.cess, sign * t.cess))
    tender = t.grand_total - t.after_tax_discount - t.amount_payable
    if tender:
        entries.append(Entry(n.loyalty_tender, -sign * tender))
    if t.after_tax_discount:
        entries.append(Entry(n.after_tax_discount, -sign * t.after_tax_discount))
    charges = sum((c.amount for c in inv.charges), ZERO)
    if charges:
        entries.append(Entry(n.other_charges, sign * charges))
    if t.round_off:
        entries.append(Entry(n.round_off, sign * t.round_off))

    doc_no = number or inv.number
    cmp_state = state_name(inv.seller_state)
    against = inv.against
    return Voucher(
        remote_id=remote_id(inv, doc_no),
        vchtype=VCHTYPES[inv.kind],
        number=clean(doc_no),
        date=inv.date,
        view=INVOICE_VIEW if invoice_view else ACCOUNTING_VIEW,
        party_ledger=party,
        party_gstin=buyer.gstin if buyer is not None and buyer.gstin else None,
        registration_type=n.registration_type(inv.category),
        state_name=party_state,
        place_of_supply=state_name(inv.place_of_supply),
        cmp_gstin=inv.seller.gstin,
        cmp_state=cmp_state,
        registration_name=n.registration_name(cmp_state),
        narration=clean(_narration(inv)),
        reference=clean(against.number) if against else None,
        reference_date=against.date if against else None,
        bill_name=clean(against.number if against else doc_no) if real_party else None,
        bill_type="Agst Ref" if against else "New Ref",
        items=tuple(items),
        entries=tuple(entries),
    )


def rate_of(item: Item) -> str:
    """Net rate per unit for RATE: amount ÷ qty, 2 places when exact, else 4."""
    rate = abs(item.amount) / item.qty
    cents = rate.quantize(_CENT)
    return f"{cents if cents == rate else rate.quantize(_RATE_PLACES)}/{item.unit}"


def qty_of(item: Item) -> str:
    return f"{format(item.qty.normalize(), 'f')} {item.unit}"
