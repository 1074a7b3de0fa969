"""`loyalty-gst ledger balance|history|verify|expire|cancel|import`: the points ledger by hand.

`--db URL` picks the database (default $LOYALTY_GST_DB or ./loyalty.sqlite; also
postgresql://… and mariadb://…). Every command but `import` works on a database that
exists (a missing one is an error naming the URL, never a new empty file). `import`
loads legacy balances from CSV (phone, points, expiry): every row is checked first, bad
rows are written to an error report and left out, and the good rows load in one
transaction — all or nothing. Mobile numbers are shown masked; listings print for a
person, `--json` for a machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from loyalty_gst import company, keyfiles, service
from loyalty_gst.cli.params import DATE
from loyalty_gst.cli.show import console, emit_json, json_option, lot_state, points, table
from loyalty_gst.errors import InvalidInput
from loyalty_gst.identity import normal_mobile, phone_ref
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger import checkpoint as cpt
from loyalty_gst.service import checkpoints
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store, default_url, open_existing, open_store


def _store(ctx: click.Context, *, create: bool = False) -> Store:
    """The ledger's store, opened on first use (so `--help` opens nothing)."""
    obj = ctx.find_root().ensure_object(dict)
    if "store" not in obj:
        url = ctx.find_object(_Url)
        target = url.value if url else None
        obj["store"] = open_store(target) if create else open_existing(target)
        ctx.find_root().call_on_close(obj["store"].dispose)
    store: Store = obj["store"]
    return store


@dataclass
class _Url:
    value: str | None


def _today() -> dt.date:
    return dt.datetime.now(IST).date()


@click.group()
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.pass_context
def ledger(ctx: click.Context, url: str | None) -> None:
    """The points ledger: balances, history, verification, expiry, legacy import."""
    ctx.obj = _Url(url)


@ledger.command()
@click.argument("phone")
@json_option
@click.pass_context
def balance(ctx: click.Context, phone: str, as_json: bool) -> None:
    """Balance, points available today, tier and lots of a customer (expired and
    expiring-soon lots marked)."""
    today = _today()
    b = service.lookup(_store(ctx), phone, on=today)
    if as_json:
        data = b.model_dump(mode="json")
        for lot, view in zip(data["lots"], b.lots, strict=True):
            lot["state"] = lot_state(view.expires_on, today) or "valid"
        emit_json(data)
        return
    out = console()
    out.print(
        f"{b.mobile}  tier [bold]{b.tier}[/]  balance [bold]{points(b.balance)}[/]  "
        f"available {points(b.available)}  held {points(b.held)}"
        + (f"  [red]overdraft {points(b.overdraft)}[/]" if b.overdraft else "")
    )
    t = table(None, "points", "expires on", "state", right=("points",))
    for lot in b.lots:
        state = lot_state(lot.expires_on, today)
        style = {"expired": "[red]", "expiring soon": "[yellow]"}.get(state, "")
        t.add_row(points(lot.points), lot.expires_on.isoformat(), f"{style}{state}")
    if b.lots:
        out.print(t)
    expired = sum(lt.points for lt in b.lots if lot_state(lt.expires_on, today) == "expired")
    if expired:
        out.print(f"{points(expired)} expired point(s) not usable; `ledger expire` removes them")


@ledger.command()
@click.argument("phone")
@json_option
@click.pass_context
def history(ctx: click.Context, phone: str, as_json: bool) -> None:
    """Every entry of a customer's account, oldest first."""
    entries = service.history(_store(ctx), phone)
    if as_json:
        emit_json(
            [
                {"seq": e.seq, "at": e.at, "kind": e.kind, "points": e.points, "key": e.key,
                 "body": {k: v for k, v in e.body.items() if k != "lots"}}
                for e in entries
            ]
        )  # fmt: skip
        return
    t = table(None, "seq", "at (UTC)", "kind", "points", "invoice / note", right=("seq", "points"))
    for e in entries:
        doc = " ".join(str(e.body[k]) for k in ("invoice", "note") if e.body.get(k))
        t.add_row(str(e.seq), e.at[:19].replace("T", " "), e.kind, f"{e.points:+,d}", doc)
    console().print(t)


