"""`loyalty-gst tokens issue|revoke|rotate|list`: API tokens for terminals, channels and admins.
A token's text is printed once, by `issue`, to standard output; only its hash is kept."""

from __future__ import annotations

import click

from loyalty_gst.store import default_url, open_existing, open_store


@click.group()
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.pass_context
def tokens(ctx: click.Context, url: str | None) -> None:
    """API tokens (stored hashed; revocable)."""
    ctx.obj = {"url": url}


def _check_id(token_id: str) -> None:
    import re

    from loyalty_gst.errors import InvalidInput

    if not re.fullmatch(r"[0-9a-f]{16}", token_id):
        raise InvalidInput.one("TOKEN_ID", token_id, "a token id is 16 hex digits (tokens list)")


@tokens.command()
@click.option("--kind", type=click.Choice(["terminal", "channel", "admin"]), required=True)
@click.option("--store", "store_code", default=None, help="Store code, as set up.")
@click.option("--terminal", default=None, help="Till name, for a terminal token.")
@click.pass_context
def issue(ctx: click.Context, kind: str, store_code: str | None, terminal: str | None) -> None:
    """Issue a token and print it once."""
    from loyalty_gst.api import tokens as t

    store = open_store(ctx.obj["url"])
    try:
        done = t.issue(store, kind=kind, store_code=store_code, terminal=terminal)
    finally:
        store.dispose()
    click.echo(done.token)
    where = f" for {done.store_code} ({done.gstin})" if done.store_code else ""
    click.echo(f"issued {kind} token {done.id}{where}", err=True)


@tokens.command()
@click.argument("token_id")
@click.pass_context
def revoke(ctx: click.Context, token_id: str) -> None:
    """Revoke token TOKEN_ID (the id, not the secret)."""
    from loyalty_gst.api import tokens as t

    _check_id(token_id)

    store = open_existing(ctx.obj["url"])
    try:
        ok = t.revoke(store, token_id)
    finally:
        store.dispose()
    if not ok:
        raise click.ClickException(f"no live token {token_id}")
    click.echo(f"revoked {token_id}")


@tokens.command()
@click.argument("token_id")
@click.option("--grace", type=click.IntRange(0, 30 * 86400), default=3600, show_default=True,
              help="Seconds the old token keeps working.")  # fmt: skip
@click.pass_context
def rotate(ctx: click.Context, token_id: str, grace: int) -> None:
    """Issue TOKEN_ID's successor (printed once); the old token stops after --grace."""
    import datetime as dt

    from loyalty_gst.api import tokens as t

    _check_id(token_id)

    store = open_existing(ctx.obj["url"])
    try:
        done = t.rotate(store, token_id, grace=dt.timedelta(seconds=grace))
    finally:
        store.dispose()
    if done is None:
        raise click.ClickException(f"no live token {token_id}")
    click.echo(done.token)
    click.echo(f"rotated {token_id} → {done.id}; {token_id} stops in {grace} s", err=True)


@tokens.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every token: id, kind, store, terminal, revoked (never the secret)."""
    from loyalty_gst.api import tokens as t
    from loyalty_gst.cli.show import console, emit_json, table

    store = open_existing(ctx.obj["url"])
    try:
        rows = list(t.listing(store))
    finally:
        store.dispose()
    if as_json:
        emit_json(
            [
                {"id": r.id, "kind": r.kind, "store": r.store_code, "terminal": r.terminal,
                 "revoked_at": r.revoked_at, "expires_at": t.expires_at(r.kind, r.created_at)}
                for r in rows
            ]
        )  # fmt: skip
        return
    out = table(f"{len(rows)} token(s)", "id", "kind", "store", "till", "state")
    for r in rows:
        state = f"revoked {r.revoked_at}" if r.revoked_at else "live"
        state += f", expires {t.expires_at(r.kind, r.created_at)}"
        out.add_row(r.id, r.kind, r.store_code or "-", r.terminal or "-", state)
    console().print(out)
