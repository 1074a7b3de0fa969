"""What every demo step is given: the output folder, the business day, the demo company,
the day's sales and the documents as they stand (a step may replace them, as the ledger
step does with what it stored), and the notes the run prints at the end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from loyalty_gst.demo.company import Catalogue
from loyalty_gst.models import Sale, TaxedInvoice


@dataclass
class DemoRun:
    out: Path
    day: dt.date
    catalogue: Catalogue
    sales: list[Sale]
    invoices: list[TaxedInvoice]
    console: Console
    seed: int = 7
    notes: list[str] = field(default_factory=list)
