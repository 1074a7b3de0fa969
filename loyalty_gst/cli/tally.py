"""`loyalty-gst tally masters|vouchers`: Tally Prime import files, optionally pushed.

Source: FILE.jsonl (one TaxedInvoice per line, as the demo writes out/invoices.jsonl)
or `--from-store [--db URL]` (the invoices stored by the service). Files go to -o DIR;
`--post URL` also pushes them to Tally's XML server (masters first; vouchers in small
batches, then read back and compared). Exit 1 when Tally reported errors or the
read-back found a voucher renumbered, dropped or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from loyalty_gst.cli.params import DATE
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice
from tally_export.client import PushReport, TallyClient
from tally_export.config import TallySettings, load_settings
from tally_export.export import read_jsonl, write_masters, write_vouchers
from tally_export.vouchers import Voucher


def _source(opts: dict[str, Any]) -> tuple[Iterator[TaxedInvoice], int | None]:
    """The invoices and, when cheap to know, how many there are (for the progress bar)."""
    file, from_store = opts["file"], opts["from_store"]
    if bool(file) == bool(from_store):
        raise InvalidInput.one("SOURCE", file, "give exactly one of FILE.jsonl or --from-store")
    if file:
        path = Path(file)
        if not path.is_file():
            raise InvalidInput.one("FILE.jsonl", file, "no such file")
        with path.open(encoding="utf-8") as fh:
            total = sum(1 for line in fh if line.strip())
        return read_jsonl(path), total
    from loyalty_gst.store import open_existing

    store = open_existing(opts["db"])
    invoices = store.iter_invoices(
        seller_gstin=opts["seller"],
        start=opts["start"],
        end=opts["end"],
    )
    return invoices, None


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from urllib.parse import urlsplit

    if value is None:
        return None
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        ok = False
    if not ok:
        raise click.BadParameter("expected http://host:port (Tally's XML port)", ctx, param)
    return value


def _settings(opts: dict[str, Any]) -> TallySettings:
    return load_settings(
        opts["company"],
        opts["mapping"],
        view=opts["view"],
        loyalty=opts["loyalty"],
        chunk_size=opts["chunk"],
    )


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", metavar="[FILE.jsonl]", required=False),
        click.option("--company", required=True, help="Tally company name (SVCURRENTCOMPANY)."),
        click.option("--from-store", is_flag=True, help="Read the invoices stored by the service."),
        click.option("--db", default=None, help="Database URL for --from-store."),
        click.option("--seller", default=None, help="Only this seller GSTIN (--from-store)."),
        click.option("--from", "start", type=DATE, default=None, help="First date."),
        click.option("--to", "end", type=DATE, default=None, help="Last date."),
        click.option("-o", "--out", "out_dir", default="out/tally", show_default=True),
        click.option(
            "--post", "post_url", default=None, callback=_http_url, help="Also push to Tally."
        ),
        click.option("--mapping", default=None, help="JSON/YAML file mapping names."),
        click.option("--view", type=click.Choice(["invoice", "accounting"]), default=None),
        click.option("--loyalty", type=click.Choice(["discount-ledger", "netted"]), default=None),
        click.option("--chunk", type=int, default=None, help="Vouchers per file."),
        click.option("--batch", type=int, default=25, show_default=True, help="Per HTTP post."),
        click.option("--isolate-errors", is_flag=True, help="Re-post a failed batch one by one."),
    ]
    for opt in reversed(options):
        fn = opt(fn)
    return fn


def _report_push(console: Console, what: str, report: PushReport) -> None:
    console.print(f"{what}: {report.summary()}")
    for le in report.line_errors[:20]:
        console.print(f"  [red]batch {le.batch}[/] ({', '.join(le.numbers[:5])}): {le.message}")


@click.group()
def tally() -> None:
    """Tally Prime XML: masters and vouchers, written to files and optionally pushed."""


@tally.command()
@_common
def masters(**opts: Any) -> None:
    """Write (and optionally push) the masters the invoices need."""
    console = Console(stderr=True)
    settings = _settings(opts)
    invoices, total = _source(opts)
    with _progress(console) as progress:
        task = progress.add_task("collecting masters", total=total)

        def counted() -> Iterator[TaxedInvoice]:
            for inv in invoices:
                progress.advance(task)
                yield inv

        ms, summary = write_masters(counted(), settings, opts["out_dir"])
    console.print(f"{summary.count} masters → {', '.join(str(f) for f in summary.files)}")
    for p in summary.problems[:20]:
        console.print(f"  [yellow]warning[/] {p}")
    if opts["post_url"]:
        client = TallyClient(opts["post_url"], settings.company)
        report = client.push_masters(ms.elements())
        _report_push(console, "masters", report)
        if not report.ok:
            raise SystemExit(1)


@tally.command()
@_common
def vouchers(**opts: Any) -> None:
    """Write (and optionally push, then read back) one voucher per invoice / note."""
    console = Console(stderr=True)
    settings = _settings(opts)
    invoices, total = _source(opts)
    client = TallyClient(opts["post_url"], settings.company) if opts["post_url"] else None
    report = PushReport()
    pending: list[Voucher] = []

    def flush() -> None:
        if client is not None and pending:
            part = client.push_vouchers(
                list(pending), batch=opts["batch"], isolate_errors=opts["isolate_errors"]
            )
            report.merge(part)
        pending.clear()

    with _progress(console) as progress:
        task = progress.add_task("vouchers", total=total)

        def each(v: Voucher) -> None:
            progress.advance(task)
            if client is not None:
                pending.append(v)
                if len(pending) >= opts["batch"]:
                    flush()

        summary = write_vouchers(invoices, settings, opts["out_dir"], on_voucher=each)
        flush()
    console.print(summary.line())
    for f in summary.files:
        console.print(f"  {f}")
    if client is None:
        return
    _report_push(console, "vouchers", report)
    rb = client.read_back(report.pushed)
    console.print(rb.summary())
    for rid, ours, theirs in rb.renumbered[:20]:
        console.print(f"  [yellow]renumbered[/] {ours} → {theirs} ({rid})")
    for rid, number in rb.dropped[:20]:
        console.print(f"  [red]dropped[/] {number} ({rid})")
    for rid, what, ours, theirs in rb.changed[:20]:
        console.print(f"  [yellow]changed[/] {what}: {ours} → {theirs} ({rid})")
    if not report.ok or not rb.clean:
        raise SystemExit(1)