@ledger.command()
@click.option("--account", type=int, default=None, help="Only this account id.")
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also check every chain against the signed checkpoints of this file.",
)
@click.option(
    "--public-key",
    default=None,
    help="The checkpoint key the auditor trusts (base64, as `ledger checkpoint` prints it).",
)
@json_option
@click.pass_context
def verify(
    ctx: click.Context,
    account: int | None,
    checkpoints_file: Path | None,
    public_key: str | None,
    as_json: bool,
) -> None:
    """Check every account's hash chain, balance and lots; exit 1 on any problem. With
    --checkpoints, a chain rewritten and re-hashed, truncated, or an account deleted since
    a signed checkpoint is caught too."""
    store = _store(ctx)
    if account is not None:
        from loyalty_gst import identity
        from loyalty_gst.errors import UnknownCustomer

        with store.engine.connect() as conn:
            try:
                identity.resolve(conn, account_id=account)
            except UnknownCustomer:
                raise InvalidInput.one("--account", account, "no such account") from None
    if public_key is not None:
        if checkpoints_file is None:
            raise InvalidInput.one("--public-key", public_key, "used only with --checkpoints FILE")
        cpt.check_public_key(public_key)
    lines: list[str] | None = None
    if checkpoints_file is not None:
        try:
            lines = checkpoints_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput.one(
                "--checkpoints",
                str(checkpoints_file),
                f"a readable UTF-8 file ({type(exc).__name__})",
            ) from None
    problems = service.verify(store, account_id=account)
    if lines is not None:
        problems += checkpoints.verify(store, lines, trusted_key=public_key)
    if as_json:
        emit_json({"ok": not problems, "problems": [str(p) for p in problems]})
    elif not problems:
        extra = ", every signed checkpoint matches" if checkpoints_file else ""
        click.echo(f"ok: every chain intact, balances agree with entries and lots{extra}")
    else:
        click.echo(f"check failed: {len(problems)} problem(s)", err=True)
        for p in problems:
            click.echo(f"  - {p}", err=True)
    if problems:
        raise click.exceptions.Exit(1)


@ledger.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("checkpoints.jsonl"),
    show_default=True,
    help="The file the checkpoints are appended to (keep it away from the database).",
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The Ed25519 signing key (PEM) [default: $LOYALTY_GST_KEYS/checkpoint.pem, made once].",
)
@click.option(
    "--every",
    type=click.IntRange(1, 31 * 86400),
    default=None,
    help="Repeat every this many seconds (1 s to 31 days); runs until stopped unless --times.",
)
@click.option(
    "--times", type=click.IntRange(min=1), default=None, help="With --every: stop after this many."
)
@click.pass_context
def checkpoint(
    ctx: click.Context, out: Path, key_file: Path | None, every: int | None, times: int | None
) -> None:
    """Sign every account's chain head (Ed25519, key outside the database) and append
    the checkpoint to --out; once, or on a schedule with --every."""
    key = keyfiles.signing_key("checkpoint", key_file)
    done = 0
    while True:
        cp = checkpoints.write(_store(ctx), key, out)
        done += 1
        click.echo(f"checkpoint {cp['at']}: {len(cp['accounts'])} chain heads signed → {out}")
        click.echo(f"public key: {cp['key']}")
        if every is None or (times is not None and done >= times):
            return
        time.sleep(every)


