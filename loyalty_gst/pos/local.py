"""The terminal's own SQLite file: customers as last synced, offline spend per customer
and day, the outbox of events, the invoices it issued, and settings (the program, the
presence public key, the invoice series).

Every write commits with `synchronous = FULL`: an event is on disk before the receipt
prints, so a crash (even a power cut) after the receipt cannot lose the sale.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("mobile", sa.String(16), primary_key=True),  # E.164
    sa.Column("account_id", sa.Integer),
    sa.Column("balance", sa.Integer, nullable=False),
    sa.Column("available", sa.Integer, nullable=False),  # as last synced, less offline spend
    sa.Column("overdraft", sa.Integer, nullable=False, default=0),
    sa.Column("tier", sa.String(20), nullable=False),
    sa.Column("lots", sa.Text, nullable=False),  # JSON [[points, "expires_on"], …]
    sa.Column("synced_at", sa.String(32), nullable=False),
)

offline_spend = sa.Table(
    "offline_spend",
    metadata,
    sa.Column("mobile", sa.String(16), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("points", sa.Integer, nullable=False),
)

# this till's part of each member's offline budget for a day, as granted online, less what
# it spent offline since (the server enforces the same part when the till syncs)
allowances = sa.Table(
    "allowances",
    metadata,
    sa.Column("mobile", sa.String(16), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("points", sa.Integer, nullable=False),
)

# status: open (written, receipt not yet printed) → acked (committed online) | queued
# (printed offline, to sync) | refused (the server said no; nothing printed) | abandoned
# (never printed; the server is told, and cancels the sale if it got it) → synced / settled
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(120), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("event", sa.Text, nullable=False),  # the Event JSON
    sa.Column("result", sa.Text),  # the server's answer
    sa.Column("created_at", sa.String(32), nullable=False),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),  # the TaxedInvoice JSON as printed
)


def open_local(path: str) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    metadata.create_all(engine)
    return engine


class Local:
    """The till's SQL, one short transaction per call (or inside the caller's `begin`)."""

    def __init__(self, path: str) -> None:
        self.engine = open_local(path)

    def begin(self) -> Any:
        return self.engine.begin()

    # --- settings: the program, the presence key, the catalogue, the series counters ---

    def get(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(settings.c.value).where(settings.c.name == name))

    @staticmethod
    def put(conn: sa.Connection, name: str, value: str) -> None:
        conn.execute(sa.delete(settings).where(settings.c.name == name))
        conn.execute(settings.insert().values(name=name, value=value))

    def take_serial(self, conn: sa.Connection, kind: str, fy: str) -> int:
        """The next serial of this till's series of `kind` in financial year `fy`."""
        name = f"series:{kind}:{fy}"
        n = int(conn.scalar(sa.select(settings.c.value).where(settings.c.name == name)) or 0)
        self.put(conn, name, str(n + 1))
        return n + 1

    # --- customers as last synced ---

    def cache_customer(self, phone: str, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(customers).where(customers.c.mobile == phone))
            conn.execute(customers.insert().values(mobile=phone, **row))

    def customer(self, phone: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(customers).where(customers.c.mobile == phone)).first()
        return dict(row._mapping) if row else None

    @staticmethod
    def update_customer(conn: sa.Connection, phone: str, **values: Any) -> None:
        conn.execute(customers.update().where(customers.c.mobile == phone).values(**values))

    @staticmethod
    def update_account(conn: sa.Connection, account_id: int, **values: Any) -> None:
        conn.execute(
            customers.update().where(customers.c.account_id == account_id).values(**values)
        )

    # --- offline spend per customer and day ---

    @staticmethod
    def add_spend(conn: sa.Connection, phone: str, day: str, points: int) -> None:
        sp = offline_spend
        have = conn.scalar(sa.select(sp.c.points).where(sp.c.mobile == phone, sp.c.day == day))
        if have is None:
            conn.execute(sp.insert().values(mobile=phone, day=day, points=points))
        else:
            conn.execute(
                sp.update()
                .where(sp.c.mobile == phone, sp.c.day == day)
                .values(points=have + points)
            )

    def spent(self, phone: str, day: str) -> int:
        sp = offline_spend
        with self.engine.connect() as conn:
            n = conn.scalar(sa.select(sp.c.points).where(sp.c.mobile == phone, sp.c.day == day))
        return int(n or 0)

    # --- this till's part of each member's offline budget ---

    def set_allowance(self, phone: str, day: str, points: int) -> None:
        a = allowances
        with self.engine.begin() as conn:
            conn.execute(sa.delete(a).where(a.c.mobile == phone, a.c.day == day))
            conn.execute(a.insert().values(mobile=phone, day=day, points=points))

    def allowance(self, phone: str, day: str) -> int:
        a = allowances
        with self.engine.connect() as conn:
            n = conn.scalar(sa.select(a.c.points).where(a.c.mobile == phone, a.c.day == day))
        return int(n or 0)

    @staticmethod
    def spend_allowance(conn: sa.Connection, phone: str, day: str, points: int) -> None:
        a = allowances
        conn.execute(
            a.update().where(a.c.mobile == phone, a.c.day == day).values(points=a.c.points - points)
        )

    def clear_allowances(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(allowances))

    def queued_sales(self) -> list[str]:
        """The Event JSON of sales printed offline and not yet synced."""
        with self.engine.connect() as conn:
            return list(
                conn.scalars(
                    sa.select(outbox.c.event).where(
                        outbox.c.status == "queued", outbox.c.kind == "sale"
                    )
                )
            )

    def refused(self) -> list[dict[str, Any]]:
        """Events the server refused at sync: id, code, detail (for `pos status`)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(outbox.c.event_id, outbox.c.result)
                .where(outbox.c.status == "rejected")
                .order_by(outbox.c.seq)
            ).all()
        out = []
        for r in rows:
            res = json.loads(r.result or "{}")
            out.append(
                {"event_id": r.event_id, "code": res.get("code"), "detail": res.get("detail")}
            )
        return out

    # --- the outbox ---

    @staticmethod
    def next_seq(conn: sa.Connection) -> int:
        return int(conn.scalar(sa.select(sa.func.max(outbox.c.seq))) or 0) + 1

    @staticmethod
    def write_event(conn: sa.Connection, **row: Any) -> None:
        conn.execute(outbox.insert().values(**row))

    @staticmethod
    def set_status(
        conn: sa.Connection, seq: int, status: str, *, result: str | None = None, **more: Any
    ) -> None:
        values: dict[str, Any] = {"status": status, **more}
        if result is not None:
            values["result"] = result
        conn.execute(outbox.update().where(outbox.c.seq == seq).values(**values))

    def abandon_open(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                outbox.update().where(outbox.c.status == "open").values(status="abandoned")
            )

    def to_push(self, batch: int) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(outbox.c.seq, outbox.c.status, outbox.c.event)
                    .where(outbox.c.status.in_(("queued", "abandoned")))
                    .order_by(outbox.c.seq)
                    .limit(batch)
                ).all()
            )

    def pending(self) -> int:
        with self.engine.connect() as conn:
            n = conn.scalar(
                sa.select(sa.func.count()).where(outbox.c.status.in_(("queued", "abandoned")))
            )
        return int(n or 0)

    def counts(self) -> tuple[dict[str, int], int]:
        """Outbox rows per status, and the points redeemed offline (the exposure)."""
        with self.engine.connect() as conn:
            by = dict(
                conn.execute(
                    sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)
                ).all()
            )
            exposure = conn.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(offline_spend.c.points), 0))
            )
        return {str(k): int(v) for k, v in by.items()}, int(exposure or 0)

    def events(self) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(outbox).order_by(outbox.c.seq)).all())

    # --- invoices it issued ---

    @staticmethod
    def keep_invoice(conn: sa.Connection, number: str, body: str) -> None:
        conn.execute(invoices.insert().values(number=number, body=body))

    def invoice(self, number: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(invoices.c.body).where(invoices.c.number == number))

    def dispose(self) -> None:
        self.engine.dispose()
