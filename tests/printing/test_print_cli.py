"""`loyalty-gst print`: from a Sale, a TaxedInvoice, or a stored document number (--db)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from printing_helpers import SELLER, b2b, page_sizes_mm, pages_text, text_of

from loyalty_gst import service
from loyalty_gst.cli import main
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import Loyalty, Sale, SaleLine, Seller
from loyalty_gst.store import open_store

NOW = dt.datetime(2025, 11, 21, 6, 0, tzinfo=dt.UTC)
PHONE = "+919876543210"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["print", *args])
    return result.exit_code, result.output


def test_print_a_sale_on_a4(tmp_path):
    sale = {
        "number": "INV/2025/0001",
        "date": "2025-11-21",
        "seller": SELLER,
        "lines": [
            {"sku": "SHIRT", "description": "Cotton shirt", "hsn": "6105", "qty": "2",
             "unit": "PCS", "unit_price": "1000", "gst_rate": "5"},
        ],
    }  # fmt: skip
    src = tmp_path / "sale.json"
    src.write_text(json.dumps(sale), encoding="utf-8")
    out = tmp_path / "inv.pdf"
    code, said = run(str(src), "-o", str(out))
    assert code == 0, said
    pdf = out.read_bytes()
    assert page_sizes_mm(pdf) == [(210.0, 297.0)]
    # 2000.00 + CGST 50.00 + SGST 50.00
    assert "₹2,100.00" in text_of(pdf) and "Original for Recipient" in text_of(pdf)


def test_print_a_taxed_invoice_as_receipt_in_two_copies(tmp_path):
    src = tmp_path / "inv.json"
    src.write_text(b2b().model_dump_json(), encoding="utf-8")
    out = tmp_path / "r.pdf"
    code, said = run(str(src), "-o", str(out), "--format", "receipt", "--copies", "2")
    assert code == 0, said
    pdf = out.read_bytes()
    assert [w for w, _ in page_sizes_mm(pdf)] == [80.0, 80.0]
    pages = pages_text(pdf)
    assert "Original for Recipient" in pages[0] and "Duplicate for Transporter" in pages[1]
    code, _ = run(str(src), "-o", str(out), "--copies", "original,triplicate")
    assert code == 0
    assert "Triplicate for Supplier" in pages_text(out.read_bytes())[1]


@pytest.mark.parametrize("copies", ["0", "4", "original,original", "quadruplicate"])
def test_bad_copies_are_refused(tmp_path, copies):
    src = tmp_path / "inv.json"
    src.write_text(b2b().model_dump_json(), encoding="utf-8")
    code, said = run(str(src), "-o", str(tmp_path / "x.pdf"), "--copies", copies)
    assert code == 2 and "copies" in said
    assert not (tmp_path / "x.pdf").exists()


def test_print_a_stored_document_with_the_balance_after_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    store = open_store(url)
    book = demo_company.load().book
    seller = Seller(**SELLER)
    lines = (
        SaleLine(sku="SHIRT", hsn="6105", qty=Decimal(2), unit="PCS",
                 unit_price=Decimal(1000), gst_rate=Decimal(5)),
    )  # fmt: skip
    try:
        service.migrate_opening(
            store, phone=PHONE, lots=[(1000, dt.date(2026, 11, 30))], key="opening",
            program=book, now=NOW - dt.timedelta(days=1),
        )  # fmt: skip
        first = service.commit(
            store,
            Sale(number="INV/0001", date=dt.date(2025, 11, 21), seller=seller, lines=lines,
                 loyalty=Loyalty(points=400, point_value=Decimal("0.25")), store="MUM-BAN",
                 channel="store", customer=PHONE),
            key="k1", program=book, now=NOW,
        )  # fmt: skip
        later = service.commit(
            store,
            Sale(number="INV/0002", date=dt.date(2025, 11, 21), seller=seller, lines=lines,
                 store="MUM-BAN", channel="store", customer=PHONE),
            key="k2", program=book, now=NOW,
        )  # fmt: skip
    finally:
        store.dispose()
    assert first.balance is not None and later.balance != first.balance
    out = tmp_path / "stored.pdf"
    code, said = run("INV/0001", "--db", url, "-o", str(out))
    assert code == 0, said
    text = " ".join(text_of(out.read_bytes()).split())
    # 400 points × ₹0.25 = ₹100.00; the balance the ledger had right after INV/0001
    assert (
        f"Points redeemed: 400 × ₹0.25 = ₹100.00, balance after: {first.balance:,}" in text
    )
    # the later sale cancelled: it prints marked so
    store = open_store(url)
    try:
        service.void(
            store, invoice_number="INV/0002", seller_gstin=SELLER["gstin"], key="v1",
            reason="order cancelled", program=book, now=NOW,
        )  # fmt: skip
    finally:
        store.dispose()
    code, said = run("INV/0002", "--db", url, "-o", str(out))
    assert code == 0 and "CANCELLED — this document was cancelled" in text_of(out.read_bytes())
    code, said = run("INV/9999", "--db", url, "-o", str(out))
    assert code == 1 and "no stored document" in said
    code, said = run("INV/0001", "--db", url, "--gstin", "29AAPFU0939F1ZR", "-o", str(out))
    assert code == 1 and "no stored document" in said


def test_a_stored_e_invoice_prints_its_irn_and_signed_qr_until_cancelled(tmp_path):
    from printing_helpers import BUYER_MH, qr_codes

    from einvoice.builder import build
    from einvoice.client import IrpClient
    from einvoice.config import IrpConfig
    from einvoice.log import EinvoiceLog
    from loyalty_gst.standins.irp import Account, StandinIrp

    url = f"sqlite:///{tmp_path / 'books.sqlite'}"
    store = open_store(url)
    book = demo_company.load().book
    when = dt.datetime(2025, 11, 21, 18, 5, 9)
    irp = StandinIrp(Account(gstin=SELLER["gstin"]), sandbox=False, clock=lambda: when)
    base = irp.start()
    a = irp.account
    client = IrpClient(
        IrpConfig(base_url=base, gstin=a.gstin, username=a.username, password=a.password,
                  client_id=a.client_id, client_secret=a.client_secret,
                  public_key=irp.public_key_pem.decode()),
        log_store=EinvoiceLog(store.engine),  # the log beside the books, in one database
    )  # fmt: skip
    try:
        sale = Sale(
            number="INV/0007", date=dt.date(2025, 11, 21), seller=Seller(**SELLER),
            buyer=BUYER_MH, store="MUM-BAN", channel="store",
            lines=(SaleLine(sku="SHIRT", hsn="6105", qty=Decimal(2), unit="PCS",
                            unit_price=Decimal(1000), gst_rate=Decimal(5)),),
        )  # fmt: skip
        done = service.commit(store, sale, key="b2b", program=book, now=NOW)
        reg = client.generate(build(done.invoice))
        out = tmp_path / "e.pdf"
        code, said = run("INV/0007", "--db", url, "-o", str(out))
        assert code == 0, said
        text = " ".join(text_of(out.read_bytes()).split())
        assert f"Ack No: {reg.ack_no}" in text and "Ack Date: 21/11/2025 18:05" in text
        assert reg.irn in text.replace(" ", "")
        assert qr_codes(out.read_bytes()) == [reg.signed_qr]
        assert "CANCELLED" not in text
        client.cancel(reg.irn, "2", "data entry mistake")
        code, said = run("INV/0007", "--db", url, "-o", str(out))
        assert code == 0, said
        assert "its IRN was cancelled at the IRP" in " ".join(text_of(out.read_bytes()).split())
    finally:
        irp.stop()
        store.dispose()
