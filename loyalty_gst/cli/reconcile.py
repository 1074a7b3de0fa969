"""`loyalty-gst reconcile --gstin G --period MMYYYY [--gstr1 FILE] [--tally DIR]
[--einvoice-log [URL|FILE]]`: the five-way reconciliation of one GSTIN's month.

The stored invoices (`--db`) are the books; the ledger is always compared with them, the
other sources when given. `--einvoice-log` alone reads the log table in the same
database; with a value, that database (URL) or SQLite file. Every difference is printed
(source, document, field, store's value, other value); exit 1 on any, 0 when all agree.
`-o FILE.csv|json` also writes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from rich.console import Console

from loyalty_gst.cli.report_options import db_option, progress_bars, store_of
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.reconcile import reconcile as run
from loyalty_gst.reports.reconcile.output import save
from loyalty_gst.reports.table import format_of
from loyalty_gst.store.documents import count


def log_engine(value: str, db_url: str) -> sa.Engine:
    if not value:
        return sa.create_engine(db_url)
    if "://" in value:
        return sa.create_engine(value)
    return sa.create_engine(f"sqlite:///{Path(value).resolve()}")


@click.command("reconcile")
@click.option("--gstin", required=True, help="The GSTIN reconciled (seller).")
@click.option("--period", required=True, metavar="MMYYYY", help="The month, e.g. 112025.")
@click.option("--gstr1", "gstr1_file", type=click.Path(), help="GSTR-1 JSON (portal format).")
@click.option("--tally", "tally_dir", type=click.Path(), help="Folder of Tally XML files.")
@click.option(
    "--einvoice-log", "einvoice_log", is_flag=False, flag_value="", default=None,
    metavar="[URL|FILE]", help="Check IRNs against the e-invoice log (default: in --db).",
)  # fmt: skip
@db_option
@click.option("-o", "--output", type=click.Path(), help="Also write the differences here.")
@click.pass_context
def reconcile(
    ctx: click.Context,
    gstin: str,
    period: str,
    gstr1_file: str | None,
    tally_dir: str | None,
    einvoice_log: str | None,
    db: str | None,
    output: str | None,
) -> None:
    """Ledger ↔ stored invoices ↔ GSTR-1 ↔ Tally ↔ e-invoice log, to the paisa; exit 1 on
    any difference."""
    if output:
        format_of(output, ("csv", "xlsx", "pdf", "json"))
    span = span_of(period=period, gstin=gstin)
    store = store_of(ctx, db)
    engine = None
    if einvoice_log is not None:
        engine = log_engine(einvoice_log, store.engine.url.render_as_string(hide_password=False))
    try:
        # the Tally files are read and sorted first (a bar of their own), then merged
        stages = ("Tally vouchers read", "reconcile") if tally_dir else ("reconcile",)
        with progress_bars(count(store, span.where()), stages) as ticks:
            result = run(store, span, gstr1=gstr1_file, tally=tally_dir, einvoice=engine,
                         tick=ticks[-1] if ticks else None,
                         read_tick=ticks[0] if ticks and tally_dir else None)  # fmt: skip
    finally:
        if engine is not None:
            engine.dispose()
    for d in result.differences:
        click.echo(f"{d.source}\t{d.document}\t{d.field}\tstore={d.store}\t{d.source}={d.other}")
    if output:
        save(result, output)
    console = Console(stderr=True)
    console.print(("[green]" if result.ok else "[red]") + result.summary())
    if not result.ok:
        sys.exit(1)
