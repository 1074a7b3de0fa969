"""`loyalty-gst demo`: a day of the demo company's sales through every room, into OUT
(the run itself is `loyalty_gst.demo.runner`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console

from loyalty_gst.demo import runner


@click.command()
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path())
@click.option("--date", "day", default="2025-11-21", show_default=True, help="Business day.")
@click.option("--sales", "count", default=300, show_default=True, help="Number of sales.")
@click.option("--seed", default=7, show_default=True)
def demo(out_dir: str, day: str, count: int, seed: int) -> None:
    """Generate a realistic day of sales with redemptions and render it into OUT."""
    runner.run(
        Path(out_dir), dt.date.fromisoformat(day), count=count, seed=seed,
        console=Console(stderr=True),
    )  # fmt: skip
