"""`loyalty-gst report register | liability | gstr3b | analytics | pack`: reports for
auditors and accountants, read from the store (`--db URL`).

A period is `--period MMYYYY` or `--from/--to`, narrowed by `--gstin` or `--store`; the
format follows the output file's extension (csv, xlsx, pdf; json where it fits):

    loyalty-gst report register --from 2025-11-01 --to 2025-11-30 --gstin G -o reg.xlsx
    loyalty-gst report liability --period 112025 -o l.xlsx
    loyalty-gst report gstr3b --gstin G --period 112025 -o 3b.json
    loyalty-gst report pack --period 112025 -o pack.zip
"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from loyalty_gst.cli.report_options import db_option, progress, span_from, span_options, store_of
from loyalty_gst.money import format_inr
from loyalty_gst.reports.columns import money
from loyalty_gst.reports.table import format_of
from loyalty_gst.store.documents import count


@click.group()
@db_option
@click.pass_context
def report(ctx: click.Context, db: str | None) -> None:
    """Register, liability, GSTR-3B, analytics and the auditor pack."""
    ctx.obj = {"db": db}


@report.command()
@span_options
@db_option
@click.option("-o", "--output", required=True, type=click.Path(), help="FILE.csv|xlsx|pdf")
@click.pass_context
def register(ctx: click.Context, db: str | None, output: str, **kw: Any) -> None:
    """The loyalty-discount register: one row per invoice or note, totals by GSTIN, store,
    month and rate."""
    from loyalty_gst.reports.register import write_register

    format_of(output)
    span = span_from(kw)
    store = store_of(ctx, db)
    with progress(count(store, span.where()), "register") as tick:
        reg = write_register(store, span, output, tick)
    t = reg.totals.overall
    Console(stderr=True).print(
        f"{reg.documents:,} documents ({reg.cancelled} cancelled left out): loyalty discount "
        f"{format_inr(money(t[3]))}, taxable {format_inr(money(t[5]))}, tax "
        f"{format_inr(money(reg.totals.tax))}, GST foregone {format_inr(money(t[10]))} → {output}"
    )
