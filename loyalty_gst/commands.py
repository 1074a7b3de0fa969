"""`bench --site S loyalty-gst …`: the `loyalty-gst` CLI (every command registered in
`loyalty_gst.cli.COMMANDS`: ledger, einvoice, gstr1, tally, …) run against the site's
ledger — $LOYALTY_GST_DB is pointed at the site database before the CLI starts.
Frappe's bench reads `commands` from this module; it imports nothing heavy until used.
"""

from __future__ import annotations

import os

import click


@click.command(
    "loyalty-gst",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def loyalty_gst(ctx: click.Context, args: tuple[str, ...]) -> None:
    """loyalty-gst commands on this site's ledger (try: bench --site S loyalty-gst --help)."""
    import frappe
    from frappe.commands import get_site

    site = get_site(frappe._dict(ctx.obj or {}))
    frappe.init(site=site)
    frappe.connect()
    argv = list(args)
    try:
        from loyalty_gst.erpnext.store_bridge import site_url

        os.environ["LOYALTY_GST_DB"] = site_url()
        argv = _invoice_by_name(argv)
    finally:
        frappe.destroy()
    from loyalty_gst.cli import main

    main.main(args=argv, prog_name="bench --site SITE loyalty-gst")


def _invoice_by_name(argv: list[str]) -> list[str]:
    """`einvoice SINV-…` (an invoice name, not a subcommand): the invoice's TaxedInvoice
    (ERPNext's numbers) written to a file, then `einvoice build FILE`, or `einvoice submit
    FILE` when --submit or an IRP option (--base-url …, e.g. the stand-in's) is given."""
    from loyalty_gst.cli.einvoice import einvoice

    if len(argv) < 2 or argv[0] != "einvoice" or argv[1] in einvoice.commands:
        return argv
    if argv[1].startswith("-"):
        return argv
    import tempfile

    from loyalty_gst.erpnext.by_name import taxed_invoice_named
    from loyalty_gst.errors import LoyaltyGstError

    try:
        invoice = taxed_invoice_named(argv[1])
    except LoyaltyGstError as exc:
        raise click.ClickException(str(exc)) from None
    rest = [a for a in argv[2:] if a != "--submit"]
    irp = any(a.split("=")[0] in _IRP_OPTIONS for a in rest)
    sub = "submit" if "--submit" in argv[2:] or irp else "build"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        fh.write(invoice.model_dump_json())
    return ["einvoice", sub, fh.name, *rest]


_IRP_OPTIONS = {
    "--base-url", "--gstin", "--username", "--password", "--client-id", "--client-secret",
    "--public-key", "--db",
}  # fmt: skip


commands = [loyalty_gst]
