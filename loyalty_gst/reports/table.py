"""A report as tables: one streamed main table, then small sections known at the end.

Writers (`out_csv`, `out_xlsx`, `out_pdf`) take a `TableReport`; `write(report, path)`
picks one by the file's extension. The main table's rows are an iterator consumed once
(memory stays flat); `totals` and `sections` are called after it is exhausted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loyalty_gst.errors import InvalidInput
from loyalty_gst.reports.columns import Column


@dataclass(frozen=True)
class Section:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


@dataclass
class TableReport:
    title: str
    subtitle: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    totals: Callable[[], Sequence[Any] | None] = lambda: None
    sections: Callable[[], Sequence[Section]] = lambda: ()
    pdf_columns: Sequence[str] = ()  # names of the columns a landscape page shows
    signature: bool = False
    notes: list[str] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)  # PNG charts: the PDF adds a page each


FORMATS = ("csv", "xlsx", "pdf")


def format_of(path: str | Path, allowed: Sequence[str] = FORMATS) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in allowed:
        raise InvalidInput.one(
            "-o", str(path), f"the format follows the extension: one of {', '.join(allowed)}"
        )
    return ext


def write(report: TableReport, path: str | Path) -> None:
    kind = format_of(path)
    if kind == "csv":
        from loyalty_gst.reports.out_csv import write_csv

        write_csv(report, path)
    elif kind == "xlsx":
        from loyalty_gst.reports.out_xlsx import write_xlsx

        write_xlsx(report, path)
    else:
        from loyalty_gst.reports.out_pdf import write_pdf

        write_pdf(report, path)
