"""Invariants over random TaxedInvoices (hypothesis): vouchers balance, tax is copied whole."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tally_factories import BUYER_KA, BUYER_MH, SELLER, voucher_sum

from loyalty_gst.gst import RATES, compute, credit_note
from loyalty_gst.models import Buyer, Loyalty, Sale, SaleLine, Seller, TaxedInvoice
from loyalty_gst.money import ZERO
from tally_export.config import TallySettings
from tally_export.vouchers import build
from tally_export.writer import ImportWriter

TAX_LEDGERS = {"Output CGST", "Output SGST", "Output IGST", "Output Cess"}


@st.composite
def invoices(draw: st.DrawFn) -> TaxedInvoice:
    n = draw(st.integers(1, 6))
    lines = []
    for k in range(n):
        qty = Decimal(draw(st.integers(1, 5000))) / Decimal(draw(st.sampled_from([1, 10, 1000])))
        price = Decimal(draw(st.integers(0, 2_000_000))) / 1000
        value = (qty * price).quantize(Decimal("0.01"))
        disc = Decimal(draw(st.integers(0, int(value * 100)))) / 100 if draw(st.booleans()) else 0
        lines.append(
            SaleLine(
                sku=f"S{k}",
                hsn=draw(st.sampled_from(["6109", "998314"])),  # goods or a service
                qty=qty,
                unit="PCS",
                unit_price=price,
                gst_rate=draw(st.sampled_from(sorted(RATES))),
                cess_rate=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(12)])),
                discount=disc,
                redeemable=draw(st.booleans()) or k == 0,
            )
        )
    loyalty = None
    if draw(st.booleans()):
        loyalty = Loyalty(
            points=draw(st.integers(0, 200_000)),
            point_value=draw(st.sampled_from([Decimal("1"), Decimal("0.25"), Decimal("0.333")])),
            basis=draw(st.sampled_from(["taxable", "bill"])),
            treatment=draw(st.sampled_from(["pre_tax_discount", "pre_tax_discount", "tender"])),
        )
    buyer = draw(st.sampled_from([None, BUYER_MH, BUYER_KA]))
    inv = compute(
        Sale(
            number=f"P/{draw(st.integers(1, 10**6))}",
            date=dt.date(2025, 11, 21),
            seller=Seller(**SELLER),
            buyer=Buyer(**buyer) if buyer else None,
            prices_include_tax=draw(st.booleans()),
            round_to_rupee=draw(st.booleans()),
            lines=tuple(lines),
            loyalty=loyalty,
            store=draw(st.sampled_from([None, "MUM-BAN", "PUN-KOR"])),
        )
    )
    if draw(st.booleans()):
        return credit_note(inv, number="CN/1", date=dt.date(2025, 11, 30))
    return inv


@settings(max_examples=300, deadline=None)
@given(
    st.lists(invoices(), min_size=1, max_size=4),
    st.sampled_from(["invoice", "accounting"]),
    st.sampled_from(["discount-ledger", "netted"]),
)
def test_every_voucher_sums_to_zero_and_tax_lines_equal_invoice_tax(invs, view, loyalty):
    s = TallySettings(company="P", view=view, loyalty=loyalty, chunk_size=3)
    from lxml import etree

    with tempfile.TemporaryDirectory() as tmp:
        with ImportWriter(Path(tmp), s.company, chunk_size=s.chunk_size) as w:
            for inv in invs:
                w.write(build(inv, s))
        vouchers = [v for f in w.files for v in etree.parse(str(f)).iter("VOUCHER")]
    assert len(vouchers) == len(invs)
    tax_in_file = ZERO
    for v, inv in zip(vouchers, invs, strict=True):
        assert voucher_sum(v) == 0
        sign = -1 if inv.kind == "credit_note" else 1
        for le in v.findall("LEDGERENTRIES.LIST"):
            if le.findtext("LEDGERNAME") in TAX_LEDGERS:
                tax_in_file += sign * Decimal(le.findtext("AMOUNT"))
        # the party is debited (or, on a note, credited) exactly what is payable
        party = v.findtext("PARTYLEDGERNAME")
        party_amounts = [
            Decimal(le.findtext("AMOUNT"))
            for le in v.findall("LEDGERENTRIES.LIST")
            if le.findtext("ISPARTYLEDGER") == "Yes"
        ]
        assert party and party_amounts == [-sign * inv.totals.amount_payable]
    assert tax_in_file == sum((inv.totals.tax for inv in invs), ZERO)
