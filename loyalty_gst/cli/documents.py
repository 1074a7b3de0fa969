"""`loyalty-gst print`: a GST document as PDF — A4 or the 80 mm till receipt.

FILE is a Sale (priced here, as `loyalty-gst invoice` does) or a TaxedInvoice, in JSON;
with --db it is the number of a document the ledger stored (then the member's points
balance after it comes from the ledger, the letterhead from the company's setup).
--registration adds the IRP's IRN, Ack and signed QR (the JSON `einvoice submit`
prints); --letterhead gives the company's particulars from a JSON file.
"""

from __future__ import annotations

from pathlib import Path

import click

from loyalty_gst import gst
from loyalty_gst.cli.invoice import read_text, taxed_invoice
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.printing.particulars import (
    CopyMark,
    EInvoiced,
    Letterhead,
    PrintJob,
    parse_copies,
)
from loyalty_gst.validation import load_json, parse_sale


def invoice_from_file(path: str, sandbox: bool) -> TaxedInvoice:
    data = load_json(read_text(path), source=path, marked=True)
    if isinstance(data, dict) and "totals" in data:
        return taxed_invoice(data)
    return gst.compute(parse_sale(data, sandbox=sandbox))


def _stored(number: str, db: str, gstin: str | None, marks: tuple[CopyMark, ...]) -> PrintJob:
    from loyalty_gst.service.documents import print_job
    from loyalty_gst.store import open_existing

    store = open_existing(db)
    try:
        return print_job(store, number, gstin=gstin, copies=marks)
    finally:
        store.dispose()


def _registration(path: str) -> EInvoiced:
    from einvoice.results import Registration

    try:
        return Registration.model_validate_json(read_text(path)).printed()
    except ValueError as exc:
        raise InvalidInput.one("--registration", path, f"not an IRP registration: {exc}") from None


def _letterhead(path: str) -> Letterhead:
    try:
        return Letterhead.model_validate(load_json(read_text(path)))
    except ValueError as exc:
        raise InvalidInput.one("--letterhead", path, f"not a letterhead: {exc}") from None


@click.command("print")
@click.argument("file", metavar="FILE.json")
@click.option("-o", "--out", "out", required=True, type=click.Path(), help="PDF to write.")
@click.option(
    "--format", "fmt", type=click.Choice(["a4", "receipt"]), default="a4", show_default=True
)
@click.option("--copies", help="1-3, or names: original,duplicate,triplicate (default: original).")
@click.option("--db", help="Read FILE as the number of a document stored in this database.")
@click.option("--gstin", help="With --db: the registration that issued the number.")
@click.option("--registration", type=click.Path(exists=True), help="IRP registration JSON.")
@click.option("--letterhead", type=click.Path(exists=True), help="Company particulars JSON.")
@click.option("--balance-after", type=int, help="The member's points balance after the sale.")
@click.option("--sandbox", is_flag=True, help="Accept NIC sandbox GSTINs in a Sale.")
def print_(
    file: str,
    out: str,
    fmt: str,
    copies: str | None,
    db: str | None,
    gstin: str | None,
    registration: str | None,
    letterhead: str | None,
    balance_after: int | None,
    sandbox: bool,
) -> None:
    """Print a tax invoice, bill of supply, credit or debit note, or till receipt as PDF."""
    from loyalty_gst.printing import render

    marks = parse_copies(copies)
    if db:
        job = _stored(file, db, gstin, marks)
    else:
        job = PrintJob(invoice=invoice_from_file(file, sandbox), copies=marks)
    update: dict[str, object] = {}
    if letterhead:
        update["letterhead"] = _letterhead(letterhead)
    if registration:
        update["einvoice"] = _registration(registration)
    if balance_after is not None:
        update["points_balance_after"] = balance_after
    try:
        # validated again: a letterhead must be the document's own supplier
        job = PrintJob.model_validate({**dict(job), **update})
    except ValueError as exc:
        raise InvalidInput.one("--letterhead", letterhead, str(exc)) from None
    pdf = render(job, "receipt" if fmt == "receipt" else "a4")
    Path(out).write_bytes(pdf)
    n = len(marks)
    click.echo(f"wrote {out}: {job.invoice.number}, {fmt}, {n} cop{'y' if n == 1 else 'ies'}")
