"""`loyalty-gst pos …`: a POS terminal (local SQLite cache + outbox) against the API.

The terminal's token is read from $LOYALTY_GST_POS_TOKEN or --token-file, never from the
command line (it would show in process lists) and never printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from loyalty_gst.ids.mobile import mask


def _token(token_file: str | None, env: str = "LOYALTY_GST_POS_TOKEN") -> str:
    if token_file:
        return Path(token_file).read_text(encoding="utf-8").strip()
    value = os.environ.get(env)
    if not value:
        raise click.UsageError(f"set ${env} or --token-file")
    return value


@click.group()
@click.option(
    "--server", envvar="LOYALTY_GST_POS_SERVER", default="http://127.0.0.1:8700", show_default=True
)
@click.option("--token-file", default=None, help="File holding the terminal's token.")
@click.option("--db", "db_path", default="pos.sqlite", show_default=True)
@click.option("--store", "store_code", required=True, help="Store code, e.g. MUM-BAN.")
@click.option("--terminal", "terminal_id", required=True, help="Till name (1–2 characters).")
@click.pass_context
def pos(
    ctx: click.Context,
    server: str,
    token_file: str | None,
    db_path: str,
    store_code: str,
    terminal_id: str,
) -> None:
    """A POS terminal that keeps billing offline and syncs on reconnect."""
    ctx.obj = {
        "server": server,
        "token_file": token_file,
        "db": db_path,
        "store": store_code,
        "terminal": terminal_id,
    }


def _terminal(ctx: click.Context) -> Any:
    from loyalty_gst.pos import Terminal

    o = ctx.obj
    return Terminal(
        server=o["server"],
        token=_token(o["token_file"]),
        db_path=o["db"],
        store_code=o["store"],
        terminal_id=o["terminal"],
    )


@pos.command()
@click.argument("mobile")
@click.pass_context
def lookup(ctx: click.Context, mobile: str) -> None:
    """Balance of a customer (online, else as last synced)."""
    t = _terminal(ctx)
    data = t.lookup(mobile)
    where = "cached" if data.get("offline") else "live"
    click.echo(
        f"{mask(mobile)}: balance {data['balance']}, available {data['available']}, "
        f"tier {data['tier']} ({where})"
    )


@pos.command()
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Push the outbox; refresh balances."""
    t = _terminal(ctx)
    t.refresh_program()
    r = t.sync()
    click.echo(json.dumps(r.__dict__))


@pos.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Outbox counts and the points redeemed offline (the exposure)."""
    click.echo(json.dumps(_terminal(ctx).status()))


@pos.command()
@click.option(
    "--app-token-env",
    default="LOYALTY_GST_APP_TOKEN",
    show_default=True,
    help="Env var with an app-channel token (the customers' phones).",
)
@click.option(
    "--customers",
    "customers_file",
    required=True,
    type=click.Path(exists=True),
    help="JSON list of member mobile numbers.",
)
@click.option("--sales", default=100, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--offline", "offline", default=None, help="A:B — sales A..B-1 with the line down.")
@click.option("--crash-after", default=0, help="SIGKILL itself right after the Nth receipt.")
@click.option("--receipts", default=None, help="Append each printed receipt to this file.")
@click.option("--pause", default=0.0, help="Seconds between sales.")
@click.option("--summary", default=None, help="Write the JSON summary here (else stdout).")
@click.pass_context
def simulate(
    ctx: click.Context,
    app_token_env: str,
    customers_file: str,
    sales: int,
    seed: int,
    offline: str | None,
    crash_after: int,
    receipts: str | None,
    pause: float,
    summary: str | None,
) -> None:
    """Run a terminal through a stretch of mixed sales (tests, benchmark, demo)."""
    from loyalty_gst.pos.simulate import Plan, main

    o = ctx.obj
    a, b = (int(x) for x in offline.split(":")) if offline else (-1, -1)
    plan = Plan(
        server=o["server"],
        token=_token(o["token_file"]),
        app_token=_token(None, app_token_env),
        db_path=o["db"],
        store_code=o["store"],
        terminal_id=o["terminal"],
        customers=json.loads(Path(customers_file).read_text(encoding="utf-8")),
        sales=sales,
        seed=seed,
        offline_from=a,
        offline_to=b,
        crash_after=crash_after,
        receipts=receipts,
        pause=pause,
    )
    main(plan, summary)
