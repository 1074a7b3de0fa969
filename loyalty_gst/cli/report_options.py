"""Options every `loyalty-gst report …` command shares: the store, the period, the scope,
the output file — and a rich progress bar for reports past 10,000 documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from loyalty_gst.reports.period import Span, span_of
from loyalty_gst.store import Store, default_url, open_existing

PROGRESS_FROM = 10_000  # documents: smaller reports finish before a bar would help


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", default=None, help=f"Database URL [default: {default_url()}]"
    )(fn)


def span_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(
        (
            click.option("--period", metavar="MMYYYY", help="A calendar month, e.g. 112025."),
            click.option("--from", "start", metavar="YYYY-MM-DD", help="First day."),
            click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day."),
            click.option("--gstin", help="Only this registration (seller GSTIN)."),
            click.option("--store", "store_code", help="Only this store code."),
        )
    ):
        fn = opt(fn)
    return fn


def span_from(kw: dict[str, Any]) -> Span:
    return span_of(
        period=kw.get("period"),
        start=kw.get("start"),
        end=kw.get("end"),
        gstin=kw.get("gstin"),
        store=kw.get("store_code"),
    )


def store_of(ctx: click.Context, db: str | None) -> Store:
    """The subcommand's --db, else the group's, else the default — an existing database:
    reports only read, they never create one."""
    url = db or (ctx.obj or {}).get("db")
    store = open_existing(url)
    ctx.call_on_close(store.dispose)
    return store


@contextmanager
def progress(total: int, what: str) -> Iterator[Callable[[int], None] | None]:
    """A tick(n) that advances a bar on stderr when `total` is past PROGRESS_FROM."""
    with progress_bars(total, (what,)) as ticks:
        yield ticks[0] if ticks else None


@contextmanager
def progress_bars(
    total: int, stages: tuple[str, ...]
) -> Iterator[list[Callable[[int], None]] | None]:
    """One bar per stage (each of `total` documents), a tick(n) each; None when `total`
    is not past PROGRESS_FROM."""
    if total <= PROGRESS_FROM:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed:>10,.0f} documents"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:

        def ticker(name: str) -> Callable[[int], None]:
            task = bar.add_task(name, total=total)
            return lambda n: bar.advance(task, n)

        yield [ticker(name) for name in stages]
