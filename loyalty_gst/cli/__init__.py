"""`loyalty-gst …`: one click group; each room adds its commands as a lazily loaded module.

Errors are translated once here (`cli.failures`): bad input → every problem on stderr,
one line each, exit 2; a refusal or a failed check → one line, exit 1; never a
traceback. `--help` on any command or subcommand prints its help without running a
group's callback or asking for its required options (so it opens no database).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

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
    "standin": "loyalty_gst.cli.standin:standin",
    "member": "loyalty_gst.cli.member:member",
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

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, False, **extra)
        from loyalty_gst.cli.failures import report

        try:
            text = help_of(self, argv, prog_name or "loyalty-gst")
            if text is not None:
                click.echo(text)
                sys.exit(0)
            rv = super().main(argv, prog_name, complete_var, False, **extra)
        except SystemExit:
            raise
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        except BaseException as exc:  # every failure ends in one place, as plain lines
            sys.exit(report(exc))
        sys.exit(rv if isinstance(rv, int) else 0)


def _rest(ctx: click.Context) -> list[str]:
    protected = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
    return [*protected, *ctx.args]


def help_of(root: click.Command, argv: list[str], prog: str) -> str | None:
    """The help of the command whose own arguments hold --help, found by parsing leniently
    (no callbacks, no required options), or None when no --help was asked for."""
    if "--help" not in argv:
        return None
    ctx = root.make_context(prog, list(argv), resilient_parsing=True)
    cmd, tokens = root, argv
    while isinstance(cmd, click.Group):
        rest = _rest(ctx)
        own = tokens[: len(tokens) - len(rest)]
        if "--help" in own or not rest:
            break
        name, sub, sub_args = cmd.resolve_command(ctx, rest)
        if sub is None or name is None:
            break
        ctx = sub.make_context(name, list(sub_args), parent=ctx, resilient_parsing=True)
        cmd, tokens = sub, list(sub_args)
    return ctx.get_help()


@click.group(cls=_LazyGroup, name="loyalty-gst")
@click.version_option(package_name="loyalty-gst")
def main() -> None:
    """loyalty-gst: one loyalty ledger; redemptions as pre-tax GST discounts."""
