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
    try:
        from loyalty_gst.erpnext.store_bridge import site_url

        os.environ["LOYALTY_GST_DB"] = site_url()
    finally:
        frappe.destroy()
    from loyalty_gst.cli import main

    main.main(args=list(args), prog_name="bench --site SITE loyalty-gst")


commands = [loyalty_gst]