@ledger.command()
@click.option(
    "--as-of", "as_of", type=DATE, default=None, help="Expire lots due by this date [today]."
)
@click.option("--dry-run", is_flag=True, help="List what would expire; change nothing.")
@json_option
@click.pass_context
def expire(ctx: click.Context, as_of: dt.date | None, dry_run: bool, as_json: bool) -> None:
    """Expire every lot whose expiry date has come (--dry-run: list them, change nothing)."""
    day = as_of or _today()
    if dry_run:
        due = service.expiring(_store(ctx), as_of=day)
        total, accounts = sum(d.points for d in due), len({d.account_id for d in due})
        if as_json:
            emit_json({"dry_run": True, "as_of": day, "points": total, "accounts": accounts,
                       "lots": [d.model_dump(mode="json") for d in due]})  # fmt: skip
            return
        t = table(f"would expire as of {day}", "customer", "points", "expired on",
                  right=("points",))  # fmt: skip
        for d in due:
            t.add_row(d.mobile, points(d.points), d.expires_on.isoformat())
        if due:
            console().print(t)
        click.echo(
            f"dry run: {points(total)} points on {accounts} account(s) would expire as of "
            f"{day}; nothing changed"
        )
        return
    done = service.expire(_store(ctx), as_of=day)
    if as_json:
        emit_json({"dry_run": False, "as_of": day, **done.model_dump(mode="json")})
        return
    click.echo(f"expired {points(done.points)} points on {done.accounts} account(s) as of {day}")


@ledger.command()
@click.argument("number")
@click.option("--seller", "seller_gstin", required=True, help="The seller GSTIN of the invoice.")
@click.option("--reason", required=True, help="Why it is cancelled (kept with the record).")
@json_option
@click.pass_context
def cancel(ctx: click.Context, number: str, seller_gstin: str, reason: str, as_json: bool) -> None:
    """Cancel invoice NUMBER: redeemed points back, earned points taken back, and GSTR-1
    lists it as cancelled. Refused when credit notes exist against it. Earned points the
    customer already spent cannot be taken back: that shortfall is reported."""
    _document_and_seller(number, seller_gstin)
    done = service.void(
        _store(ctx), invoice_number=number, seller_gstin=seller_gstin.upper(),
        key=f"cancel:{seller_gstin.upper()}:{number}", reason=reason,
    )  # fmt: skip
    if as_json:
        emit_json(done.model_dump(mode="json"))
        return
    earned = done.points_reversed + done.shortfall
    parts = [
        f"{number} cancelled{' (already)' if done.replayed else ''}",
        f"{points(done.points_restored)} redeemed point(s) given back"
        + (f" ({points(done.points_forfeited)} of them already expired, forfeited)"
           if done.points_forfeited else ""),
        f"{points(done.points_reversed)} of {points(earned)} earned point(s) taken back",
    ]  # fmt: skip
    click.echo(
        "; ".join(parts) + (f"; balance {points(done.balance)}" if done.balance is not None else "")
    )
    if done.shortfall:
        click.echo(
            f"shortfall: {points(done.shortfall)} earned point(s) were already spent and could "
            "not be taken back; the invoice is cancelled all the same and the ledger records "
            "the shortfall with the reversal (nothing is taken below zero)"
        )


def _document_and_seller(number: str, seller: str) -> None:
    from loyalty_gst.errors import Problem
    from loyalty_gst.ids import codes
    from loyalty_gst.ids import gstin as gstin_ids

    problems = []
    if not codes.docno_ok(number):
        problems.append(Problem("NUMBER", number, "a document number: at most 16 letters, "
                                "digits, '/' or '-', not starting with 0, '/' or '-'"))  # fmt: skip
    try:
        gstin_ids.validate(seller)
    except gstin_ids.InvalidGstin as exc:
        problems.append(Problem("--seller", seller, str(exc)))
    if problems:
        raise InvalidInput(problems)


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
        for rec in reader:
            line = reader.line_num  # 1-based, the header is line 1
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
    """Load legacy balances from CSV (phone, points, expiry) as opening lots; exit 2 when
    any row was rejected (they are listed in the error report, 1-based file lines)."""
    store = _store(ctx, create=True)
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(IST).date()
    good, bad = parse_rows(csv_file, today)  # the file's problems first: they are the input's
    prog = company.current(store).program.active(today)
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
    for line, phone, why in bad[:20]:
        click.echo(f"  - line {line}: {why} (phone {phone})", err=True)
    if bad:
        raise click.exceptions.Exit(2)

