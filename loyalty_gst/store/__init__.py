"""Persistence behind one interface: SQLAlchemy Core on SQLite, PostgreSQL or MariaDB.

`open_store(url)` gives a migrated `Store`. Ledger writes go through `Store.begin()`
(one transaction; the service locks the account row first). Stored invoices are read
back as TaxedInvoices by `iter_invoices`, which streams in (date, number) order with
keyset pagination: one short query per batch, memory flat however many there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import sqlalchemy as sa

from loyalty_gst.models import TaxedInvoice
from loyalty_gst.store import migrations
from loyalty_gst.store import schema as s
from loyalty_gst.store.engine import default_url, kind_of, make_engine, normalise_url


class Store:
    """One database: its engine, its kind, and the operations every channel shares."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.kind = kind_of(engine.url.render_as_string(hide_password=False))

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """One transaction (IMMEDIATE on SQLite): commits on success, rolls back on error."""
        with self.engine.begin() as conn:
            yield conn

    def migrate(self) -> list[int]:
        return migrations.migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def add_invoices(self, invoices: Iterable[TaxedInvoice], *, batch: int = 1000) -> int:
        """Bulk-load invoices (no ledger postings), `batch` rows per transaction."""
        it = iter(invoices)
        count = 0
        while chunk := list(islice(it, batch)):
            with self.begin() as conn:
                conn.execute(s.invoices.insert(), [invoice_row(inv) for inv in chunk])
            count += len(chunk)
        return count

    def iter_invoices(
        self,
        *,
        seller_gstin: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        batch: int = 1000,
    ) -> Iterator[TaxedInvoice]:
        """Stored invoices and notes in (date, number) order, `batch` rows per query."""
        t = s.invoices
        base = sa.select(t.c.id, t.c.date, t.c.number, t.c.body)
        if seller_gstin:
            base = base.where(t.c.seller_gstin == seller_gstin)
        if start:
            base = base.where(t.c.date >= start)
        if end:
            base = base.where(t.c.date <= end)
        base = base.order_by(t.c.date, t.c.number, t.c.id).limit(batch)
        last: tuple[dt.date, str, int] | None = None
        while True:
            query = base
            if last is not None:
                # one row-value comparison: the index range scan resumes where the batch ended
                query = query.where(sa.tuple_(t.c.date, t.c.number, t.c.id) > sa.tuple_(*last))
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield TaxedInvoice.model_validate_json(row.body)
            if len(rows) < batch:
                return
            last = (rows[-1].date, rows[-1].number, rows[-1].id)

    def get_invoice(self, number: str, seller_gstin: str) -> TaxedInvoice | None:
        with self.engine.connect() as conn:
            body = conn.scalar(
                sa.select(s.invoices.c.body).where(
                    s.invoices.c.seller_gstin == seller_gstin, s.invoices.c.number == number
                )
            )
        return TaxedInvoice.model_validate_json(body) if body else None


def invoice_row(
    inv: TaxedInvoice, account_id: int | None = None, *, body: str | None = None
) -> dict[str, object]:
    """The invoices row of `inv`; `body`: its JSON when the caller already made it."""
    return {
        "number": inv.number,
        "kind": inv.kind,
        "date": inv.date,
        "seller_gstin": inv.seller.gstin,
        "store": inv.store,
        "account_id": account_id,
        "grand_total": inv.totals.grand_total,
        "against_number": inv.against.number if inv.against else None,
        "body": body if body is not None else inv.model_dump_json(),
    }


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """A Store on `url` (None: $LOYALTY_GST_DB or ./loyalty.sqlite), migrated by default."""
    store = Store(make_engine(url))
    if migrate:
        store.migrate()
    return store


def open_existing(url: str | None = None, *, field: str = "--db") -> Store:
    """A Store on a loyalty-gst database that already exists — for commands that only read:
    they never create one. A missing SQLite file, a server that cannot be reached or a
    database without loyalty-gst's tables is `InvalidInput` naming the URL (as `field`).
    An existing loyalty-gst database is brought to the current schema first."""
    from loyalty_gst.errors import InvalidInput

    full = normalise_url(url or default_url())
    shown = sa.make_url(full).render_as_string(hide_password=True)
    parsed = sa.make_url(full)
    if kind_of(full) == "sqlite":
        path = parsed.database or ""
        if path in ("", ":memory:") or "mode=memory" in full:
            raise InvalidInput.one(field, shown, "an in-memory database holds nothing to read")
        if not Path(path).is_file():
            raise InvalidInput.one(
                field, shown, "no database there (give --db URL or set $LOYALTY_GST_DB)"
            )
    engine = make_engine(full)
    try:
        with engine.connect() as conn:
            known = sa.inspect(conn).has_table(s.schema_version.name)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        why = type(getattr(exc, "orig", None) or exc).__name__
        raise InvalidInput.one(field, shown, f"cannot open the database ({why})") from None
    if not known:
        engine.dispose()
        raise InvalidInput.one(field, shown, "not a loyalty-gst database (no lgst_ tables)")
    store = Store(engine)
    store.migrate()
    return store


__all__ = ["Store", "default_url", "invoice_row", "normalise_url", "open_existing", "open_store"]
