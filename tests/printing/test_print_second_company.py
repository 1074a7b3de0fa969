"""Another company's documents print with its own particulars, and nothing of the demo's:
Kaveri Home (Tamil Nadu + Gujarat) set up from its file, a sale with points and its
credit note, printed from the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from printing_helpers import qr_codes, text_of

from loyalty_gst import company, service
from loyalty_gst.cli import main
from loyalty_gst.models import Loyalty, ReturnLine, Sale, SaleLine
from loyalty_gst.store import open_store

KAVERI = Path(__file__).resolve().parents[1] / "company" / "kaveri.yaml"
DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 6, 0, tzinfo=dt.UTC)
PHONE = "+919840012345"


def test_kaveri_prints_its_own_invoice_and_credit_note(tmp_path):
    url = f"sqlite:///{tmp_path / 'kaveri.sqlite'}"
    store = open_store(url)
    try:
        cf, logo = company.read(KAVERI)
        company.write(store, cf, logo, today=DAY)
        co = company.current(store)
        service.migrate_opening(
            store, phone=PHONE, lots=[(1000, dt.date(2026, 3, 31))], key="opening",
            program=co.program, now=NOW - dt.timedelta(days=1),
        )  # fmt: skip
        lines = (
            SaleLine(sku="MIXER", description="Mixer grinder 750 W", hsn="8509", qty=Decimal(1),
                     unit="NOS", unit_price=Decimal(3200), gst_rate=Decimal(18)),
            SaleLine(sku="STEEL-TUMBLER", description="Steel tumbler set", hsn="7323",
                     qty=Decimal(2), unit="SET", unit_price=Decimal(850), gst_rate=Decimal(18)),
        )  # fmt: skip
        sale = Sale(
            number="TNA/2526/0001", date=DAY, seller=co.seller("CHN-TN"), lines=lines,
            store="CHN-TN", channel="store", customer=PHONE,
            loyalty=Loyalty(points=200, point_value=Decimal("0.5")),
        )  # fmt: skip
        done = service.commit(store, sale, key="k1", program=co.program, now=NOW)
        service.return_(
            store, invoice_number="TNA/2526/0001", seller_gstin="33AAKCK2468M1Z4",
            number="TNCRA/2526/0001", date=dt.date(2025, 11, 24), key="r1",
            returns=[ReturnLine(line_no=2, qty=Decimal(2))], program=co.program, now=NOW,
        )  # fmt: skip
    finally:
        store.dispose()
    t = done.invoice.totals
    # 200 points × ₹0.50 = ₹100 split 3200 : 1700 → 65.31 + 34.69; taxable 4800.00
    assert t.taxable_value == Decimal("4800.00")
    # CGST = SGST = 282.12 (3134.69 × 9 %) + 149.88 (1665.31 × 9 %) = 432.00; 4800 + 864
    assert t.grand_total == Decimal("5664.00")

    inv_pdf, cn_pdf = tmp_path / "inv.pdf", tmp_path / "cn.pdf"
    for number, out in (("TNA/2526/0001", inv_pdf), ("TNCRA/2526/0001", cn_pdf)):
        r = CliRunner().invoke(main, ["print", number, "--db", url, "-o", str(out)])
        assert r.exit_code == 0, r.output
    inv, cn = (" ".join(text_of(p.read_bytes()).split()) for p in (inv_pdf, cn_pdf))
    for wanted in [
        "Kaveri Home Stores Pvt Ltd", "Kaveri Home", "5 Usman Road, T. Nagar",
        "Chennai 600017", "State: Tamil Nadu (33)", "GSTIN: 33AAKCK2468M1Z4",
        "Place of supply: Tamil Nadu (33)", "Mixer grinder 750 W", "8509", "1 NOS",
        "3,134.69", "282.12", "Steel tumbler set", "2 SET", "1,665.31", "149.88",
        "₹4,800.00", "₹5,664.00", "Rupees Five Thousand, Six Hundred and Sixty-Four Only",
        f"Points redeemed: 200 × ₹0.50 = ₹100.00, balance after: {done.balance:,}",
        "For Kaveri Home Stores Pvt Ltd", "R. Meenakshi, Director",
    ]:  # fmt: skip
        assert wanted in inv, wanted
    assert "Credit Note" in cn and "Against invoice No. TNA/2526/0001 dated 21/11/2025" in cn
    assert "1,665.31" in cn and "State: Tamil Nadu (33)" in cn
    for text in (inv, cn):
        assert "Lakshmi" not in text and "27AABCL4321K1ZL" not in text
    (upi,) = qr_codes(inv_pdf.read_bytes())  # the company turns the B2C dynamic QR on
    assert upi.startswith("upi://pay?pa=kaveri.home@okicici&pn=Kaveri%20Home&am=5664.00&")
    assert qr_codes(cn_pdf.read_bytes()) == []  # no payment QR on a credit note
