"""`loyalty-gst invoice|credit-note|schema`: the taxed invoice from the command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from loyalty_gst import gst
from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.models import ReturnLine, TaxedInvoice, sale_json_schema, taxed_invoice_json_schema
from loyalty_gst.problems import from_pydantic, invalid
from loyalty_gst.validation import load_json, parse_sale


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one(path, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput.one(path, None, f"not UTF-8 text (byte {exc.start + 1})") from None


def taxed_invoice(data: Any) -> TaxedInvoice:
    """A TaxedInvoice from parsed JSON, or every problem; a Sale is told to go through
    `loyalty-gst invoice` first."""
    if isinstance(data, dict) and "totals" not in data and "lines" in data:
        raise InvalidInput.one(
            "totals", None, "this is a Sale, not a TaxedInvoice: make the invoice first "
            "(loyalty-gst invoice SALE.json > INVOICE.json)",
        )  # fmt: skip
    try:
        return TaxedInvoice.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from None


QTY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,3})?")


@click.command()
@click.argument("sale_file", metavar="SALE.json")
@click.option("--sandbox", is_flag=True, help="Accept NIC sandbox GSTINs (skip check character).")
def invoice(sale_file: str, sandbox: bool) -> None:
    """Print the TaxedInvoice JSON for SALE.json ('-' reads stdin)."""
    sale = parse_sale(read_text(sale_file), sandbox=sandbox)
    click.echo(gst.compute(sale).model_dump_json(indent=2))


@click.command("credit-note")
@click.argument("invoice_file", metavar="TAXED_INVOICE.json")
@click.option("--number", required=True, help="Credit note number.")
@click.option("--date", "date_", required=True, help="Credit note date (YYYY-MM-DD).")
@click.option(
    "--line",
    "lines",
    multiple=True,
    metavar="LINE_NO:QTY",
    help="Return QTY of line LINE_NO (repeatable); none returns everything.",
)
def credit_note(invoice_file: str, number: str, date_: str, lines: tuple[str, ...]) -> None:
    """Print the credit note (TaxedInvoice JSON) for part or all of an issued invoice."""
    original = taxed_invoice(load_json(read_text(invoice_file), source=invoice_file))
    returns = []
    bad = []
    for spec in lines:
        no, _, qty = spec.partition(":")
        if not (no.isascii() and no.isdigit() and QTY.fullmatch(qty)):
            bad.append(
                Problem("--line", spec, "expected LINE_NO:QTY, e.g. 2:1 (line 1 is the first)")
            )
            continue
        try:
            returns.append(ReturnLine(line_no=int(no), qty=Decimal(qty)))
        except ValidationError as exc:
            bad += [Problem("--line", spec, p.rule) for p in from_pydantic(exc)]
    try:
        when = dt.date.fromisoformat(date_)
    except ValueError:
        bad.append(Problem("--date", date_, "expected YYYY-MM-DD"))
    if bad:
        raise InvalidInput(bad)
    note = gst.credit_note(original, number=number, date=when, returns=returns or None)
    click.echo(note.model_dump_json(indent=2))


@click.command()
@click.argument("which", type=click.Choice(["sale", "taxed-invoice", "company"]))
def schema(which: str) -> None:
    """Print the JSON Schema of the Sale input, the TaxedInvoice output or the company file."""
    if which == "company":
        from loyalty_gst.company.model import company_json_schema

        doc = company_json_schema()
    else:
        doc = sale_json_schema() if which == "sale" else taxed_invoice_json_schema()
    click.echo(json.dumps(doc, indent=2))
