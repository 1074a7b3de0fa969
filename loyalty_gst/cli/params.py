"""Option types the commands share: each refuses a bad value naming the option (exit 2),
so no command parses a date or a number by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"expected a date YYYY-MM-DD (got {str(value)[:40]!r})", param, ctx)


DATE = IsoDate()
