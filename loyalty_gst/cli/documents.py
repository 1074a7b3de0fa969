"""`loyalty-gst print`: a GST document as PDF — A4 or the 80 mm till receipt.

FILE is a Sale (priced here, as `loyalty-gst invoice` does) or a TaxedInvoice, in JSON;
with --db it is the number of a document the ledger stored (then the member's points
balance after it comes from the ledger). --registration adds the IRP's IRN, Ack and
signed QR (the JSON `einvoice submit` prints); --letterhead the company's particulars.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import click

from loyalty_gst import gst
from loyalty_gst.cli.invoice import read_text
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.printing.particulars import CopyMark, EInvoiced, Letterhead
from loyalty_gst.validation import load_json, parse_sale

MARKS: tuple[CopyMark, ...] = get_args(CopyMark)


def parse_copies(spec: str | None) -> tuple[CopyMark, ...]:
    """'2' → original, duplicate; 'original,triplicate' → those; None → original."""
    if not spec:
        return ("original",)
    if spec.isdigit():
        n = int(spec)
        if not 1 <= n <= len(MARKS):
            raise InvalidInput.one("--copies", spec, "1, 2 or 3 (or names of copies)")
        return MARKS[:n]
    names = tuple(x.strip().lower() for x in spec.split(",") if x.strip())
    wrong = [x for x in names if x not in MARKS]
    if wrong or not names or len(set(names)) != len(names):
        raise InvalidInput.one(
            "--copies", spec, "a count 1-3 or distinct names: original, duplicate, triplicate"
        )
    return names  # type: ignore[return-value]


def invoice_from_file(path: str, sandbox: bool) -> TaxedInvoice:
    data = load_json(read_text(path))
    if isinstance(data, dict) and "totals" in data:
        try:
            return TaxedInvoice.model_validate(data)
        except ValueError as exc:
            raise InvalidInput.one("<file>", path, f"not a TaxedInvoice: {exc}") from None
    return gst.compute(parse_sale(data, sandbox=sandbox))


def _stored(number: str, db: str, gstin: str | None) -> tuple[TaxedInvoice, int | None]:
    from loyalty_gst.store import invoices as docs
    from loyalty_gst.store import open_store

    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            found = [
                d
                for d in docs.by_number(conn, number)
                if gstin is None or d.invoice.seller.gstin == gstin
            ]
            if not found:
                raise InvalidInput.one("number", number, "no stored document with this number")
            if len(found) > 1:
                gstins = ", ".join(d.invoice.seller.gstin for d in found)
                raise InvalidInput.one(
                    "number", number, f"issued by more than one registration ({gstins}): --gstin"
                )
            doc = found[0]
            balance = None
            if doc.account_id is not None:
                inv = doc.invoice
                balance = docs.balance_after(conn, doc.account_id, inv.seller.gstin, inv.number)
            return doc.invoice, balance
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
    from loyalty_gst.printing import PrintJob, render

    marks = parse_copies(copies)
    balance: int | None = None
    if db:
        inv, balance = _stored(file, db, gstin)
    else:
        inv = invoice_from_file(file, sandbox)
    try:
        job = PrintJob(
            invoice=inv,
            letterhead=_letterhead(letterhead) if letterhead else None,
            einvoice=_registration(registration) if registration else None,
            points_balance_after=balance_after if balance_after is not None else balance,
            copies=marks,
        )
    except ValueError as exc:
        raise InvalidInput.one("--letterhead", letterhead, str(exc)) from None
    pdf = render(job, "receipt" if fmt == "receipt" else "a4")
    Path(out).write_bytes(pdf)
    n = len(marks)
    click.echo(f"wrote {out}: {inv.number}, {fmt}, {n} cop{'y' if n == 1 else 'ies'}")
