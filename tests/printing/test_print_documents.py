"""Every Rule 46 particular on the printed page, with the document's exact values.

Text is read back from the PDF with pypdf; the figures are the documents' worked values
(see printing_helpers), written here as they must be printed: Indian digit grouping,
₹, dates DD/MM/YYYY, place of supply as state name and code, the amount in words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from printing_helpers import (
    b2b,
    b2c_large,
    bill_of_supply,
    credit,
    debit,
    pages_text,
    text_of,
)

from loyalty_gst.printing import EInvoiced, Letterhead, PrintJob, render

IRN = "a1b2c3d4" * 8
EINV = EInvoiced(
    irn=IRN, ack_no=112510000000007, ack_at=dt.datetime(2025, 11, 21, 18, 5, 9), signed_qr="x.y.z"
)
FORMATS = ["a4", "receipt"]


def flat(text: str) -> str:
    return " ".join(text.split())


def has_all(text: str, wanted: list[str]) -> list[str]:
    """The wanted strings that the text lacks (whitespace-insensitive)."""
    body = flat(text)
    return [w for w in wanted if flat(w) not in body]


SUPPLIER = [
    "Lakshmi Lifestyle Retail Pvt Ltd",
    "14 Linking Road",
    "Mumbai 400050",
    "GSTIN: 27AABCL4321K1ZL",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_b2b_tax_invoice_carries_every_particular(fmt):
    pdf = render(PrintJob(invoice=b2b(), einvoice=EINV, points_balance_after=1200), fmt)
    text = text_of(pdf)
    missing = has_all(
        text,
        [
            *SUPPLIER,
            "INV/2025/0001",  # serial number
            "21/11/2025",  # date
            # recipient: name, address, GSTIN
            "Sahyadri Traders Pvt Ltd",
            "Plot 5, MIDC",
            "Mumbai 400093",
            "GSTIN: 27AAPFU0939F1ZV",
            "Place of supply: Maharashtra (27)",
            "Tax payable on reverse charge: No",
            # lines: description, HSN, qty + UQC, value, loyalty discount, taxable, taxes
            "Cotton shirt",
            "6105",
            "2 PCS",
            "2,000.00",  # 2 × 1000
            "200.00",  # loyalty 300 × 2000/3000
            "1,800.00",  # 2000 − 200
            "45.00",  # 1800 × 2.5 %
            "1,890.00",  # 1800 + 45 + 45
            "Leather belt",
            "4203",
            "1 NOS",
            "900.00",  # 1000 − 100
            "81.00",  # 900 × 9 %
            "1,062.00",  # 900 + 81 + 81
            "2.5%",
            "9%",
            # totals in ₹ with Indian grouping
            "₹3,000.00",
            "₹300.00",
            "₹2,700.00",
            "₹126.00",  # CGST = SGST = 45 + 81
            "₹252.00",
            "₹2,952.00",  # 2700 + 252
            "Rupees Two Thousand, Nine Hundred and Fifty-Two Only",
            "Points redeemed: 300 × ₹1.00 = ₹300.00, balance after: 1,200",
            # the IRP's registration
            "Ack No: 112510000000007",
            "Ack Date: 21/11/2025 18:05",
            "Original for Recipient",
            "For Lakshmi Lifestyle Retail Pvt Ltd",
            "Authorised Signatory",
        ],
    )
    assert missing == []
    assert IRN in text.replace("\n", "")
    assert "Tax Invoice" in text or "TAX INVOICE" in text
    assert "IGST" not in text  # intra-state: CGST and SGST only


@pytest.mark.parametrize("fmt", FORMATS)
def test_b2c_unregistered_at_50000_or_more_names_the_recipient_and_state(fmt):
    inv = b2c_large()
    pdf = render(PrintJob(invoice=inv, points_balance_after=0), fmt)
    text = text_of(pdf)
    missing = has_all(
        text,
        [
            *SUPPLIER,
            "BLR/2025/0042",
            "Ananya Rao",
            "12 Church Street",
            "Bengaluru 560001",
            "State: Karnataka (29)",
            "Place of supply: Karnataka (29)",
            "Tax payable on reverse charge: No",
            "55-inch LED television",
            "852872",
            "1 NOS",
            "1,20,000.00",  # value, Indian grouping (not 120,000.00)
            "250.00",  # 500 points × ₹0.50
            "1,19,750.00",  # 120000 − 250
            "18%",
            "21,555.00",  # 119750 × 18 %
            "₹1,41,305.00",  # 119750 + 21555
            "Rupees One Lakh, Forty-One Thousand, Three Hundred and Five Only",
            "Points redeemed: 500 × ₹0.50 = ₹250.00, balance after: 0",
        ],
    )
    assert missing == []
    assert "120,000.00" not in text and "141,305.00" not in text
    assert "CGST" not in text  # inter-state: IGST only


def test_walk_in_at_50000_or_more_without_a_name_says_so():
    inv = b2c_large().model_copy(update={"buyer": None})
    text = text_of(render(PrintJob(invoice=inv)))
    assert "name and address not recorded" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_bill_of_supply_for_nil_and_exempt_goods_has_no_tax(fmt):
    text = text_of(render(PrintJob(invoice=bill_of_supply()), fmt))
    assert "Bill of Supply" in text or "BILL OF SUPPLY" in text
    assert "Tax Invoice" not in text and "TAX INVOICE" not in text
    missing = has_all(
        text,
        [
            *SUPPLIER,
            "BOS/2025/0007",
            "21/11/2025",
            "Place of supply: Maharashtra (27)",
            "Rice, loose",
            "1006",
            "2.5 KGS",
            "100.00",  # 2.5 × 40
            "Printed book",
            "4901",
            "2 NOS",
            "500.00",  # 2 × 250
            "Nil rated",
            "Exempt",
            "₹600.00",
            "Rupees Six Hundred Only",
            "Walk-in customer (unregistered)",
        ],
    )
    assert missing == []
    assert "CGST" not in text and "IGST" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_credit_note_names_the_original_invoice_and_date(fmt):
    text = text_of(render(PrintJob(invoice=credit(), points_balance_after=1100), fmt))
    assert "Credit Note" in text or "CREDIT NOTE" in text
    missing = has_all(
        text,
        [
            *SUPPLIER,
            "CN/2025/0001",
            "25/11/2025",
            "Against invoice No. INV/2025/0001 dated 21/11/2025",
            "GSTIN: 27AAPFU0939F1ZV",
            "Cotton shirt",
            "1 PCS",
            "1,000.00",
            "100.00",
            "900.00",
            "22.50",  # 900 × 2.5 %
            "₹945.00",  # 900 + 22.50 + 22.50
            "Rupees Nine Hundred and Forty-Five Only",
            "Points restored: 100 × ₹1.00 = ₹100.00, balance after: 1,100",
        ],
    )
    assert missing == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_debit_note_names_the_original_invoice_and_date(fmt):
    text = text_of(render(PrintJob(invoice=debit()), fmt))
    assert "Debit Note" in text or "DEBIT NOTE" in text
    missing = has_all(
        text,
        [
            "DN/2025/0001",
            "26/11/2025",
            "Against invoice No. INV/2025/0001 dated 21/11/2025",
            "100.00",  # 2 × 50
            "2.50",  # 100 × 2.5 %
            "₹105.00",
            "Rupees One Hundred and Five Only",
        ],
    )
    assert missing == []
    assert "Points redeemed" not in text


def test_paise_in_words():
    inv = b2b().model_copy(
        update={"totals": b2b().totals.model_copy(update={"grand_total": "2952.50"})}
    )
    text = text_of(render(PrintJob(invoice=inv)))
    assert "Rupees Two Thousand, Nine Hundred and Fifty-Two and Fifty Paise Only" in flat(text)


def test_three_copies_each_with_its_mark():
    job = PrintJob(invoice=b2b(), copies=("original", "duplicate", "triplicate"))
    pages = pages_text(render(job))
    assert len(pages) == 3
    for page, mark in zip(
        pages,
        ["Original for Recipient", "Duplicate for Transporter", "Triplicate for Supplier"],
        strict=True,
    ):
        assert mark in page and "INV/2025/0001" in page
    receipts = pages_text(render(job, "receipt"))
    assert [("Duplicate for Transporter" in p) for p in receipts] == [False, True, False]


def test_letterhead_trade_name_contact_signatory_and_logo():
    import io

    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(logo, format="PNG")
    head = Letterhead(
        legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
        trade_name="Lakshmi Fashions",
        address_lines=("14 Linking Road, Bandra West", "Mumbai 400050"),
        gstin="27AABCL4321K1ZL",
        phone="+91 22 2640 0000",
        signatory="R. Iyer, Director",
        logo=logo.getvalue(),
    )
    for fmt in FORMATS:
        pdf = render(PrintJob(invoice=b2b(), letterhead=head), fmt)
        text = text_of(pdf)
        assert (
            has_all(
                text,
                [
                    "Lakshmi Fashions",
                    "14 Linking Road, Bandra West",
                    "+91 22 2640 0000",
                    "R. Iyer, Director",
                ],
            )
            == []
        )
        assert b"/Subtype /Image" in pdf


def test_a_letterhead_of_another_gstin_is_refused():
    head = Letterhead(legal_name="Other Co", address_lines=("x",), gstin="29AAPFU0939F1ZR")
    with pytest.raises(ValueError, match="not the document's supplier"):
        PrintJob(invoice=b2b(), letterhead=head)


def test_the_font_is_embedded():
    pdf = render(PrintJob(invoice=b2b()))
    assert b"/FontFile2" in pdf  # a TrueType font program inside the PDF
    assert b"+DejaVuSansCondensed" in pdf  # a subset of the shipped face (it has ₹)


def test_export_without_payment_names_the_country_and_the_bond():
    from printing_helpers import DAY, SELLER, SHIRTS

    from loyalty_gst.gst import compute
    from loyalty_gst.validation import parse_sale

    abroad = {
        "legal_name": "Gulf Fashion Trading LLC", "address": "Al Fahidi Street 12",
        "city": "Dubai", "pincode": "999999", "state_code": "96", "country": "AE",
    }  # fmt: skip
    inv = compute(
        parse_sale(
            {"number": "EXP/2025/0001", "date": DAY.isoformat(), "seller": SELLER,
             "buyer": abroad, "category": "EXPWOP", "lines": [SHIRTS]}
        )
    )  # fmt: skip
    text = flat(text_of(render(PrintJob(invoice=inv))))
    for wanted in [
        "Gulf Fashion Trading LLC", "Country: AE", "Place of supply: Other Countries (96)",
        "under bond or LUT without payment of IGST", "₹2,000.00",  # 2 × 1000, no tax
    ]:  # fmt: skip
        assert wanted in text, wanted
    assert "CGST" not in text
