"""`loyalty-gst einvoice build|submit|get|cancel|pdf`: IRP e-invoices from the command line.

FILE may be a Sale (computed here), a TaxedInvoice, or an INV-01 payload. The IRP is
configured by options or LOYALTY_GST_IRP_* variables (see einvoice.config); every
exchange is kept in the e-invoice log of --db (default: $LOYALTY_GST_DB or the SQLite
file). Invalid payloads exit 2 listing each problem with its IRP code; IRP refusals
and outages exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from einvoice import builder, qr, validator
from einvoice.client import IrpClient, Registration
from einvoice.config import from_env
from einvoice.log import EinvoiceLog
from einvoice.schema import Inv01, dumps, to_dict
from loyalty_gst import gst
from loyalty_gst.cli.invoice import read_text, taxed_invoice
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.validation import load_json, parse_sale

NOT_REGISTERED = "NOT REGISTERED WITH THE IRP — no IRN; this is not a valid e-invoice"


def _invoice_or_payload(path: str, sandbox: bool) -> tuple[TaxedInvoice | None, dict[str, Any]]:
    text = read_text(path)
    data = load_json(text, source=path, marked=True)
    if isinstance(data, dict) and "DocDtls" in data:
        return None, load_json(text, source=path)  # an INV-01 payload: its numbers are JSON's
    if isinstance(data, dict) and "totals" in data:
        inv = taxed_invoice(data)
    else:
        inv = gst.compute(parse_sale(data, sandbox=sandbox))
    return inv, to_dict(builder.build(inv))


def _checked(
    path: str, sandbox: bool, today: str | None, window: int | None
) -> tuple[TaxedInvoice | None, Inv01]:
    inv, data = _invoice_or_payload(path, sandbox)
    settings = validator.Settings(
        sandbox=sandbox,
        today=dt.date.fromisoformat(today) if today else None,
        reporting_window_days=window,
    )
    problems = validator.validate(data, settings)
    if problems:
        raise InvalidInput(problems)
    model, _ = validator.parse(data)
    assert model is not None
    return inv, model


def _check_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--sandbox", is_flag=True, help="NIC sandbox GSTINs (no check character).")(
        fn
    )
    fn = click.option("--today", help="Reporting date for the date rules (YYYY-MM-DD).")(fn)
    return click.option(
        "--window-days", type=int, help="Reject documents older than N days (2305; AATO ≥ ₹10 cr)."
    )(fn)


def _irp_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for name in ("base-url", "gstin", "username", "password", "client-id", "client-secret"):
        fn = click.option(
            f"--{name}",
            help=f"IRP {name} (else $LOYALTY_GST_IRP_{name.upper().replace('-', '_')}).",
        )(fn)
    fn = click.option("--public-key", help="Path to the IRP's PEM public key.")(fn)
    return click.option("--db", help="Database URL for the e-invoice log.")(fn)


def _client(opts: dict[str, Any]) -> IrpClient:
    import sqlalchemy as sa

    from loyalty_gst.store.engine import default_url, normalise_url

    cfg = from_env(
        base_url=opts.get("base_url"),
        gstin=opts.get("gstin"),
        username=opts.get("username"),
        password=opts.get("password"),
        client_id=opts.get("client_id"),
        client_secret=opts.get("client_secret"),
        public_key=opts.get("public_key"),
    )
    engine = sa.create_engine(normalise_url(opts.get("db") or default_url()))
    return IrpClient(cfg, log_store=EinvoiceLog(engine))


def _echo(reg: Registration) -> None:
    click.echo(reg.model_dump_json(indent=2))


@click.group()
def einvoice() -> None:
    """IRP e-invoices (INV-01 v1.1): build, submit, get, cancel, print."""


@einvoice.command()
@click.argument("file", metavar="SALE.json")
@_check_options
def build(file: str, sandbox: bool, today: str | None, window_days: int | None) -> None:
    """Print the INV-01 payload; exit 2 with every problem (and its IRP code) if invalid."""
    _, payload = _checked(file, sandbox, today, window_days)
    click.echo(dumps(payload, indent=2))


@einvoice.command()
@click.argument("file", metavar="SALE.json")
@_check_options
@_irp_options
def submit(
    file: str, sandbox: bool, today: str | None, window_days: int | None, **opts: Any
) -> None:
    """Register the document with the IRP; print IRN, Ack No/Date and the signed data."""
    _, payload = _checked(file, sandbox, today, window_days)
    _echo(_client(opts).generate(payload))


@einvoice.command()
@click.option("--irn", help="The IRN.")
@click.option("--doc", nargs=3, metavar="TYP NO DD/MM/YYYY", help="Or: type, number, date.")
@_irp_options
def get(irn: str | None, doc: tuple[str, str, str] | None, **opts: Any) -> None:
    """Fetch a registered e-invoice by IRN or by document details."""
    if not irn and not doc:
        raise InvalidInput.one("--irn", None, "give --irn IRN or --doc TYP NO DD/MM/YYYY")
    client = _client(opts)
    _echo(client.get_by_irn(irn) if irn else client.get_by_doc(*doc))  # type: ignore[misc]


@einvoice.command()
@click.argument("irn")
@click.option(
    "--reason",
    type=click.Choice(["1", "2", "3", "4"]),
    required=True,
    help="1 duplicate, 2 data entry mistake, 3 order cancelled, 4 others.",
)
@click.option("--remarks", default="", help="Up to 100 characters.")
@_irp_options
def cancel(irn: str, reason: str, remarks: str, **opts: Any) -> None:
    """Cancel an IRN (within 24 hours of its generation)."""
    when = _client(opts).cancel(irn, reason, remarks)
    click.echo(json.dumps({"Irn": irn, "CancelDate": when.strftime("%Y-%m-%d %H:%M:%S")}))


@einvoice.command()
@click.argument("file", metavar="SALE.json")
@click.option("--registration", type=click.Path(exists=True), help="JSON printed by submit/get.")
@click.option("--cert", type=click.Path(exists=True), help="IRP signing certificate (verifies).")
@click.option("-o", "--out", "out", required=True, type=click.Path(), help="PDF to write.")
@_check_options
def pdf(
    file: str,
    registration: str | None,
    cert: str | None,
    out: str,
    sandbox: bool,
    today: str | None,
    window_days: int | None,
) -> None:
    """Print the e-invoice PDF (NOT REGISTERED when no --registration is given)."""
    from loyalty_gst.printing import PrintJob, render

    inv, _ = _checked(file, sandbox, today, window_days)
    if inv is None:
        raise InvalidInput.one(
            "file", file, "the PDF is printed from the Sale or TaxedInvoice, not the INV-01 payload"
        )
    reg = None
    if registration:
        reg = Registration.model_validate_json(Path(registration).read_text(encoding="utf-8"))
        if cert:
            qr.verify(reg.signed_qr, Path(cert).read_bytes())
            qr.verify(reg.signed_invoice, Path(cert).read_bytes())
    job = PrintJob(
        invoice=inv,
        einvoice=reg.printed() if reg else None,
        banner=None if reg else NOT_REGISTERED,
    )
    Path(out).write_bytes(render(job))
    click.echo(f"wrote {out}" + ("" if reg else " (NOT REGISTERED)"))
