"""`loyalty-gst invoice|credit-note|schema`: the taxed invoice from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import click

from loyalty_gst import gst
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import ReturnLine, TaxedInvoice, sale_json_schema, taxed_invoice_json_schema
from loyalty_gst.validation import load_json, parse_sale


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("<file>", path, f"cannot read: {exc.strerror}") from exc


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
    try:
        original = TaxedInvoice.model_validate(load_json(read_text(invoice_file)))
    except ValueError as exc:
        raise InvalidInput.one("<invoice>", invoice_file, f"not a TaxedInvoice: {exc}") from None
    returns = []
    for spec in lines:
        no, _, qty = spec.partition(":")
        try:
            returns.append(ReturnLine(line_no=int(no), qty=Decimal(qty)))
        except (ValueError, ArithmeticError):
            raise InvalidInput.one("--line", spec, "expected LINE_NO:QTY, e.g. 2:1") from None
    try:
        when = dt.date.fromisoformat(date_)
    except ValueError:
        raise InvalidInput.one("--date", date_, "expected YYYY-MM-DD") from None
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
