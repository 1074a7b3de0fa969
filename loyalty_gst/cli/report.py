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


@report.command()
@span_options
@db_option
@click.option("--method", type=click.Choice(["face", "ssp"]), default="face", show_default=True,
              help="Allocation: face value, or relative stand-alone selling price.")  # fmt: skip
@click.option("--redemption-rate", default="1", show_default=True,
              help="Expected redemption rate (0–1] for --method ssp.")  # fmt: skip
@click.option("-o", "--output", required=True, type=click.Path(), help="FILE.csv|xlsx|pdf")
@click.pass_context
def liability(
    ctx: click.Context, db: str | None, method: str, redemption_rate: str, output: str, **kw: Any
) -> None:
    """Points liability (Ind AS 115) per month: opening, issued, redeemed, expired, breakage,
    closing — points and ₹ — and expiry ageing."""
    from decimal import Decimal, InvalidOperation

    from loyalty_gst.errors import InvalidInput
    from loyalty_gst.reports.liability_report import liability as run
    from loyalty_gst.reports.liability_report import table
    from loyalty_gst.reports.table import write

    format_of(output)
    try:
        rate = Decimal(redemption_rate)
    except InvalidOperation:
        raise InvalidInput.one("--redemption-rate", redemption_rate, "a number in (0, 1]") from None
    span = span_from(kw)
    store = store_of(ctx, db)
    result = run(store, span, method=method, rate=rate)  # type: ignore[arg-type]
    write(table(store, result, span), output)
    last = result.months[-1] if result.months else None
    Console(stderr=True).print(
        f"closing {result.closing:,} points"
        + (f", {format_inr(last.closing_value)}" if last else "")
        + f" ({method}) → {output}"
    )


@report.command()
@span_options
@db_option
@click.option("-o", "--output", required=True, type=click.Path(), help="FILE.json|csv|xlsx|pdf")
@click.pass_context
def gstr3b(ctx: click.Context, db: str | None, output: str, **kw: Any) -> None:
    """GSTR-3B tables 3.1 (a)(b)(c)(e) and 3.2 as the offline tool's JSON, checked against
    GSTR-1 of the same documents (exit 1 when they differ)."""
    import sys

    from loyalty_gst.reports.gstr3b_report import build, save

    format_of(output, ("json", "csv", "xlsx", "pdf"))
    span = span_from(kw)
    store = store_of(ctx, db)
    with progress(count(store, span.where()), "GSTR-3B") as tick:
        res = build(store, span, tick)
    save(res, output)
    console = Console(stderr=True)
    a = res.body["sup_details"]["osup_det"]
    console.print(f"3.1(a) taxable {format_inr(a['txval'])} → {output}")
    for p in res.problems:
        console.print(f"[red]differs from GSTR-1: {p}")
    if not res.ok:
        sys.exit(1)
    console.print("[green]3.1 and 3.2 agree with GSTR-1 to the paisa")


@report.command()
@span_options
@db_option
@click.option("-o", "--output", required=True, type=click.Path(), help="FILE.csv|xlsx|pdf")
@click.option("--charts", "charts_dir", type=click.Path(), default=None,
              help="Folder for the PNG charts [default: beside the output].")  # fmt: skip
@click.pass_context
def analytics(
    ctx: click.Context, db: str | None, output: str, charts_dir: str | None, **kw: Any
) -> None:
    """Points issued / redeemed / expired per month, redemption rate and GST foregone by
    store and channel, cohorts and repeat rate, top members (masked); PNG charts."""
    from pathlib import Path

    from loyalty_gst.reports import charts
    from loyalty_gst.reports.analytics_report import analytics as run
    from loyalty_gst.reports.analytics_report import table
    from loyalty_gst.reports.table import write

    format_of(output)
    span = span_from(kw)
    result = run(store_of(ctx, db), span)
    out = Path(output)
    pngs = charts.draw_all(result, Path(charts_dir) if charts_dir else out.parent, out.stem)
    write(table(result, span, pngs if out.suffix.lower() == ".pdf" else None), output)
    Console(stderr=True).print(f"→ {output}, charts: {', '.join(p.name for p in pngs)}")


@report.command()
@span_options
@db_option
@click.option("--gstr1", "gstr1_dir", type=click.Path(), help="Folder of <GSTIN>_<MMYYYY>.json.")
@click.option("--tally", "tally_dir", type=click.Path(), help="Folder of Tally XML files.")
@click.option("--einvoice-log", "einvoice_log", is_flag=False, flag_value="", default=None,
              metavar="[URL|FILE]", help="The e-invoice log (default: in --db).")  # fmt: skip
@click.option("-o", "--output", required=True, type=click.Path(), help="PACK.zip")
@click.pass_context
def pack(
    ctx: click.Context,
    db: str | None,
    gstr1_dir: str | None,
    tally_dir: str | None,
    einvoice_log: str | None,
    output: str,
    **kw: Any,
) -> None:
    """The auditor pack: register, reconciliation, liability, GSTR-3B, analytics, `ledger
    verify` output and a manifest with every file's SHA-256, in one ZIP."""
    from loyalty_gst.cli.reconcile import log_engine
    from loyalty_gst.reports.pack import build

    format_of(output, ("zip",))
    span = span_from(kw)
    store = store_of(ctx, db)
    engine = None
    if einvoice_log is not None:
        engine = log_engine(einvoice_log, store.engine.url.render_as_string(hide_password=False))
    console = Console(stderr=True)
    try:
        done = build(store, span, output, gstr1_dir=gstr1_dir, tally=tally_dir, einvoice=engine,
                     say=lambda what: console.print(f"  {what}"))  # fmt: skip
    finally:
        if engine is not None:
            engine.dispose()
    diffs = sum(done.differences.values())
    console.print(
        f"{len(done.files)} files, manifest with SHA-256 → {output}; reconciliation: "
        f"{diffs} difference(s); ledger verify: {done.verify_problems} problem(s)"
    )
