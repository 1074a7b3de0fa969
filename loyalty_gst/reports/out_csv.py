"""CSV (UTF-8, comma, header row): the main table streamed, then a blank line, the totals
row, and each section under its title. Amounts as text with 2 decimals, never floats."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from loyalty_gst.reports.columns import Column, as_text, headers
from loyalty_gst.reports.table import TableReport


def _line(columns: Sequence[Column], row: Sequence[Any]) -> list[str]:
    return [as_text(c.kind, v) for c, v in zip(columns, row, strict=True)]


def _money(p: int | None) -> str:
    """Whole paise as rupee text: the digits with a point put in (half divmod's time)."""
    if p is None:
        return ""
    if p == 0:
        return "0.00"
    if p >= 100 or p <= -100:
        s = str(p)
        return f"{s[:-2]}.{s[-2:]}"
    return f"0.{p:02d}" if p > 0 else f"-0.{-p:02d}"


def _plain(v: Any) -> Any:
    return "" if v is None else v


def write_csv(report: TableReport, path: str | Path) -> None:
    cols = report.columns
    fmt = [_money if c.kind == "money" else _plain for c in cols]
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
        w = csv.writer(fh)
        w.writerow(headers(cols))
        writerow = w.writerow
        for row in report.rows:
            writerow([f(v) for f, v in zip(fmt, row, strict=True)])
        total = report.totals()
        if total is not None:
            w.writerow(_line(cols, total))
        for sec in report.sections():
            w.writerow([])
            w.writerow([sec.title])
            w.writerow(headers(sec.columns))
            for row in sec.rows:
                w.writerow(_line(sec.columns, row))
