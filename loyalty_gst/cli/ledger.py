"""`loyalty-gst ledger balance|history|verify|expire|cancel|import`: the points ledger by hand.

`--db URL` picks the database (default $LOYALTY_GST_DB or ./loyalty.sqlite; also
postgresql://… and mariadb://…). `import` loads legacy balances from CSV
(phone, points, expiry): every row is checked first, bad rows are written to an error
report and left out, and the good rows load in one transaction — all or nothing.
Mobile numbers are shown masked.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from loyalty_gst import program as pg
from loyalty_gst import service
from loyalty_gst.errors import InvalidInput
from loyalty_gst.identity import normal_mobile, phone_ref
from loyalty_gst.ids.mobile import mask
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store, default_url, open_store


def _store(ctx: click.Context) -> Store:
    store: Store = ctx.obj["store"]
    return store


@click.group()
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.pass_context
def ledger(ctx: click.Context, url: str | None) -> None:
    """The points ledger: balances, history, verification, expiry, legacy import."""
    ctx.obj = {"store": open_store(url)}
    ctx.call_on_close(ctx.obj["store"].dispose)


@ledger.command()
@click.argument("phone")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def balance(ctx: click.Context, phone: str, as_json: bool) -> None:
    """Balance, points available today, tier and lots of a customer."""
    b = service.lookup(_store(ctx), phone)
    if as_json:
        click.echo(b.model_dump_json(indent=2))
        return
    click.echo(
        f"{b.mobile}  tier {b.tier}  balance {b.balance}  available {b.available}  held {b.held}"
    )
    for lot in b.lots:
        click.echo(f"  {lot.points:>8} expiring {lot.expires_on}")


@ledger.command()
@click.argument("phone")
@click.pass_context
def history(ctx: click.Context, phone: str) -> None:
    """Every entry of a customer's account, oldest first."""
    table = Table("seq", "at (UTC)", "kind", "points", "key", "detail")
    for e in service.history(_store(ctx), phone):
        detail = json.dumps({k: v for k, v in e.body.items() if k != "lots"}, ensure_ascii=False)
        table.add_row(str(e.seq), e.at[:19], e.kind, f"{e.points:+d}", e.key, detail)
    Console().print(table)


@ledger.command()
@click.option("--account", type=int, default=None, help="Only this account id.")
@click.pass_context
def verify(ctx: click.Context, account: int | None) -> None:
    """Check every account's hash chain, balance and lots; exit 1 on any problem."""
    problems = service.verify(_store(ctx), account_id=account)
    if not problems:
        click.echo("ok: every chain intact, balances agree with entries and lots")
        return
    for p in problems:
        click.echo(f"  - {p}", err=True)
    raise click.exceptions.Exit(1)


@ledger.command()
@click.option("--as-of", "as_of", default=None, help="Expire lots due by this date [today].")
@click.pass_context
def expire(ctx: click.Context, as_of: str | None) -> None:
    """Expire every lot whose expiry date has come."""
    day = dt.date.fromisoformat(as_of) if as_of else dt.datetime.now(IST).date()
    done = service.expire(_store(ctx), as_of=day)
    click.echo(f"expired {done.points} points on {done.accounts} account(s) as of {day}")


@ledger.command()
@click.argument("number")
@click.option("--seller", "seller_gstin", required=True, help="The seller GSTIN of the invoice.")
@click.option("--reason", required=True, help="Why it is cancelled (kept with the record).")
@click.pass_context
def cancel(ctx: click.Context, number: str, seller_gstin: str, reason: str) -> None:
    """Cancel invoice NUMBER: redeemed points back, earned points taken back, and GSTR-1
    lists it as cancelled. Refused when credit notes exist against it."""
    done = service.void(
        _store(ctx), invoice_number=number, seller_gstin=seller_gstin.upper(),
        key=f"cancel:{seller_gstin.upper()}:{number}", reason=reason,
    )  # fmt: skip
    click.echo(
        f"{number} cancelled{' (already)' if done.replayed else ''}: "
        f"{done.points_restored} points restored, {done.points_reversed} reversed"
        + (f", balance {done.balance}" if done.balance is not None else "")
    )


@dataclass(frozen=True)
class Row:
    line: int
    phone: str
    points: int
    expiry: dt.date


def parse_rows(path: Path, today: dt.date) -> tuple[list[Row], list[tuple[int, str, str]]]:
    """Good rows, and (line, masked phone, reason) for every bad one."""
    good: list[Row] = []
    bad: list[tuple[int, str, str]] = []
    seen: set[tuple[str, dt.date]] = set()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"phone", "points", "expiry"} - set(reader.fieldnames or ())
        if missing:
            raise InvalidInput.one("<header>", reader.fieldnames, f"missing {sorted(missing)}")
        for line, rec in enumerate(reader, start=2):
            raw = (rec.get("phone") or "").strip()
            try:
                phone = normal_mobile(raw)
                points = int((rec.get("points") or "").strip())
                if points <= 0:
                    raise ValueError("points must be a positive whole number")
                expiry = dt.date.fromisoformat((rec.get("expiry") or "").strip())
                if expiry <= today:
                    raise ValueError(f"expiry {expiry} is not after today")
                if (phone, expiry) in seen:
                    raise ValueError("duplicate row for this phone and expiry")
                seen.add((phone, expiry))
            except (ValueError, InvalidInput) as exc:
                bad.append((line, mask(raw), str(exc)))
                continue
            good.append(Row(line, phone, points, expiry))
    return good, bad


@ledger.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", "errors_file", type=click.Path(path_type=Path), default=None,
              help="Per-row error report [CSV_FILE.errors.csv].")  # fmt: skip
@click.option("--source", default="legacy", show_default=True, help="Name of the old system.")
@click.pass_context
def import_(ctx: click.Context, csv_file: Path, errors_file: Path | None, source: str) -> None:
    """Load legacy balances from CSV (phone, points, expiry) as opening lots."""
    store = _store(ctx)
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(IST).date()
    prog = pg.load().active(today)
    good, bad = parse_rows(csv_file, today)
    report = errors_file or csv_file.with_name(csv_file.name + ".errors.csv")
    with report.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["line", "phone", "error"])
        w.writerows(bad)
    by_phone: dict[str, list[Row]] = {}
    for r in good:
        by_phone.setdefault(r.phone, []).append(r)
    loaded = 0
    console = Console(stderr=True)
    # one transaction for every good row: an error midway leaves nothing loaded
    with store.begin() as conn, Progress(console=console, transient=True) as bar:
        task = bar.add_task("importing", total=len(good))
        for phone, rows in by_phone.items():
            parts = ",".join(f"{r.points}@{r.expiry}" for r in rows)
            key = f"import:{source}:{phone_ref(phone)}:{parts}"
            loaded += service.migrate_in(
                conn, phone=phone, lots=[(r.points, r.expiry) for r in rows], key=key,
                program=prog, at=now, source=source,
            )  # fmt: skip
            bar.advance(task, len(rows))
    click.echo(
        f"imported {len(good)} row(s), {loaded} points, {len(by_phone)} customer(s); "
        f"rejected {len(bad)} row(s) → {report}"
    )
    if bad:
        raise click.exceptions.Exit(3)
