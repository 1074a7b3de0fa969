"""`loyalty-gst demo`: a day of sales from the fixtures, through every room, into out/.

Each room adds a step to DEMO_STEPS ("module:function", called with the DemoRun).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console

from loyalty_gst import fixtures, gst, program
from loyalty_gst.demo import index
from loyalty_gst.models import Sale, TaxedInvoice
from loyalty_gst.money import ZERO, format_inr
from loyalty_gst.sample_day import sales_of_day

# Later rooms append their steps here; each gets the DemoRun after the invoices exist.
DEMO_STEPS: list[str] = [
    "loyalty_gst.demo_ledger:run_ledger",
    "loyalty_gst.gstr1.demo:run_gstr1",
    "tally_export.demo:run_tally",
    "einvoice.demo:run_einvoice",
    "loyalty_gst.printing.demo:run_print",
    "loyalty_gst.pos.demo:run_channels",
]


@dataclass
class DemoRun:
    out: Path
    day: dt.date
    catalogue: fixtures.Catalogue
    sales: list[Sale]
    invoices: list[TaxedInvoice]
    console: Console
    notes: list[str] = field(default_factory=list)


def _step(target: str) -> Callable[[DemoRun], None]:
    module, attr = target.split(":")
    fn: Callable[[DemoRun], None] = getattr(importlib.import_module(module), attr)
    return fn


def _points(sale: Sale) -> int:
    return sale.loyalty.points if sale.loyalty else 0


@click.command()
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path())
@click.option("--date", "day", default="2025-11-21", show_default=True, help="Business day.")
@click.option("--sales", "count", default=300, show_default=True, help="Number of sales.")
@click.option("--seed", default=7, show_default=True)
def demo(out_dir: str, day: str, count: int, seed: int) -> None:
    """Generate a realistic day of sales with redemptions and render it into OUT."""
    console = Console(stderr=True)
    out = Path(out_dir)
    (out / "invoices").mkdir(parents=True, exist_ok=True)
    cat = fixtures.load()
    when = dt.date.fromisoformat(day)
    sales = list(sales_of_day(cat, when, count=count, seed=seed))
    book = cat.book
    # priced under the program's caps, as the ledger will; the ledger step replaces these
    # with what it stored (refused redemptions billed without points, credit notes added)
    invoices = [gst.compute(program.apply_caps(s, book.active(s.date), _points(s))) for s in sales]
    run = DemoRun(out, when, cat, sales, invoices, console)
    for target in DEMO_STEPS:
        _step(target)(run)
    invoices = run.invoices
    with (out / "invoices.jsonl").open("w", encoding="utf-8") as fh:
        for inv in invoices:
            fh.write(inv.model_dump_json() + "\n")
    for inv in invoices:
        name = inv.number.replace("/", "_") + ".json"
        (out / "invoices" / name).write_text(inv.model_dump_json(indent=1), encoding="utf-8")
    notes = [i for i in invoices if i.kind != "invoice"]
    invoices = [i for i in invoices if i.kind == "invoice"]
    redeemed = [i for i in invoices if i.loyalty.points_redeemed]
    summary = {
        "day": day,
        "invoices": len(invoices),
        "credit_notes": len(notes),
        "with_redemption": len(redeemed),
        "points_redeemed": sum(i.loyalty.points_redeemed for i in invoices),
        "loyalty_discount": str(sum((i.totals.loyalty_discount for i in invoices), ZERO)),
        "gst_foregone": str(sum((i.totals.gst_foregone for i in invoices), ZERO)),
        "taxable_value": str(sum((i.totals.taxable_value for i in invoices), ZERO)),
        "tax": str(sum((i.totals.tax for i in invoices), ZERO)),
        "grand_total": str(sum((i.totals.grand_total for i in invoices), ZERO)),
        "notes": run.notes,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    console.print(
        f"[bold]{len(invoices)}[/] invoices for {day} "
        f"({len(redeemed)} with points) and {len(notes)} credit notes → {out}/invoices.jsonl\n"
        f"loyalty discount {format_inr(sum((i.totals.loyalty_discount for i in invoices), ZERO))}"
        f", GST on it foregone {format_inr(sum((i.totals.gst_foregone for i in invoices), ZERO))}"
        f", billed {format_inr(sum((i.totals.grand_total for i in invoices), ZERO))}"
    )
    for line in run.notes:
        console.print(line)
    page = index.write(out)
    console.print(f"[bold]where to look:[/] {page} links every file above with what it is")
