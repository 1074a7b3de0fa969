"""The company in the database: written by `setup` (idempotently), read by every use case.

`write` compares the file with what is stored and changes only what differs, in one
transaction; a run that changes nothing leaves the revision as it was. Program versions
are kept once set up: a version already in force on the day of the setup cannot be
changed (invoices made under it keep its rules) — a change is a new version with a later
effective date. Number series counters are never touched by setup.
`current(store)` reads it back as a `Company`, cached per database and refreshed when
the revision moves (checked at most every few seconds).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from loyalty_gst.company.model import (
    CompanyFile,
    ItemSpec,
    Particulars,
    Registration,
    StoreSpec,
)
from loyalty_gst.company.view import Company
from loyalty_gst.errors import InvalidInput, LoyaltyGstError, Problem
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.program import Program, ProgramBook
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

RECHECK_SECONDS = 2.0


@dataclass
class Report:
    """What a setup run changed, per section: added, changed, removed (0s: a no-op run)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    revision: int = 0

    def add(self, section: str, what: str, n: int = 1) -> None:
        row = self.counts.setdefault(section, {"added": 0, "changed": 0, "removed": 0})
        row[what] += n

    @property
    def changed(self) -> bool:
        return any(v for row in self.counts.values() for v in row.values())


def _body(model: object) -> str:
    return model.model_dump_json(exclude_none=True)  # type: ignore[attr-defined]


def _sync(
    conn: sa.Connection,
    table: sa.Table,
    key: str,
    rows: dict[str, dict[str, object]],
    report: Report,
    section: str,
    *,
    remove: bool = True,
) -> None:
    col = table.c[key]
    stored = {r[key]: dict(r) for r in conn.execute(sa.select(table)).mappings()}
    for k in sorted(set(stored) - set(rows)) if remove else ():
        conn.execute(table.delete().where(col == k))
        report.add(section, "removed")
    # first clear what changes, then insert: a barcode may move from one SKU to another
    changed = [k for k in rows if k in stored and stored[k] != {key: k, **rows[k]}]
    for k in changed:
        conn.execute(table.delete().where(col == k))
    for k, values in rows.items():
        if k not in stored or k in changed:
            conn.execute(table.insert().values({key: k, **values}))
            report.add(section, "changed" if k in changed else "added")


def write(
    store: Store, cf: CompanyFile, logo: bytes | None, *, today: dt.date | None = None
) -> Report:
    """Set the company up from its file, or bring it up to date; nothing on a problem."""
    today = today or dt.date.today()
    report = Report()
    with store.begin() as conn:
        problems = _program_problems(conn, cf, today)
        if problems:
            raise InvalidInput(problems)
        regs = {
            r.gstin.upper(): {"state_code": r.state_code, "body": _body(r)}
            for r in cf.registrations
        }
        stores = {
            st.code: {"channel": st.channel, "gstin": st.registration.upper(), "body": _body(st)}
            for st in cf.stores
        }
        items = {it.sku: {"barcode": it.barcode, "body": _body(it)} for it in cf.items}
        programs = {p.version: {"effective": p.effective, "body": _body(p)} for p in cf.program}
        # stores before registrations go, items' barcodes freed before new ones arrive
        _sync(conn, s.stores, "code", stores, report, "stores")
        _sync(conn, s.registrations, "gstin", regs, report, "registrations")
        _sync(conn, s.items, "sku", items, report, "items")
        _sync(conn, s.programs, "version", programs, report, "program", remove=False)
        row = conn.execute(sa.select(s.company).where(s.company.c.id == 1)).first()
        values = {"pan": cf.company.pan.upper(), "body": _body(cf.company), "logo": logo}
        revision = row.revision if row else 0
        if row is None or (row.pan, row.body, row.logo) != tuple(values.values()):
            report.add("company", "changed" if row else "added")
        if report.changed:
            revision += 1
            now = stamp(dt.datetime.now(dt.UTC))
            conn.execute(s.company.delete())
            conn.execute(
                s.company.insert().values(id=1, revision=revision, updated_at=now, **values)
            )
        report.revision = revision
    forget(store)
    return report


def _program_problems(conn: sa.Connection, cf: CompanyFile, today: dt.date) -> list[Problem]:
    out = []
    stored = {r.version: r for r in conn.execute(sa.select(s.programs))}
    for i, p in enumerate(cf.program):
        old = stored.get(p.version)
        if old is not None and old.body != _body(p) and old.effective <= today:
            out.append(
                Problem(
                    f"program.{i}",
                    p.version,
                    f"version {p.version} is in force since {old.effective}: invoices were made "
                    "under it; add a new version with a later effective date instead",
                )
            )
    by_day = {r.effective: r.version for r in stored.values()}
    for i, p in enumerate(cf.program):
        other = by_day.get(p.effective)
        if other is not None and other != p.version:
            out.append(
                Problem(
                    f"program.{i}.effective",
                    str(p.effective),
                    f"version {other} takes effect that day",
                )
            )
    return out


# --- reading back ---

_cache: dict[str, tuple[float, int, Company]] = {}


def forget(store: Store) -> None:
    _cache.pop(store.url, None)


def revision(conn: sa.Connection) -> int | None:
    return conn.scalar(sa.select(s.company.c.revision).where(s.company.c.id == 1))


def cached(store: Store) -> Company | None:
    """The company as last read when that read is fresh (no database work), else None."""
    hit = _cache.get(store.url)
    if hit and time.monotonic() - hit[0] < RECHECK_SECONDS:
        return hit[2]
    return None


def current(store: Store) -> Company:
    """The company set up in this database (cached; refreshed when a setup changed it)."""
    now = time.monotonic()
    hit = _cache.get(store.url)
    if hit and now - hit[0] < RECHECK_SECONDS:
        return hit[2]
    with store.engine.connect() as conn:
        rev = revision(conn)
        if rev is None:
            raise NotSetUp(
                f"no company is set up in {store.url}: run `loyalty-gst setup FILE.yaml --db …`"
            )
        if hit and hit[1] == rev:
            _cache[store.url] = (now, rev, hit[2])
            return hit[2]
        company = _load(conn)
    _cache[store.url] = (now, rev, company)
    return company


def _load(conn: sa.Connection) -> Company:
    row = conn.execute(sa.select(s.company).where(s.company.c.id == 1)).one()
    regs = [
        Registration.model_validate_json(r.body) for r in conn.execute(sa.select(s.registrations))
    ]
    stores = [StoreSpec.model_validate_json(r.body) for r in conn.execute(sa.select(s.stores))]
    items = [ItemSpec.model_validate_json(r.body) for r in conn.execute(sa.select(s.items))]
    versions = [
        Program.model_validate_json(r.body)
        for r in conn.execute(sa.select(s.programs).order_by(s.programs.c.effective))
    ]
    return Company(
        particulars=Particulars.model_validate_json(row.body),
        logo=row.logo,
        registrations=tuple(regs),
        stores=tuple(sorted(stores, key=lambda st: st.code)),
        items=tuple(sorted(items, key=lambda it: it.sku)),
        program=ProgramBook(versions=tuple(versions)),
        revision=row.revision,
    )


class NotSetUp(LoyaltyGstError):
    """No company in the database yet."""

    code = "not_set_up"


def dump(company: Company) -> dict[str, object]:
    """The company as a file again (what `setup` would read)."""
    return json.loads(company.as_file().model_dump_json(exclude_none=True))
