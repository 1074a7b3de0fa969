"""A report's period and scope: `--period MMYYYY` or `--from/--to`, narrowed by GSTIN or store.

>>> span_of(period="112025").label
'01-11-2025 to 30-11-2025'
>>> [m for m in span_of(start="2025-10-15", end="2025-12-02").months()]
['2025-10', '2025-11', '2025-12']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from loyalty_gst.errors import InvalidInput
from loyalty_gst.gstr1.rules import Period
from loyalty_gst.store.documents import Where


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date
    gstin: str | None = None
    store: str | None = None

    @property
    def label(self) -> str:
        return f"{self.start:%d-%m-%Y} to {self.end:%d-%m-%Y}"

    @property
    def fp(self) -> str | None:
        """The return period MMYYYY when the span is exactly one calendar month."""
        p = Period.of(self.start)
        return p.fp if (p.start, p.end) == (self.start, self.end) else None

    def where(self) -> Where:
        return Where(gstin=self.gstin, store=self.store, start=self.start, end=self.end)

    def months(self) -> Iterator[str]:
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            yield f"{y:04d}-{m:02d}"
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _date(name: str, value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.one(name, value, "a date is YYYY-MM-DD") from None


def span_of(
    *,
    period: str | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    gstin: str | None = None,
    store: str | None = None,
) -> Span:
    """`period` (MMYYYY) or both `start` and `end`; never both forms, never neither."""
    if period and (start or end):
        raise InvalidInput.one("--period", period, "give --period or --from/--to, not both")
    if period:
        p = Period.parse(period)
        return Span(p.start, p.end, gstin or None, store or None)
    if not (start and end):
        raise InvalidInput.one("--period", None, "give --period MMYYYY or both --from and --to")
    a, b = _date("--from", start), _date("--to", end)
    if b < a:
        raise InvalidInput.one("--to", str(b), f"ends before --from {a}")
    return Span(a, b, gstin or None, store or None)
