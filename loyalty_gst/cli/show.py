"""Output for a person (rich tables, ₹ with Indian grouping, masked mobiles) or, with
`--json`, for a machine — one switch every summary and listing command takes."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from loyalty_gst.money import format_inr

SOON_DAYS = 30  # a lot expiring within this many days is marked "expiring soon"


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(fn)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_default))


def console() -> Console:
    """stdout, wide enough that a table is not cut when piped."""
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def table(title: str | None, *columns: str, right: tuple[str, ...] = ()) -> Table:
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left")
    return t


def inr(value: Decimal | int | str) -> str:
    """₹1,23,456.78 (babel en_IN)."""
    return format_inr(Decimal(value))


def points(n: int) -> str:
    """Points with Indian grouping: 1,23,456."""
    from babel.numbers import format_decimal

    return str(format_decimal(n, locale="en_IN"))


def lot_state(expires_on: dt.date, today: dt.date) -> str:
    """'expired' (its day has come: the expiry job takes it), 'expiring soon' (within 30
    days) or ''."""
    if expires_on <= today:
        return "expired"
    if expires_on <= today + dt.timedelta(days=SOON_DAYS):
        return "expiring soon"
    return ""
