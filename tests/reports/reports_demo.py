"""The demo's month (`loyalty-gst demo` without the channel servers) in a folder: the
ledger with its stored invoices, GSTR-1 per GSTIN, Tally XML and the e-invoice log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from loyalty_gst import fixtures, gst, program
from loyalty_gst.cli.demo import DEMO_STEPS, DemoRun, _points, _step
from loyalty_gst.sample_day import sales_of_day

DAY = dt.date(2025, 11, 21)
STEPS = [s for s in DEMO_STEPS if "pos.demo" not in s]


def build(out: Path, count: int = 300) -> DemoRun:
    cat = fixtures.load()
    sales = list(sales_of_day(cat, DAY, count=count, seed=7))
    book = fixtures.load().book
    invoices = [gst.compute(program.apply_caps(s, book.active(s.date), _points(s))) for s in sales]
    run = DemoRun(out, DAY, cat, sales, invoices, Console(stderr=True, quiet=True))
    for target in STEPS:
        _step(target)(run)
    return run
