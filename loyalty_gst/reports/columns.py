"""Columns of a tabular report: name, header and kind, so every writer formats alike.

Kinds: `text`, `date` (ISO text), `int`, `money` (whole paise → ₹ with 2 decimals),
`rate` (a Decimal as is, e.g. ₹ per point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loyalty_gst.gstr1.amounts import text


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str = "text"
    width: int = 12  # characters (XLSX width; PDF share)
    sparse: bool = False  # a detail column: XLSX leaves its zeros empty (they sum as 0)


def money(paise: int) -> Decimal:
    """Whole paise → Decimal rupees with exactly 2 decimals."""
    return Decimal(paise).scaleb(-2)


def as_text(kind: str, value: Any) -> str:
    """A cell as CSV text: money "1234.50", numbers as is, None as ""."""
    if value is None:
        return ""
    if kind == "money":
        return text(value)
    return str(value)


def as_json(kind: str, value: Any) -> Any:
    """A cell for JSON: money as "1234.50" text (never a float), others as they are."""
    if value is None:
        return None
    if kind == "money":
        return text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]
