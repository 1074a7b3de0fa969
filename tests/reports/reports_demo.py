"""The demo's month (`loyalty-gst demo` without the channel servers) in a folder: the
ledger with its stored invoices, GSTR-1 per GSTIN, Tally XML and the e-invoice log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from loyalty_gst.demo import channels, runner
from loyalty_gst.demo.context import DemoRun

DAY = dt.date(2025, 11, 21)
STEPS = [s for s in runner.STEPS if s is not channels.run_channels]


def build(out: Path, count: int = 300) -> DemoRun:
    run = runner.start(out, DAY, count=count, seed=7, console=Console(stderr=True, quiet=True))
    for step in STEPS:
        step(run)
    return run
