"""A hand-worked month (November 2025) in a fresh store, through the real ledger.

Seller 27AABCL4321K1ZL (Maharashtra), store MUM-BAN, program from fixtures/program.json
(₹0.25 a point, 4 points per ₹100 of taxable value, Silver ×1, expiry 12 months).

- opening, 2025-10-01: members M1 and M2 migrate 2,000 points each (one lot, 12 months);
- A  MB/2511/0001 2025-11-05, M1, intra: shirt 2 × ₹1,000 @5 % + belt 1 × ₹1,000 @18 %;
     1,200 points = ₹300, split pro rata 2,000 : 1,000 → ₹200 + ₹100;
     taxable 1,800 + 900 = 2,700; CGST = SGST = 45 + 81 = 126; foregone 10 + 18 = 28;
     earns 2,700 × 4 / 100 = 108 points;
- B  MB/2511/0002 2025-11-12, M2, inter-state (POS 29): bag 1 × ₹500 @18 %; 400 points
     = ₹100; taxable 400, IGST 72, foregone 18 (IGST); earns 400 × 4 / 100 = 16;
- C  MB/2511/0003 2025-11-20, no member: soap 1 × ₹200 @5 %; CGST = SGST = 5;
- N  CN/2511/0001 2025-11-25 against A: one shirt back (half of line 1): before 1,000,
     discount 100, taxable 900, CGST = SGST = 22.50, foregone 5; points 400 restored
     (the line's ₹100 share of ₹300 × 1,200), earn reversed 36 (900 / 2,700 × 108).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loyalty_gst import service
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import Loyalty, ReturnLine, Sale, SaleLine, Seller
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store, open_store

GSTIN = "27AABCL4321K1ZL"
M1, M2 = "+919812345678", "+919876500001"
SELLER = Seller(gstin=GSTIN, legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
                address="14 Linking Road", city="Mumbai", pincode="400050")  # fmt: skip


def line(sku: str, hsn: str, qty: int, price: int, rate: str) -> SaleLine:
    return SaleLine(sku=sku, description=sku.title(), hsn=hsn, qty=Decimal(qty), unit="PCS",
                    unit_price=Decimal(price), gst_rate=Decimal(rate))  # fmt: skip


def sale(number: str, day: int, lines: list[SaleLine], points: int = 0,
         customer: str | None = None, pos: str | None = None) -> Sale:  # fmt: skip
    return Sale(
        number=number, date=dt.date(2025, 11, day), seller=SELLER, lines=tuple(lines),
        loyalty=Loyalty(points=points, point_value=Decimal("0.25")) if points else None,
        customer=customer, store="MUM-BAN", channel="pos", place_of_supply=pos,
    )  # fmt: skip


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), IST)


def build(url: str) -> Store:
    store = open_store(url)
    demo_company.set_up(store)
    book = demo_company.load().book
    for i, phone in enumerate((M1, M2)):
        service.migrate_opening(
            store, phone=phone, lots=[(2000, dt.date(2026, 10, 1))], key=f"open:{i}",
            program=book, now=at(dt.date(2025, 10, 1)),
        )  # fmt: skip
    sales = [
        sale("MB/2511/0001", 5, [line("shirt", "6105", 2, 1000, "5"),
                                 line("belt", "4203", 1, 1000, "18")], 1200, M1),
        sale("MB/2511/0002", 12, [line("bag", "4202", 1, 500, "18")], 400, M2, pos="29"),
        sale("MB/2511/0003", 20, [line("soap", "3401", 1, 200, "5")]),
    ]  # fmt: skip
    for s in sales:
        service.commit(store, s, key=f"k:{s.number}", program=book, now=at(s.date))
    service.return_(
        store, invoice_number="MB/2511/0001", seller_gstin=GSTIN, number="CN/2511/0001",
        date=dt.date(2025, 11, 25), key="ret:1",
        returns=[ReturnLine(line_no=1, qty=Decimal(1))], program=book,
        now=at(dt.date(2025, 11, 25)),
    )  # fmt: skip
    return store
