"""`loyalty-gst gstr1`: the month's GSTR-1 JSON for one GSTIN, from JSON Lines or the store.

    loyalty-gst gstr1 --gstin 27AABCL4321K1ZL --period 112025 out/invoices.jsonl -o gstr1.json
    loyalty-gst gstr1 --gstin 27AABCL4321K1ZL --period 112025 --from-store --db out/ledger.sqlite \
        -o gstr1.json

Shows a progress bar, then a table (section, documents, taxable value, tax), the
reconciliation line and any warnings. Exit 0 when the return agrees with the books,
3 when it does not (the file is written either way, for inspection).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from loyalty_gst.errors import InvalidInput
from loyalty_gst.gstr1 import Builder, Gstr1Result, Period, Settings, reader
from loyalty_gst.gstr1.view import DocView
from loyalty_gst.ids import gstin as gstin_ids
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import format_inr

EVERY = 5000  # documents between progress-bar updates (the bar costs more than a document)


def _lines(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("<file>", path, f"cannot read: {exc.strerror}") from exc
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _aato(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise InvalidInput.one("--aato", value, "aggregate annual turnover in ₹") from None


def show(result: Gstr1Result, console: Console) -> None:
    """The summary table, the reconciliation line and the warnings."""
    table = Table(title=f"GSTR-1 {gstin_ids.mask(result.gstin)} {result.fp}")
    for col, right in (("section", False), ("documents", True), ("taxable value", True)):
        table.add_column(col, justify="right" if right else "left")
    table.add_column("tax", justify="right")
    for row in result.summary:
        money = row.section != "doc_issue"
        table.add_row(
            row.section,
            f"{row.documents:,}",
            format_inr(row.figures.taxable) if money else "",
            format_inr(row.figures.tax) if money else "",
        )
    console.print(table)
    rec = result.reconciliation
    console.print(("[green]" if rec.ok else "[red]") + "reconciliation: " + rec.line())
    for p in rec.problems:
        console.print(f"  [red]- {p}")
    skipped = {k: v for k, v in result.skipped.items() if v}
    if skipped:
        console.print(
            "left out: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in skipped.items())
        )
    for w in result.warnings:
        console.print(f"[yellow]warning[/] {w}")


def _feed(builder: Builder, docs: Iterable[TaxedInvoice | DocView], tick: Iterator[None]) -> None:
    add_view, add = builder.add_view, builder.add
    for i, doc in enumerate(docs, start=1):
        if isinstance(doc, DocView):
            add_view(doc)
        else:
            add(doc)
        if i % EVERY == 0:
            next(tick)


@click.command("gstr1")
@click.option("--gstin", required=True, help="The filing GSTIN (seller).")
@click.option("--period", "fp", required=True, metavar="MMYYYY", help="Return period, e.g. 112025.")
@click.option("--from-store", is_flag=True, help="Read the store instead of a JSON Lines file.")
@click.option("--db", default=None, help="Store URL (default $LOYALTY_GST_DB or ./loyalty.sqlite).")
@click.option("--validate", is_flag=True, help="Validate every invoice with pydantic (slower).")
@click.option("--cancelled", "cancelled_file", type=click.Path(), help="File: cancelled numbers.")
@click.option("--irns", "irns_file", type=click.Path(), help="File: numbers that have an IRN.")
@click.option("--aato", help="Aggregate annual turnover in ₹ (HSN digits, e-invoicing).")
@click.option("-o", "--output", required=True, type=click.Path(), help="Where to write the JSON.")
@click.argument("file", required=False, metavar="FILE.jsonl")
def gstr1(
    gstin: str,
    fp: str,
    from_store: bool,
    db: str | None,
    validate: bool,
    cancelled_file: str | None,
    irns_file: str | None,
    aato: str | None,
    output: str,
    file: str | None,
) -> None:
    """GSTR-1 JSON (portal format) of GSTIN for PERIOD from FILE.jsonl or the store."""
    if from_store == bool(file):
        raise InvalidInput.one("FILE.jsonl", file, "give either FILE.jsonl or --from-store")
    period = Period.parse(fp)
    irns = _lines(irns_file) if irns_file else None
    settings = Settings(
        cancelled=frozenset(_lines(cancelled_file)),
        aato=_aato(aato),
        irns=frozenset(irns) if irns is not None else None,
    )
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[docs]:>10,} documents"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        if from_store:
            result = _from_store(gstin, period, settings, db, validate, bar)
        else:
            result = _from_file(gstin, period, settings, str(file), validate, bar)
    try:
        with open(output, "w", encoding="utf-8") as fh:
            result.write(fh)
    finally:
        result.close()
    show(result, console)
    console.print(f"→ {output}")
    if not result.reconciliation.ok:
        sys.exit(3)


def _from_file(
    gstin: str, period: Period, settings: Settings, path: str, validate: bool, bar: Progress
) -> Gstr1Result:
    if not Path(path).is_file():
        raise InvalidInput.one("FILE.jsonl", path, "no such file")
    task = bar.add_task("reading", total=Path(path).stat().st_size, docs=0)
    read = [0, 0]  # bytes, documents

    def progress(n: int) -> None:
        read[0] += n

    def ticks() -> Iterator[None]:
        while True:
            read[1] += EVERY
            bar.update(task, completed=read[0], docs=read[1])
            yield

    builder = Builder(gstin, period.fp, settings)
    docs = reader.iter_invoices(path, progress) if validate else reader.iter_views(path, progress)
    _feed(builder, docs, ticks())
    return builder.result()


def _from_store(
    gstin: str, period: Period, settings: Settings, db: str | None, validate: bool, bar: Progress
) -> Gstr1Result:
    from loyalty_gst.gstr1 import stored
    from loyalty_gst.store import open_store

    store = open_store(db)
    try:
        total = stored.count(store, gstin, period.start, period.end)
        task = bar.add_task("reading store", total=total or 1, docs=0)
        done = [0]

        def ticks() -> Iterator[None]:
            while True:
                done[0] += EVERY
                bar.update(task, completed=done[0], docs=done[0])
                yield

        settings = Settings(
            # cancellations the ledger recorded, plus any listed in --cancelled
            cancelled=settings.cancelled | stored.cancelled(store, gstin, period.start, period.end),
            aato=settings.aato,
            irns=settings.irns,
            original_value=stored.original_lookup(store, gstin),
        )
        builder = Builder(gstin, period.fp, settings)
        it = stored.iter_invoices if validate else stored.iter_views
        _feed(builder, it(store, gstin, period.start, period.end), ticks())
        return builder.result()
    finally:
        store.dispose()
