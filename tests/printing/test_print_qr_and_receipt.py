"""The QR codes decode (zxing-cpp on pypdfium2's rendering) to their payloads; the
receipt is 80 mm wide; a registration from the stand-in IRP prints as it was given."""

from __future__ import annotations

import datetime as dt

import pytest
from printing_helpers import b2b, b2c_large, page_sizes_mm, pages_text, qr_codes, text_of

from einvoice.builder import build
from einvoice.client import IrpClient
from einvoice.config import IrpConfig
from einvoice.qr import verify
from loyalty_gst.printing import Letterhead, PrintJob, render
from loyalty_gst.standins.irp import Account, StandinIrp

UPI_HEAD = Letterhead(
    legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
    trade_name="Lakshmi Fashions",
    address_lines=("14 Linking Road", "Mumbai 400050"),
    gstin="27AABCL4321K1ZL",
    upi_vpa="lakshmi.fashions@okaxis",
    b2c_dynamic_qr=True,
)
# the B2C sale of printing_helpers.b2c_large: ₹1,41,305.00 with IGST 21,555.00
UPI = (
    "upi://pay?pa=lakshmi.fashions@okaxis&pn=Lakshmi%20Fashions&am=141305.00&cu=INR"
    "&tr=BLR%2F2025%2F0042&tn=Invoice%20BLR%2F2025%2F0042&gstIn=27AABCL4321K1ZL"
    "&invoiceNo=BLR%2F2025%2F0042&invoiceDate=2025-11-21"
    "&gstBrkUp=CGST%3A0.00%7CSGST%3A0.00%7CIGST%3A21555.00%7CCESS%3A0.00"
)


@pytest.fixture(scope="module")
def registered():
    when = dt.datetime(2025, 11, 21, 18, 5, 9)
    server = StandinIrp(Account(gstin="27AABCL4321K1ZL"), sandbox=False, clock=lambda: when)
    url = server.start()
    a = server.account
    config = IrpConfig(
        base_url=url,
        gstin=a.gstin,
        username=a.username,
        password=a.password,
        client_id=a.client_id,
        client_secret=a.client_secret,
        public_key=server.public_key_pem.decode(),
    )
    try:
        inv = b2b()
        reg = IrpClient(config).generate(build(inv))
        yield inv, reg, server.certificate_pem
    finally:
        server.stop()


@pytest.mark.parametrize("fmt", ["a4", "receipt"])
def test_signed_qr_decodes_to_the_irp_string(registered, fmt):
    inv, reg, cert = registered
    pdf = render(PrintJob(invoice=inv, einvoice=reg.printed()), fmt)
    found = qr_codes(pdf)
    assert found == [reg.signed_qr]
    data = verify(found[0], cert)  # what the GST verify app reads
    assert data["DocNo"] == "INV/2025/0001" and data["Irn"] == reg.irn
    text = text_of(pdf)
    assert f"Ack No: {reg.ack_no}" in text
    assert "Ack Date: 21/11/2025 18:05" in text  # the IRP's 2025-11-21 18:05:09
    assert reg.irn in text.replace("\n", "")


@pytest.mark.parametrize("fmt", ["a4", "receipt"])
def test_b2c_dynamic_qr_decodes_to_the_upi_string(fmt):
    pdf = render(PrintJob(invoice=b2c_large(), letterhead=UPI_HEAD), fmt)
    assert qr_codes(pdf) == [UPI]


def test_no_upi_qr_when_setup_turns_it_off_or_on_b2b():
    off = UPI_HEAD.model_copy(update={"b2c_dynamic_qr": False})
    assert qr_codes(render(PrintJob(invoice=b2c_large(), letterhead=off))) == []
    assert qr_codes(render(PrintJob(invoice=b2b(), letterhead=UPI_HEAD))) == []


def test_receipt_page_is_80_mm_wide():
    pdf = render(PrintJob(invoice=b2b(), copies=("original", "duplicate")), "receipt")
    sizes = page_sizes_mm(pdf)
    assert [w for w, _ in sizes] == [80.0, 80.0]
    assert all(h > 100 for _, h in sizes)  # as long as its content


def test_a4_page_is_a4():
    assert page_sizes_mm(render(PrintJob(invoice=b2b()))) == [(210.0, 297.0)]


def test_long_invoice_runs_over_pages_with_its_mark_on_each():
    inv = b2b()
    many = tuple(ln.model_copy(update={"line_no": i + 1}) for i, ln in enumerate(inv.lines * 40))
    pdf = render(PrintJob(invoice=inv.model_copy(update={"lines": many})))
    sizes = page_sizes_mm(pdf)
    assert len(sizes) >= 2
    assert all("Original for Recipient" in p for p in pages_text(pdf))


def test_not_registered_banner():
    text = text_of(render(PrintJob(invoice=b2b(), banner="NOT REGISTERED WITH THE IRP")))
    assert "NOT REGISTERED WITH THE IRP" in text and "IRN:" not in text
