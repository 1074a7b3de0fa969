"""`loyalty-gst pos …`: a POS terminal (local SQLite cache + outbox) against the API.

The terminal's token is read from $LOYALTY_GST_POS_TOKEN or --token-file, never from the
command line (it would show in process lists) and never printed. With the server down,
`sync` says so in one line, keeps every sale in the outbox and exits 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from loyalty_gst.cli.show import console, emit_json, json_option, points, table
from loyalty_gst.errors import InvalidInput
from loyalty_gst.ids.mobile import mask


def _token(token_file: str | None, env: str = "LOYALTY_GST_POS_TOKEN") -> str:
    if token_file:
        try:
            return Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput.one("--token-file", token_file, f"cannot read: {exc}") from None
    value = os.environ.get(env)
    if not value:
        raise InvalidInput.one(f"${env}", None, f"set ${env} or --token-file")
    return value


@click.group()
@click.option(
    "--server", envvar="LOYALTY_GST_POS_SERVER", default="http://127.0.0.1:8700", show_default=True
)
@click.option("--token-file", default=None, help="File holding the terminal's token.")
@click.option("--db", "db_path", default="pos.sqlite", show_default=True)
@click.option("--store", "store_code", default=None, help="Store code, e.g. MUM-BAN (required).")
@click.option(
    "--terminal", "terminal_id", default=None, help="Till name, 1–2 characters (required)."
)
@click.pass_context
def pos(
    ctx: click.Context,
    server: str,
    token_file: str | None,
    db_path: str,
    store_code: str | None,
    terminal_id: str | None,
) -> None:
    """A POS terminal that keeps billing offline and syncs on reconnect."""
    ctx.obj = {
        "server": server,
        "token_file": token_file,
        "db": db_path,
        "store": store_code,
        "terminal": terminal_id,
    }


def _required(o: dict[str, Any]) -> None:
    missing = [f"--{k}" for k in ("store", "terminal") if not o[k]]
    if missing:
        raise click.UsageError(f"missing {' and '.join(missing)} (pos --store S --terminal T …)")
    t = o["terminal"]
    if not (1 <= len(t) <= 2 and t.isascii() and t.isalnum()):
        raise InvalidInput.one("--terminal", t, "a till name is 1–2 letters or digits")


def terminal_of(ctx: click.Context) -> Any:
    from loyalty_gst.pos import Terminal

    o = ctx.obj
    _required(o)
    token = _token(o["token_file"])
    try:
        return Terminal(
            server=o["server"],
            token=token,
            db_path=o["db"],
            store_code=o["store"],
            terminal_id=o["terminal"],
        )
    except StopIteration:
        raise InvalidInput.one("--store", o["store"], "no such store") from None


def _unreachable(ctx: click.Context, t: Any) -> click.exceptions.Exit:
    kept = t.pending()
    click.echo(
        f"server {ctx.obj['server']} unreachable; {kept} sale(s) kept in the outbox "
        "(nothing lost: run `pos sync` again when it is back)",
        err=True,
    )
    return click.exceptions.Exit(1)


@pos.command()
@click.argument("mobile")
@json_option
@click.pass_context
def lookup(ctx: click.Context, mobile: str, as_json: bool) -> None:
    """Balance of a customer (online, else as last synced)."""
    from loyalty_gst.identity import normal_mobile

    phone = normal_mobile(mobile)
    t = terminal_of(ctx)
    data = t.lookup(phone)
    where = "cached" if data.get("offline") else "live"
    if as_json:
        emit_json({**data, "mobile": mask(phone), "source": where})
        return
    click.echo(
        f"{mask(phone)}: balance {points(data['balance'])}, available "
        f"{points(data['available'])}, tier {data['tier']} ({where})"
    )


@pos.command()
@json_option
@click.pass_context
def sync(ctx: click.Context, as_json: bool) -> None:
    """Push the outbox; refresh balances. Server down: one line, exit 1, nothing lost."""
    from loyalty_gst.pos import Offline

    t = terminal_of(ctx)
    try:
        t.refresh_program()
        r = t.sync()
    except Offline:
        raise _unreachable(ctx, t) from None
    if as_json:
        emit_json(r.__dict__)
        return
    left = t.pending()
    click.echo(
        f"synced: {r.sent} sent — {r.applied} applied, {r.replayed} already there, "
        f"{r.rejected} rejected, {r.voided} voided, {r.abandoned} abandoned; "
        f"{left} left in the outbox"
    )
    if r.rejected:
        raise click.exceptions.Exit(1)


@pos.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Outbox counts and the points redeemed offline (the exposure)."""
    data = terminal_of(ctx).status()
    if as_json:
        emit_json(data)
        return
    t = table(f"till {ctx.obj['store']}/{ctx.obj['terminal']} outbox", "status", "events",
              right=("events",))  # fmt: skip
    for name, n in sorted(data["outbox"].items()):
        t.add_row(str(name), f"{n:,}")
    out = console()
    out.print(t)
    out.print(
        f"waiting to sync: {data['pending']:,}; points redeemed offline: "
        f"{points(data['offline_points'])}"
    )


@pos.command()
@click.option(
    "--customers",
    "customers_file",
    required=True,
    type=click.Path(exists=True),
    help="JSON: a list of member mobile numbers, or {mobile: the member's session} (their "
    "phones then show app codes).",
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
    listed = json.loads(Path(customers_file).read_text(encoding="utf-8"))
    members = dict(listed) if isinstance(listed, dict) else {}
    plan = Plan(
        server=o["server"],
        token=_token(o["token_file"]),
        members=members,
        db_path=o["db"],
        store_code=o["store"],
        terminal_id=o["terminal"],
        customers=list(listed),
        sales=sales,
        seed=seed,
        offline_from=a,
        offline_to=b,
        crash_after=crash_after,
        receipts=receipts,
        pause=pause,
    )
    main(plan, summary)


def _desk() -> None:
    """Billing from the desk: `pos sell`, `pos return` (loyalty_gst.cli.pos_desk)."""
    from loyalty_gst.cli.pos_desk import return_, sell

    pos.add_command(sell)
    pos.add_command(return_)


_desk()
