"""`loyalty-gst …`: one click group; each room adds its commands as a lazily loaded module.

Errors are translated once here: `InvalidInput` → the problems on stderr, exit 2;
any other `LoyaltyGstError` → its message, exit 1.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from loyalty_gst.errors import InvalidInput, LoyaltyGstError

# command name -> "module:attribute" of a click command or group (loaded on use)
COMMANDS: dict[str, str] = {
    "invoice": "loyalty_gst.cli.invoice:invoice",
    "credit-note": "loyalty_gst.cli.invoice:credit_note",
    "schema": "loyalty_gst.cli.invoice:schema",
    "demo": "loyalty_gst.cli.demo:demo",
    "gstr1": "loyalty_gst.cli.gstr1:gstr1",
    "ledger": "loyalty_gst.cli.ledger:ledger",
    "tally": "loyalty_gst.cli.tally:tally",
    "einvoice": "loyalty_gst.cli.einvoice:einvoice",
    "serve": "loyalty_gst.cli.serve:serve",
    "tokens": "loyalty_gst.cli.tokens:tokens",
    "pos": "loyalty_gst.cli.pos:pos",
    "setup": "loyalty_gst.cli.setup:setup",
    "report": "loyalty_gst.cli.report:report",
    "print": "loyalty_gst.cli.documents:print_",
    "reconcile": "loyalty_gst.cli.reconcile:reconcile",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        cmd: click.Command = getattr(importlib.import_module(module), attr)
        return cmd

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            click.echo(f"error: {len(exc.problems)} problem(s) in the input:", err=True)
            for p in exc.problems:
                click.echo(f"  - {p}", err=True)
            sys.exit(2)
        except LoyaltyGstError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_LazyGroup)
@click.version_option(package_name="loyalty-gst")
def main() -> None:
    """loyalty-gst: one loyalty ledger; redemptions as pre-tax GST discounts."""
