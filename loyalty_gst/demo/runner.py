"""The demo's run: a day of the demo company's sales, each step in turn, then the day's
documents, its summary and out/index.html.

Deterministic for a seed and a day: the demo runs on its own clock, held at the business
day of --date (time-machine: the machine's date never enters a document, a ledger entry or
a stamp), the channels run on a fixed schedule, and the PDFs are made in reportlab's
invariant mode (no creation date, a fixed document id). Two runs make the same files, but
for the few fields named in the README (a timing, a loopback port, secrets)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import time_machine
from reportlab import rl_config
from rich.console import Console

from loyalty_gst import gst, program
from loyalty_gst.clock import IST
from loyalty_gst.demo import channels, company, einvoice, gstr1, index, ledger, prints, tally
from loyalty_gst.demo.context import DemoRun
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.models import Sale
from loyalty_gst.money import ZERO, format_inr

Step = Callable[[DemoRun], None]
OPENS = dt.time(9, 0)  # the demo's clock stands here (IST) while a step does not move it

# in order: the ledger first (the later steps render what it stored), the channels last
STEPS: list[Step] = [
    ledger.run_ledger,
    gstr1.run_gstr1,
    tally.run_tally,
    einvoice.run_einvoice,
    prints.run_print,
    channels.run_channels,
]


def points_of(sale: Sale) -> int:
    return sale.loyalty.points if sale.loyalty else 0


def start(out: Path, day: dt.date, *, count: int, seed: int, console: Console) -> DemoRun:
    """The day's sales, priced under the program's caps as the ledger will price them (the
    ledger step replaces these with what it stored: refused redemptions billed without
    points, credit notes added)."""
    cat = company.load()
    sales = list(sales_of_day(cat, day, count=count, seed=seed))
    book = cat.book
    invoices = [
        gst.compute(program.apply_caps(s, book.active(s.date), points_of(s))) for s in sales
    ]
    return DemoRun(out, day, cat, sales, invoices, console, seed=seed)


def run(
    out: Path, day: dt.date, *, count: int = 300, seed: int = 7, console: Console,
    steps: list[Step] | None = None,
) -> DemoRun:  # fmt: skip
    (out / "invoices").mkdir(parents=True, exist_ok=True)
    with demo_clock(day):
        demo = start(out, day, count=count, seed=seed, console=console)
        for step in STEPS if steps is None else steps:
            step(demo)
        _write(demo)
    return demo


@contextmanager
def demo_clock(day: dt.date) -> Iterator[None]:
    """The process's clock held at 09:00 IST of the business day (a step that runs a
    schedule moves it on), and PDFs without creation dates, while the demo runs."""
    invariant = rl_config.invariant
    rl_config.invariant = 1
    try:
        with time_machine.travel(dt.datetime.combine(day, OPENS, IST), tick=False):
            yield
    finally:
        rl_config.invariant = invariant


def _write(run: DemoRun) -> None:
    out, docs = run.out, run.invoices
    with (out / "invoices.jsonl").open("w", encoding="utf-8") as fh:
        for inv in docs:
            fh.write(inv.model_dump_json() + "\n")
    for inv in docs:
        name = inv.number.replace("/", "_") + ".json"
        (out / "invoices" / name).write_text(inv.model_dump_json(indent=1), encoding="utf-8")
    notes = [i for i in docs if i.kind != "invoice"]
    invoices = [i for i in docs if i.kind == "invoice"]
    redeemed = [i for i in invoices if i.loyalty.points_redeemed]

    def total(field: str) -> str:
        return str(sum((getattr(i.totals, field) for i in invoices), ZERO))

    summary = {
        "day": run.day.isoformat(),
        "seed": run.seed,
        "invoices": len(invoices),
        "credit_notes": len(notes),
        "with_redemption": len(redeemed),
        "points_redeemed": sum(i.loyalty.points_redeemed for i in invoices),
        "loyalty_discount": total("loyalty_discount"),
        "gst_foregone": total("gst_foregone"),
        "taxable_value": total("taxable_value"),
        "tax": total("tax"),
        "grand_total": total("grand_total"),
        "notes": run.notes,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    run.console.print(
        f"[bold]{len(invoices)}[/] invoices for {run.day} ({len(redeemed)} with points) and "
        f"{len(notes)} credit notes → {out}/invoices.jsonl\n"
        f"loyalty discount {format_inr(sum((i.totals.loyalty_discount for i in invoices), ZERO))}"
        f", GST on it foregone {format_inr(sum((i.totals.gst_foregone for i in invoices), ZERO))}"
        f", billed {format_inr(sum((i.totals.grand_total for i in invoices), ZERO))}"
    )
    for line in run.notes:
        run.console.print(line)
    page = index.write(out)
    run.console.print(f"[bold]where to look:[/] {page} links every file above with what it is")
