"""Glue: the liability from the store — entries streamed in time order, the lots for the
ageing — and its table (CSV, XLSX, PDF). The check line compares the closing points with
Σ account balances and with Σ lots remaining less offline overdraft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst import company
from loyalty_gst.reports.columns import Column
from loyalty_gst.reports.liability import BUCKETS, Liability, Method, Move, age, compute
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.table import Section, TableReport
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _day(at: str) -> dt.date:
    utc = dt.datetime.strptime(at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    return utc.astimezone(IST).date()


def moves(store: Store, until: dt.date) -> Iterator[Move]:
    """Every entry up to `until` (IST), oldest first, streamed."""
    e = s.entries
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), IST).astimezone(dt.UTC)
    q = (
        sa.select(e.c.kind, e.c.points, e.c.at, e.c.body)
        .where(e.c.points != 0, e.c.at < end.strftime("%Y-%m-%dT%H:%M:%S"))
        .order_by(e.c.at, e.c.id)
    )
    with store.engine.connect() as conn:
        for kind, points, at, body in conn.execution_options(
            stream_results=True, yield_per=5000
        ).execute(q):
            base = None
            if kind == "earn" and '"base"' in body:
                base = Decimal(str(json.loads(body).get("base")))
            yield Move(kind, int(points), _day(at), base)


def balances(store: Store) -> tuple[int, int, int]:
    """(Σ account balances, Σ lots remaining, offline overdraft owed) now."""
    with store.engine.connect() as conn:
        bal = conn.scalar(sa.select(sa.func.coalesce(sa.func.sum(s.accounts.c.balance), 0)))
        lots = conn.scalar(sa.select(sa.func.coalesce(sa.func.sum(s.lots.c.remaining), 0)))
    return int(bal or 0), int(lots or 0), int(lots or 0) - int(bal or 0)


def liability(
    store: Store,
    span: Span,
    *,
    method: Method = "face",
    rate: Decimal = Decimal(1),
    face: Callable[[dt.date], Decimal] | None = None,
) -> Liability:
    if face is None:
        book = company.current(store).program

        def face(day: dt.date) -> Decimal:
            return book.active(max(day, min(v.effective for v in book.versions))).point_value

    out = compute(moves(store, span.end), list(span.months()), face, method=method, rate=rate)
    with store.engine.connect() as conn:
        lots = conn.execute(
            sa.select(s.lots.c.expires_on, s.lots.c.remaining).where(s.lots.c.remaining > 0)
        )
        out.ageing = age(((r.expires_on, int(r.remaining)) for r in lots), span.end)
    _, _, out.overdraft = balances(store)
    return out


COLUMNS = (
    Column("month", "Month", "text", 8),
    Column("opening", "Opening pts", "int", 11),
    Column("issued", "Issued pts", "int", 10),
    Column("redeemed", "Redeemed pts", "int", 10),
    Column("expired", "Expired pts", "int", 10),
    Column("adjusted", "Adjusted pts", "int", 10),
    Column("closing", "Closing pts", "int", 11),
    Column("opening_value", "Opening ₹", "money", 13),
    Column("issued_value", "Issued ₹", "money", 12),
    Column("redeemed_value", "Redeemed ₹", "money", 12),
    Column("breakage", "Breakage recognised ₹", "money", 12),
    Column("adjusted_value", "Adjusted ₹", "money", 12),
    Column("closing_value", "Closing ₹", "money", 13),
)
AGEING = (Column("bucket", "Days to expiry", "text", 14), Column("points", "Points", "int", 12))


def _paise(v: Decimal) -> int:
    return int(v * 100)


def table(store: Store, result: Liability, span: Span) -> TableReport:
    def rows() -> Iterator[list[Any]]:
        for m in result.months:
            values = (m.opening_value, m.issued_value, m.redeemed_value, m.breakage,
                      m.adjusted_value, m.closing_value)  # fmt: skip
            points = [m.opening, m.issued, m.redeemed, m.expired, m.adjusted, m.closing]
            yield [m.month, *points, *(_paise(v) for v in values)]

    def sections() -> list[Section]:
        bal, lots, overdraft = balances(store)
        check = [
            ["Σ account balances now", bal],
            ["Σ lots remaining now", lots],
            ["offline overdraft owed", overdraft],
            ["closing of the period", result.closing],
        ]
        ageing = [[b, result.ageing.get(b, 0)] for b in BUCKETS]
        return [
            Section(f"Ageing at {span.end.isoformat()}", AGEING, ageing),
            Section(
                "Agreement with the ledger",
                (*AGEING[:1], Column("points", "Points", "int")),
                check,
            ),
        ]

    how = "face value" if result.method == "face" else (
        f"relative stand-alone selling price, expected redemption rate {result.rate}")  # fmt: skip
    return TableReport(
        title="Points liability (Ind AS 115)",
        subtitle=f"{span.label}; allocation: {how}; company-wide",
        columns=COLUMNS,
        rows=rows(),
        sections=sections,
    )
