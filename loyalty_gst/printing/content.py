"""What a printed document says, as strings: the particulars of Rule 46 (tax invoice),
Rule 49 (bill of supply) and Rule 53 (credit / debit note) CGST Rules, from one PrintJob.

Pure: it reads the TaxedInvoice and never recomputes tax. The A4 page, the till receipt
and the ERPNext print format lay out the same `Content`, so they say the same thing.
A supply of nil-rated / exempt / non-GST goods only is a Bill of Supply; a mix of taxed
and untaxed lines is an Invoice-cum-Bill of Supply (Rule 46A).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from loyalty_gst.models import TaxedInvoice, TaxedLine
from loyalty_gst.printing import figures as f
from loyalty_gst.printing.particulars import COPY_MARKS, PrintJob
from loyalty_gst.printing.upi import upi_string
from loyalty_gst.states import STATE_NAMES

# an unregistered recipient's name, address and state must be shown from this taxable value
NAMED_RECIPIENT_FROM = Decimal("50000")
ZERO = Decimal(0)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Tax(_Frozen):
    head: str  # CGST | SGST | IGST | Cess
    rate: str
    amount: str


class Row(_Frozen):
    no: str
    description: str
    hsn: str
    code_label: str  # HSN for goods, SAC for services
    qty: str
    uqc: str
    unit_price: str
    value: str  # qty × unit price
    discount: str  # trade discount
    loyalty: str  # loyalty discount (pre-tax)
    taxable: str
    taxes: tuple[Tax, ...]  # one per tax head shown; none on an untaxed line
    total: str
    supply: str  # "" for a taxed line; Nil rated / Exempt / Non-GST otherwise


class Content(_Frozen):
    title: str
    copy_marks: tuple[str, ...]
    supplier_name: str
    supplier_trade_name: str | None
    supplier_lines: tuple[str, ...]  # address, state, phone / email
    supplier_gstin: str
    number: str
    date: str
    against: str | None  # "Against invoice No. … dated …" on notes
    recipient_title: str
    recipient_lines: tuple[str, ...]  # name, address, state — or a single walk-in line
    recipient_gstin: str | None
    place_of_supply: str  # "Maharashtra (27)"
    reverse_charge: str  # "No" / "Yes"
    tax_heads: tuple[str, ...]  # the tax columns shown, e.g. ("CGST", "SGST")
    taxed: bool  # False on a bill of supply: no tax columns, no tax totals
    rows: tuple[Row, ...]
    totals: tuple[tuple[str, str], ...]  # (label, ₹ amount) in order
    grand_total: str  # ₹
    grand_total_label: str
    words: str
    points_line: str | None
    irn: str | None
    ack_no: str | None
    ack_date: str | None
    signed_qr: str | None
    upi: str | None  # B2C dynamic QR payload
    logo: bytes | None
    signatory_for: str
    signatory: str | None
    notes: tuple[str, ...]
    banner: str | None  # printed in bold above everything (e.g. not registered with the IRP)


def title_of(inv: TaxedInvoice) -> str:
    if inv.kind == "credit_note":
        return "Credit Note"
    if inv.kind == "debit_note":
        return "Debit Note"
    taxed = [ln.tax_category == "taxable" for ln in inv.lines]
    if not any(taxed):
        return "Bill of Supply"
    return "Tax Invoice" if all(taxed) else "Invoice-cum-Bill of Supply"


def state_text(code: str) -> str:
    return f"{STATE_NAMES.get(code, 'State')} ({code})"


def _heads(inv: TaxedInvoice) -> tuple[str, ...]:
    heads: tuple[str, ...] = ("IGST",) if inv.supply == "inter" else ("CGST", "SGST")
    if any(ln.cess or ln.cess_rate for ln in inv.lines):
        heads += ("Cess",)
    return heads


SUPPLY_WORDS = {"taxable": "", "nil_rated": "Nil rated", "exempt": "Exempt", "non_gst": "Non-GST"}


def _taxes(ln: TaxedLine, heads: tuple[str, ...]) -> tuple[Tax, ...]:
    half = ln.gst_rate / 2
    by_head = {
        "CGST": (half, ln.cgst),
        "SGST": (half, ln.sgst),
        "IGST": (ln.gst_rate, ln.igst),
        "Cess": (ln.cess_rate, ln.cess),
    }
    return tuple(
        Tax(head=h, rate=f.rate(by_head[h][0]), amount=f.grouped(by_head[h][1])) for h in heads
    )


def _row(ln: TaxedLine, heads: tuple[str, ...]) -> Row:
    return Row(
        no=str(ln.line_no),
        description=ln.description or ln.sku,
        hsn=ln.hsn,
        code_label="SAC" if ln.is_service else "HSN",
        qty=f.qty(ln.qty),
        uqc=ln.unit,
        unit_price=f.grouped(ln.unit_price),
        value=f.grouped(ln.gross),
        discount=f.grouped(ln.trade_discount),
        loyalty=f.grouped(ln.loyalty_discount),
        taxable=f.grouped(ln.taxable_value),
        # an untaxed line (nil rated, exempt, non-GST) shows no tax: its cells stay empty
        taxes=_taxes(ln, heads) if ln.tax_category == "taxable" else (),
        total=f.grouped(ln.total),
        supply=SUPPLY_WORDS[ln.tax_category],
    )


def _recipient(inv: TaxedInvoice) -> tuple[str, tuple[str, ...]]:
    b = inv.buyer
    if b is None:
        if inv.totals.taxable_value >= NAMED_RECIPIENT_FROM:
            # Rule 46(e): name, address and state are due at ₹50,000 or more
            return "Recipient", ("Unregistered recipient — name and address not recorded",)
        return "Recipient", ("Walk-in customer (unregistered)",)
    lines: tuple[str, ...] = (
        b.legal_name,
        b.address,
        f"{b.city} {b.pincode}",
        f"State: {state_text(b.state_code)}",
    )
    if b.country != "IN":
        lines += (f"Country: {b.country}",)
    title = "Recipient (registered)" if b.gstin else "Recipient (unregistered)"
    return title, lines


def _totals(inv: TaxedInvoice, taxed: bool) -> tuple[tuple[str, str], ...]:
    t = inv.totals
    rows: list[tuple[str, Decimal, bool]] = [
        ("Total value", t.gross, True),
        ("Discount", t.trade_discount, bool(t.trade_discount)),
        ("Loyalty discount (before tax)", t.loyalty_discount, bool(t.loyalty_discount)),
        ("Taxable value", t.taxable_value, True),
        ("CGST", t.cgst, taxed and inv.supply == "intra"),
        ("SGST", t.sgst, taxed and inv.supply == "intra"),
        ("IGST", t.igst, taxed and inv.supply == "inter"),
        ("Cess", t.cess, taxed and bool(t.cess)),
        ("Total tax", t.tax, taxed),
        ("Round off", t.round_off, bool(t.round_off)),
    ]
    return tuple((label, f.inr(v)) for label, v, shown in rows if shown)


def _points_line(job: PrintJob) -> str | None:
    lo = job.invoice.loyalty
    if not lo.points_redeemed:
        return None
    # on a credit note the points come back to the member
    what = "Points restored" if job.invoice.kind == "credit_note" else "Points redeemed"
    text = f"{what}: {f.count(lo.points_redeemed)} × {f.inr(lo.point_value)} = {f.inr(lo.value)}"
    if job.points_balance_after is not None:
        text += f", balance after: {f.count(job.points_balance_after)}"
    return text


def _upi(job: PrintJob) -> str | None:
    inv, sup = job.invoice, job.supplier
    if not (sup.b2c_dynamic_qr and sup.upi_vpa) or inv.is_b2b or inv.kind != "invoice":
        return None
    t = inv.totals
    return upi_string(
        vpa=sup.upi_vpa,
        payee=sup.trade_name or sup.legal_name,
        amount=t.amount_payable,
        number=inv.number,
        gstin=inv.seller.gstin,
        day=inv.date,
        cgst=t.cgst,
        sgst=t.sgst,
        igst=t.igst,
        cess=t.cess,
    )


def _notes(inv: TaxedInvoice) -> tuple[str, ...]:
    notes: list[str] = []
    t = inv.totals
    if t.after_tax_discount:
        notes.append(
            f"Discount after tax (does not lower the taxable value): {f.inr(t.after_tax_discount)}"
        )
    if inv.loyalty.treatment == "tender" and inv.loyalty.points_redeemed:
        notes.append(f"Points tendered as payment: {f.inr(inv.loyalty.value)}")
    if t.amount_payable != t.grand_total:
        notes.append(f"Amount payable: {f.inr(t.amount_payable)}")
    if inv.category in ("SEZWOP", "EXPWOP"):
        notes.append("Supply meant for export / SEZ under bond or LUT without payment of IGST")
    return tuple(notes)


def build(job: PrintJob) -> Content:
    """The document's content, every figure formatted for print."""
    inv, sup = job.invoice, job.supplier
    title = title_of(inv)
    taxed = title != "Bill of Supply"
    heads = _heads(inv) if taxed else ()
    supplier_lines = (*sup.address_lines, f"State: {state_text(sup.state_code)}")
    contact = " · ".join(x for x in (sup.phone, sup.email) if x)
    if contact:
        supplier_lines += (contact,)
    rtitle, rlines = _recipient(inv)
    against = None
    if inv.against is not None:
        against = f"Against invoice No. {inv.against.number} dated {f.dmy(inv.against.date)}"
    e = job.einvoice
    return Content(
        title=title,
        copy_marks=tuple(COPY_MARKS[c] for c in job.copies),
        supplier_name=sup.legal_name,
        supplier_trade_name=sup.trade_name,
        supplier_lines=supplier_lines,
        supplier_gstin=sup.gstin,
        number=inv.number,
        date=f.dmy(inv.date),
        against=against,
        recipient_title=rtitle,
        recipient_lines=rlines,
        recipient_gstin=inv.buyer.gstin if inv.buyer else None,
        place_of_supply=state_text(inv.place_of_supply),
        reverse_charge="Yes" if inv.reverse_charge else "No",
        tax_heads=heads,
        taxed=taxed,
        rows=tuple(_row(ln, heads) for ln in inv.lines),
        totals=_totals(inv, taxed),
        grand_total=f.inr(inv.totals.grand_total),
        grand_total_label="Note value" if inv.kind != "invoice" else "Invoice value",
        words=f.in_words(inv.totals.grand_total),
        points_line=_points_line(job),
        irn=e.irn if e else None,
        ack_no=str(e.ack_no) if e else None,
        ack_date=f.dmy_hm(e.ack_at) if e else None,
        signed_qr=e.signed_qr if e else None,
        upi=_upi(job),
        logo=sup.logo,
        signatory_for=f"For {sup.legal_name}",
        signatory=sup.signatory,
        notes=_notes(inv),
        banner=job.banner,
    )
