"""TaxedInvoices per second for 10-line sales, one process (target: ≥ 10,000/s per core).

.venv/bin/python benchmarks/taxed_invoice_rate.py [--count 20000]
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from loyalty_gst import gst
from loyalty_gst.models import Loyalty, Sale, SaleLine, Seller


def make_sales(n: int) -> list[Sale]:
    seller = Seller(
        gstin="27AABCL4321K1ZL",
        legal_name="Lakshmi Lifestyle Retail Pvt Ltd",
        address="14 Linking Road",
        city="Mumbai",
        pincode="400050",
    )
    rates = ["5", "18", "5", "40", "0", "18", "5", "3", "18", "5"]
    out = []
    for i in range(n):
        lines = tuple(
            SaleLine(
                sku=f"SKU{k}",
                hsn="6109",
                qty=Decimal(1 + (i + k) % 3),
                unit="PCS",
                unit_price=Decimal(99 + 37 * k + i % 50) + Decimal("0.50"),
                gst_rate=Decimal(rates[k]),
                discount=Decimal(k % 2 * 10),
            )
            for k in range(10)
        )
        out.append(
            Sale(
                number=f"B/{i + 1}",
                date="2025-11-21",
                seller=seller,
                prices_include_tax=i % 2 == 0,
                round_to_rupee=True,
                lines=lines,
                loyalty=Loyalty(
                    points=400 + i % 300,
                    point_value=Decimal("0.25"),
                    basis="bill" if i % 2 == 0 else "taxable",
                ),
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20000)
    args = ap.parse_args()
    sales = make_sales(args.count)
    start, cpu = time.perf_counter(), time.process_time()
    invoices = [gst.compute(s) for s in sales]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{args.count} ten-line sales → TaxedInvoice in {elapsed:.2f} s: "
        f"{args.count / elapsed:,.0f} invoices/s wall, {args.count / cpu:,.0f}/s per core "
        "(CPU time; single process)"
    )
    start = time.process_time()
    for inv in invoices:
        inv.model_dump_json()
    cpu = time.process_time() - start
    print(f"TaxedInvoice JSON (pydantic-core): {args.count / cpu:,.0f}/s per core")


if __name__ == "__main__":
    main()
