"""JSON Lines of TaxedInvoices (one `model_dump_json()` per line), read as a stream.

`iter_views(path)` is the fast path: `json.loads(parse_float=Decimal)` into a light
`DocView` (view.of_json), no pydantic validation — for files this program wrote.
`iter_invoices(path)` validates each line into a TaxedInvoice (slower; for files from
elsewhere). Both give the same GSTR-1 (tests/gstr1 checks it). Blank lines are
skipped; a bad line raises InvalidInput naming its line number.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.gstr1.view import DocView, of_json
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.problems import from_pydantic


def _lines(fh: IO[bytes], progress: Callable[[int], None] | None) -> Iterator[tuple[int, bytes]]:
    for n, raw in enumerate(fh, start=1):
        if progress is not None:
            progress(len(raw))
        if raw.strip():
            yield n, raw


def iter_views(
    path: str | Path, progress: Callable[[int], None] | None = None
) -> Iterator[DocView]:
    """DocViews of each line; `progress(bytes)` is called per line read."""
    with open(path, "rb") as fh:
        for n, raw in _lines(fh, progress):
            try:
                yield of_json(json.loads(raw, parse_float=Decimal))
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidInput.one(
                    f"line {n}", raw[:60].decode(errors="replace"), f"not a TaxedInvoice: {exc}"
                ) from None


def iter_invoices(
    path: str | Path, progress: Callable[[int], None] | None = None
) -> Iterator[TaxedInvoice]:
    """Validated TaxedInvoices of each line (pydantic)."""
    with open(path, "rb") as fh:
        for n, raw in _lines(fh, progress):
            try:
                yield TaxedInvoice.model_validate_json(raw)
            except ValidationError as exc:
                raise InvalidInput(
                    [Problem(f"line {n}: {p.field}", p.value, p.rule) for p in from_pydantic(exc)]
                ) from None
