"""Printed documents per second per core: A4 invoices (goal ≥ 50/s) and 80 mm receipts
(goal ≥ 200/s), each into PDF bytes from a TaxedInvoice, one process, CPU time.

Cases: the worked 2-line B2B invoice; a 10-line B2C invoice with 300 points redeemed;
the 2-line invoice with its IRN and the signed QR (a ~1,000-character JWT: the QR
encoding dominates); the receipt of the 2-line sale and of the 10-line sale.

    python benchmarks/print_rate.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

from loyalty_gst.gst import compute
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.printing import EInvoiced, PrintJob, render
from loyalty_gst.validation import parse_sale

SELLER = {
    "gstin": "27AABCL4321K1ZL",
    "legal_name": "Lakshmi Lifestyle Retail Pvt Ltd",
    "address": "14 Linking Road",
    "city": "Mumbai",
    "pincode": "400050",
}
BUYER = {
    "gstin": "27AAPFU0939F1ZV",
    "legal_name": "Sahyadri Traders Pvt Ltd",
    "address": "Plot 5, MIDC",
    "city": "Mumbai",
    "pincode": "400093",
    "state_code": "27",
}


def line(i: int) -> dict[str, str]:
    return {
        "sku": f"SKU{i}",
        "description": f"Cotton kurta, size {38 + i}",
        "hsn": "6105",
        "qty": str(1 + i % 3),
        "unit": "PCS",
        "unit_price": str(499 + 100 * i),
        "gst_rate": "5" if i % 2 else "18",
    }


def invoice(lines: int, buyer: bool) -> TaxedInvoice:
    doc: dict[str, object] = {
        "number": "INV/2025/0001",
        "date": "2025-11-21",
        "seller": SELLER,
        "lines": [line(i) for i in range(lines)],
        "loyalty": {"points": 300, "point_value": "1", "basis": "taxable"},
    }
    if buyer:
        doc["buyer"] = BUYER
    return compute(parse_sale(doc))


def rate(fn: Callable[[], bytes], seconds: float) -> tuple[float, int]:  # float ok: timing
    fn()  # warm: fonts registered, caches filled
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn()
        n += 1
    return n / (time.process_time() - start), len(fn())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)  # float ok: timing
    secs = ap.parse_args().seconds
    two, ten = invoice(2, True), invoice(10, False)
    serial = iter(range(10**9))

    def irp() -> EInvoiced:  # a new signed QR each time: no encoding cached
        n = next(serial)
        return EInvoiced(
            irn=f"{n:064x}",
            ack_no=125751983000001 + n,
            ack_at=dt.datetime(2025, 11, 21, 18, 5),
            signed_qr=f"eyJhbGciOiJSUzI1NiJ9.{n:012d}" + "x" * 1000 + ".sig",
        )

    cases: list[tuple[str, Callable[[], bytes], int]] = [
        ("A4, 2 lines (B2B)", lambda: render(PrintJob(invoice=two)), 50),
        ("A4, 10 lines (B2C, points)", lambda: render(PrintJob(invoice=ten)), 50),
        ("A4, 2 lines, IRN + signed QR", lambda: render(PrintJob(invoice=two, einvoice=irp())), 50),
        ("receipt, 2 lines", lambda: render(PrintJob(invoice=two), "receipt"), 200),
        ("receipt, 10 lines", lambda: render(PrintJob(invoice=ten), "receipt"), 200),
    ]
    print(f"{'case':32} {'docs/s/core':>12} {'goal':>6} {'PDF bytes':>10}")
    for name, fn, goal in cases:
        per_s, size = rate(fn, secs)
        mark = "ok" if per_s >= goal else "below"
        print(f"{name:32} {per_s:12.0f} {goal:>6} {size:>10}  {mark}")


if __name__ == "__main__":
    main()
