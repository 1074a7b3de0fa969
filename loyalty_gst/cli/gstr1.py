"""`loyalty-gst gstr1`: the month's GSTR-1 JSON for one GSTIN, from JSON Lines or the store.

    loyalty-gst gstr1 --gstin 27AABCL4321K1ZL --period 112025 out/invoices.jsonl -o gstr1.json
    loyalty-gst gstr1 --gstin 27AABCL4321K1ZL --period 112025 --from-store --db out/ledger.sqlite \
        -o gstr1.json

Shows a progress bar, then a table (section, documents, taxable value, tax), the
reconciliation line and any warnings (`--json`: the same summary as JSON on stdout). A
period without documents says "nil return: 0 documents for GSTIN … in MMYYYY". Exit 0
when the return agrees with the books, 1 when it does not (the file is written either
way, for inspection), 2 for bad input — a --db that does not exist among them (it is
never created).
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

from loyalty_gst.cli.show import emit_json
from loyalty_gst.errors import InvalidInput, Problem
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


def gstin_problems(value: str) -> list[Problem]:
    try:
        gstin_ids.validate(value)
    except gstin_ids.InvalidGstin as exc:
        return [Problem("--gstin", value, str(exc))]
    return []


def documents(result: Gstr1Result) -> int:
    """Invoices and notes the return holds (HSN rows and doc_issue not counted)."""
    return sum(r.documents for r in result.summary if r.section not in ("hsn", "doc_issue"))


def nil_line(result: Gstr1Result) -> str | None:
    if documents(result) or result.skipped.get("cancelled"):
        return None
    return f"nil return: 0 documents for GSTIN {result.gstin} in {result.fp}"


def as_data(result: Gstr1Result, output: str) -> dict[str, object]:
    rec = result.reconciliation
    return {
        "gstin": result.gstin,
        "fp": result.fp,
        "output": output,
        "documents": documents(result),
        "nil_return": nil_line(result) is not None,
        "sections": [
            {"section": r.section, "documents": r.documents,
             "taxable": str(r.figures.taxable), "tax": str(r.figures.tax)}
            for r in result.summary
        ],
        "reconciliation": {
            "ok": rec.ok, "line": rec.line(), "problems": [str(p) for p in rec.problems]
        },
        "skipped": result.skipped,
        "warnings": [str(w) for w in result.warnings],
    }  # fmt: skip


def show(result: Gstr1Result, console: Console) -> None:
    """The summary table, the reconciliation line and the warnings."""
    nil = nil_line(result)
    if nil:
        console.print(nil)
    table = Table(title=f"GSTR-1 {result.gstin} {result.fp}")
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
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
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
    as_json: bool,
    file: str | None,
) -> None:
    """GSTR-1 JSON (portal format) of GSTIN for PERIOD from FILE.jsonl or the store."""
    if from_store == bool(file):
        raise InvalidInput.one("FILE.jsonl", file, "give either FILE.jsonl or --from-store")
    period = Period.parse(fp)
    problems = gstin_problems(gstin)
    if problems:
        raise InvalidInput(problems)
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
    if as_json:
        emit_json(as_data(result, output))
    else:
        show(result, Console(soft_wrap=False))
        click.echo(f"→ {output}")
    if not result.reconciliation.ok:
        sys.exit(1)


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
    from loyalty_gst.store import open_existing

    store = open_existing(db)
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
