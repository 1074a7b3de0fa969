"""Write N Tally vouchers (default: 100,000 then 1,000,000) and print time and peak memory.

Each voucher is fully built from a TaxedInvoice (`vouchers.build`), checked to sum to 0,
rendered as an lxml element and streamed into chunked files — only the TaxedInvoices are
pre-built (a few hundred from the sample day, reused with fresh document numbers), so
the figure is the export's cost, not the tax computation's. Each count runs in its own
process so its peak RSS (ru_maxrss) is its own.

    .venv/bin/python benchmarks/tally_million.py                # 100k and 1M
    .venv/bin/python benchmarks/tally_million.py --count 50000  # one run
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(count: int, chunk: int, out: Path) -> None:
    from loyalty_gst import gst
    from loyalty_gst.demo import company as demo_company
    from loyalty_gst.demo.sales import sales_of_day
    from tally_export.config import TallySettings
    from tally_export.vouchers import build
    from tally_export.writer import ImportWriter

    cat = demo_company.load()
    templates = [gst.compute(s) for s in sales_of_day(cat, dt.date(2025, 11, 21), count=300)]
    settings = TallySettings(company="Lakshmi Lifestyle Retail Pvt Ltd", chunk_size=chunk)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # float ok: MB
    started = time.perf_counter()
    cpu_started = time.process_time()
    n_templates = len(templates)
    with ImportWriter(out, settings.company, chunk_size=chunk, pretty=False) as w:
        for i in range(count):
            inv = templates[i % n_templates]
            w.write(build(inv, settings, number=f"B{i:09d}"))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # float ok: MB
    size = sum(f.stat().st_size for f in w.files) / 2**20  # float ok: MB
    print(
        f"{count:>9,} vouchers  {elapsed:6.1f} s wall ({cpu:6.1f} s CPU)  "
        f"{count / elapsed:8,.0f}/s  "
        f"peak RSS {peak:6.1f} MB (before writing {rss_before:5.1f} MB)  "
        f"{len(w.files)} files, {size:,.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=None, help="Vouchers to write (one run).")
    ap.add_argument("--chunk", type=int, default=50_000, help="Vouchers per file.")
    ap.add_argument("--keep", default=None, help="Write into this directory and keep it.")
    args = ap.parse_args()
    if args.count is not None:
        if args.keep:
            one_run(args.count, args.chunk, Path(args.keep))
            return
        with tempfile.TemporaryDirectory(prefix="tally_bench_") as tmp:
            one_run(args.count, args.chunk, Path(tmp))
        return
    print("Tally export benchmark (target: 1M under 60 s and 200 MB, flat as count grows)")
    for count in (100_000, 1_000_000):
        subprocess.run(
            [sys.executable, __file__, "--count", str(count), "--chunk", str(args.chunk)],
            check=True,
        )


if __name__ == "__main__":
    main()
