"""The printed e-invoice: text carries the IRN, the QR image decodes to the SignedQRCode."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from einvoice_helpers import Clock, config_for, new_standin, sale, taxed

from einvoice.builder import build
from einvoice.client import IrpClient
from einvoice.pdf import render


@pytest.fixture(scope="module")
def registered():
    server, url = new_standin(Clock(dt.datetime(2025, 11, 21, 12, 0)))
    try:
        inv = taxed(sale())
        payload = build(inv)
        reg = IrpClient(config_for(server, url)).generate(payload)
        yield inv, payload, reg
    finally:
        server.stop()


def text_of(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_pdf_shows_irn_ack_lines_loyalty_and_tax(registered):
    inv, payload, reg = registered
    text = text_of(render(payload, reg, inv))
    flat = text.replace("\n", "")
    assert reg.irn in flat
    assert str(reg.ack_no) in flat and reg.ack_dt in flat
    assert "INV/2025/0001" in text and "Cotton shirt" in text
    # loyalty 200.00 on the shirts, 100.00 on the belt; 300.00 in all; invoice 2,952.00
    assert "200.00" in text and "100.00" in text and "300.00" in text
    assert "2,952.00" in text and "126.00" in text


def test_pdf_qr_decodes_to_the_signed_qr_string(registered):
    inv, payload, reg = registered
    pdf = render(payload, reg, inv)
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=3).to_pil()
    finally:
        doc.close()
    found = [b.text for b in zxingcpp.read_barcodes(image)]
    assert found == [reg.signed_qr]


def test_unregistered_pdf_is_clearly_marked(registered):
    inv, payload, _ = registered
    text = text_of(render(payload, None, inv))
    assert "NOT REGISTERED WITH THE IRP" in text and "IRN:" not in text
