"""TaxedInvoices per second for 10-line sales, one process (target: ≥ 10,000/s per core).

.venv/bin/python benchmarks/taxed_invoice_rate.py [--count 20000] [--runs 5]

Each run computes COUNT TaxedInvoices from pre-built sales and keeps them (as a batch
job would), after a gc.collect() so no run pays for collecting the setup's or the last
run's garbage. Prints the machine's load average, every run and the median, in CPU time
(the machine may be shared) and wall time; the same with each invoice dropped once made
(no batch kept for the garbage collector to walk); then the TaxedInvoice JSON rate.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from loyalty_gst import gst
from loyalty_gst.models import Loyalty, Sale, SaleLine, Seller


def load() -> str:
    """The 1-, 5- and 15-minute load averages (2 cores: above 2 means shared)."""
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def runs(work: Callable[[], object], times: int) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of `times` runs of `work`, each after a full collection."""
    cpu, wall = [], []
    for _ in range(times):
        gc.collect()
        w, c = time.perf_counter(), time.process_time()
        result = work()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
        del result
    return cpu, wall


def median(values: list[float]) -> float:
    return statistics.median(values)


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
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    n = args.count
    print(f"load average at start: {load()}")
    sales = make_sales(n)
    cpu, wall = runs(lambda: [gst.compute(s) for s in sales], args.runs)
    print(
        f"{n} ten-line sales → TaxedInvoice, median of {args.runs} runs: "
        f"{n / median(cpu):,.0f}/s per core (CPU time; {median(cpu) * 1e6 / n:.1f} µs each), "
        f"{n / median(wall):,.0f}/s wall; single process"
    )
    print("  runs, per core:", ", ".join(f"{n / c:,.0f}" for c in cpu))

    def streamed() -> None:
        for s in sales:
            gst.compute(s)

    cpu, _ = runs(streamed, args.runs)
    print(
        f"  each invoice dropped once made (a service's case), median of {args.runs}: "
        f"{n / median(cpu):,.0f}/s per core ({median(cpu) * 1e6 / n:.1f} µs each)"
    )
    invoices = [gst.compute(s) for s in sales]
    cpu, _ = runs(lambda: [inv.model_dump_json() for inv in invoices], args.runs)
    print(
        f"TaxedInvoice JSON (pydantic-core), median of {args.runs}: "
        f"{n / median(cpu):,.0f}/s per core ({median(cpu) * 1e6 / n:.1f} µs each)"
    )
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
