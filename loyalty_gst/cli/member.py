"""`loyalty-gst member export|erase|consent`: a member's data under the DPDP Act — their
copy as JSON, erasure (a keyed-hash pseudonym; invoices and chains kept), and the
consents in force."""

from __future__ import annotations

import json

import click

from loyalty_gst.store import default_url, open_existing


def _account(store: object, mobile: str | None, account: int | None) -> int:
    from loyalty_gst import identity
    from loyalty_gst.errors import InvalidInput

    if (mobile is None) == (account is None):
        raise InvalidInput.one("--mobile/--account", None, "give one of --mobile or --account")
    if account is not None:
        return account
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return identity.resolve(conn, phone=mobile).id


@click.group()
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.pass_context
def member(ctx: click.Context, url: str | None) -> None:
    """A member's data: export, erase, consents."""
    ctx.obj = {"url": url}


@member.command()
@click.option("--mobile", default=None, help="The member's mobile number.")
@click.option("--account", type=int, default=None, help="Or the account id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-", show_default=True)
@click.pass_context
def export(ctx: click.Context, mobile: str | None, account: int | None, output: str) -> None:
    """The member's data as JSON (account, lots, entries, consents, messages, documents)."""
    from loyalty_gst.privacy import export as make

    store = open_existing(ctx.obj["url"])
    try:
        body = make(store, account_id=_account(store, mobile, account))
    finally:
        store.dispose()
    text = json.dumps(body, ensure_ascii=False, indent=1, default=str)
    if output == "-":
        click.echo(text)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        click.echo(f"wrote {output}", err=True)


@member.command()
@click.option("--mobile", default=None, help="The member's mobile number.")
@click.option("--account", type=int, default=None, help="Or the account id.")
@click.option("--yes", is_flag=True, help="Erase without asking.")
@click.pass_context
def erase(ctx: click.Context, mobile: str | None, account: int | None, yes: bool) -> None:
    """Erase the member's personal data (the books are kept)."""
    from loyalty_gst.privacy import erase as do

    store = open_existing(ctx.obj["url"])
    try:
        i = _account(store, mobile, account)
        if not yes:
            click.confirm(f"erase account {i}'s name, number and contact for good?", abort=True)
        done = do(store, account_id=i)
    finally:
        store.dispose()
    click.echo(
        f"account {done.account_id} {'was already' if done.already else ''} erased".replace(
            "  ", " "
        )
    )


@member.command()
@click.option("--mobile", default=None, help="The member's mobile number.")
@click.option("--account", type=int, default=None, help="Or the account id.")
@click.pass_context
def consent(ctx: click.Context, mobile: str | None, account: int | None) -> None:
    """The consents in force, by purpose (when, through which channel, which wording)."""
    from loyalty_gst.privacy import consent as c

    store = open_existing(ctx.obj["url"])
    try:
        i = _account(store, mobile, account)
        with store.engine.connect() as conn:
            now = c.current(conn, i)
    finally:
        store.dispose()
    for p in c.PURPOSES:
        d = now.get(p)
        click.echo(
            f"{p:10} {'yes' if d and d.granted else 'no':4} "
            + (f"{d.at} {d.channel} {d.wording}" if d else "never asked")
        )
