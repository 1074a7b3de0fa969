"""E-invoice payloads built and validated per second (TaxedInvoice → INV-01 → all IRP rules).

Run: .venv/bin/python benchmarks/einvoice_build.py [N] [RUNS]
Invoices: B2B variants of the fixture day's sales (every sale given a registered buyer
and a 16-character number), taxed once up front; the timed loop is build + validate.
Then the 10-line case (benchmarks/taxed_invoice_rate.py's sales with a buyer): build +
validate + JSON per payload, the median of RUNS runs (default 5, each after a
gc.collect()) in CPU time (the machine may be shared) and wall time, then each stage
alone; the load average is printed at start and end.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from einvoice.builder import build
from einvoice.schema import dumps
from einvoice.validator import Settings, validate
from loyalty_gst import gst
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.models import Buyer

BUYER = Buyer(
    gstin="27AAPFU0939F1ZV",
    legal_name="Sahyadri Traders Pvt Ltd",
    address="Plot 5, MIDC",
    city="Mumbai",
    pincode="400093",
    state_code="27",
)


def ten_line(count: int, day: dt.date, times: int) -> None:
    """The acceptance case: 10-line B2B invoices, build + validate + JSON each; then each
    stage alone over the same invoices (payloads built once for validate and JSON)."""
    from taxed_invoice_rate import make_sales, median, runs

    sales = [
        s.model_copy(update={"buyer": BUYER, "number": f"B2B/{i:06d}", "round_to_rupee": False})
        for i, s in enumerate(make_sales(count))
    ]
    invoices = [gst.compute(s) for s in sales]
    cfg = Settings(today=day)
    payloads = [build(inv) for inv in invoices]
    bad = sum(1 for p in payloads if validate(p, cfg))

    def all_three() -> None:
        for inv in invoices:
            payload = build(inv)
            validate(payload, cfg)
            dumps(payload)

    def build_only() -> None:
        for inv in invoices:
            build(inv)

    def validate_only() -> None:
        for p in payloads:
            validate(p, cfg)

    def json_only() -> None:
        for p in payloads:
            dumps(p)

    cpu, wall = runs(all_three, times)
    print(
        f"10-line invoices, median of {times} runs of {count}: build + validate + JSON "
        f"{median(cpu) * 1e6 / count:.1f} µs each (CPU time; {median(wall) * 1e6 / count:.1f} µs "
        f"wall), {bad} invalid"
    )
    print("  runs, µs each:", ", ".join(f"{c * 1e6 / count:.1f}" for c in cpu))
    stages = [(name, median(runs(fn, times)[0]) * 1e6 / count)
              for name, fn in (("build", build_only), ("validate", validate_only),
                               ("JSON", json_only))]  # fmt: skip
    print("  stages alone, µs each:", ", ".join(f"{name} {us:.1f}" for name, us in stages))


def main(count: int, times: int) -> None:
    from taxed_invoice_rate import load

    print(f"load average at start: {load()}")
    day = dt.date(2025, 11, 21)
    sales = [
        s.model_copy(update={"buyer": BUYER, "number": f"B2B/{i:06d}", "round_to_rupee": False})
        for i, s in enumerate(sales_of_day(demo_company.load(), day, count=count, seed=11))
    ]
    invoices = [gst.compute(s) for s in sales]
    invoices = [i for i in invoices if any(ln.tax_category == "taxable" for ln in i.lines)]
    cfg = Settings(today=day)
    started = time.perf_counter()
    bad = 0
    for inv in invoices:
        if validate(build(inv), cfg):
            bad += 1
    took = time.perf_counter() - started
    started = time.perf_counter()
    for inv in invoices:
        dumps(build(inv))
    json_took = time.perf_counter() - started
    lines = sum(len(i.lines) for i in invoices)
    print(f"{len(invoices)} invoices ({lines} lines), {bad} invalid")
    each = took * 1000 / len(invoices)
    print(f"build + validate: {len(invoices) / took:,.0f} payloads/s ({each:.3f} ms each)")
    print(f"build + JSON:     {len(invoices) / json_took:,.0f} payloads/s")
    ten_line(min(count, 3000), day, times)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
