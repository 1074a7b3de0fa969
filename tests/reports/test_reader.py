"""The one reader reads bodies with orjson: exact only because a stored body holds no
JSON float (every Decimal of a TaxedInvoice is a JSON string). Held here on a day of
varied sales and their credit notes, and on the store's own bodies."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console

from loyalty_gst import gst
from loyalty_gst.demo import runner
from loyalty_gst.models import ReturnLine
from loyalty_gst.reports.period import span_of
from loyalty_gst.store import Store
from loyalty_gst.store.documents import iter_docs


def floats(v: Any, at: str = "") -> list[str]:
    if isinstance(v, float):
        return [at]
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in floats(x, f"{at}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in floats(x, f"{at}[{i}]")]
    return []


def test_a_taxed_invoice_body_holds_no_json_float(tmp_path: Path) -> None:
    day = dt.date(2025, 11, 21)
    run = runner.start(tmp_path, day, count=120, seed=3, console=Console(quiet=True))
    shapes = 0
    for inv in run.invoices:
        docs = [inv]
        if inv.lines:
            back = [ReturnLine(line_no=1, qty=inv.lines[0].qty)]
            docs.append(gst.credit_note(inv, number="CN/1", date=day, returns=back))
        for doc in docs:
            body = doc.model_dump_json()
            assert floats(orjson.loads(body)) == []
            # and so orjson reads exactly what json with Decimal numbers reads
            assert orjson.loads(body) == json.loads(body, parse_float=Decimal)
            shapes += 1
    assert shapes == 240


def test_the_reader_gives_the_stored_bodies_exactly(month_store: Store) -> None:
    docs = list(iter_docs(month_store, span_of(period="112025").where()))
    assert len(docs) == 4  # the hand-worked month: 3 invoices and a credit note
    for d in docs:
        assert floats(d.body) == []
        assert isinstance(d.body["totals"]["taxable_value"], str)
