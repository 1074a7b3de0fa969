"""Glue: analytics from the store — ledger moves for points, one pass over the period's
documents for stores and channels, the invoices table (account, date, amount) for
cohorts and top members — and its table and charts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from loyalty_gst.ids.mobile import mask
from loyalty_gst.reports.analytics import Analytics, Slice
from loyalty_gst.reports.columns import Column
from loyalty_gst.reports.liability_report import moves
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.register_row import register_row
from loyalty_gst.reports.table import Section, TableReport
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s
from loyalty_gst.store.documents import iter_docs

TOP = 10


def _cohorts(store: Store, span: Span) -> Iterator[tuple[str, int]]:
    t, c = s.invoices, s.cancellations
    live = sa.and_(t.c.account_id.is_not(None), t.c.kind == "invoice", t.c.date <= span.end,
                   ~sa.exists().where(c.c.seller_gstin == t.c.seller_gstin,
                                      c.c.number == t.c.number))  # fmt: skip
    if span.gstin:
        live = sa.and_(live, t.c.seller_gstin == span.gstin)
    if span.store:
        live = sa.and_(live, t.c.store == span.store)
    q = sa.select(sa.func.min(t.c.date), sa.func.count()).where(live).group_by(t.c.account_id)
    with store.engine.connect() as conn:
        for first, n in conn.execute(q):
            yield f"{first:%Y-%m}" if hasattr(first, "strftime") else str(first)[:7], int(n)


def _top(store: Store, span: Span) -> list[tuple[str, int, int, int]]:
    t, a = s.invoices, s.accounts
    sign = sa.case((t.c.kind == "credit_note", -1), else_=1)
    paise = sa.type_coerce(t.c.grand_total, sa.BigInteger)  # the stored whole paise
    value = sa.func.sum(sign * paise)
    q = (
        sa.select(a.c.mobile, sa.func.count(), value)
        .select_from(t.join(a, a.c.id == t.c.account_id))
        .where(span.where().clause())
        .group_by(a.c.mobile)
        .order_by(value.desc(), a.c.mobile)
        .limit(TOP)
    )
    with store.engine.connect() as conn:
        return [(mask(m) if m else "-", int(n), int(v or 0), 0) for m, n, v in conn.execute(q)]


def analytics(store: Store, span: Span) -> Analytics:
    out = Analytics()
    out.add_moves(moves(store, span.end), span.months())
    for d in iter_docs(store, span.where()):
        if not d.cancelled:
            out.add_row(register_row(d.body))
    out.add_purchases(_cohorts(store, span))
    out.top = _top(store, span)
    return out


MONTHS = (Column("month", "Month", "text", 8), Column("issued", "Issued pts", "int"),
          Column("redeemed", "Redeemed pts", "int"), Column("expired", "Expired pts", "int"),
          Column("rate", "Redemption rate", "rate"))  # fmt: skip
SLICE = (Column("key", "Key", "text", 10), Column("documents", "Invoices", "int"),
         Column("redeeming", "With points", "int"), Column("rate", "Redemption rate", "rate"),
         Column("loyalty_discount", "Loyalty discount", "money", 14),
         Column("taxable_before", "Taxable before", "money", 14),
         Column("gst_foregone", "GST foregone", "money", 13))  # fmt: skip
COHORTS = (Column("cohort", "First purchase", "text"), Column("members", "Members", "int"),
           Column("repeat", "Came back", "int"), Column("rate", "Repeat rate", "rate"))  # fmt: skip
TOPS = (Column("member", "Member", "text", 16), Column("documents", "Documents", "int"),
        Column("value", "Value ₹ (net)", "money", 14))  # fmt: skip


def _slices(table: dict[str, Slice]) -> list[list[Any]]:
    return [[k, v.documents, v.redeeming, v.rate, v.loyalty_discount, v.taxable_before,
             v.gst_foregone] for k, v in sorted(table.items())]  # fmt: skip


def table(a: Analytics, span: Span, images: list[Path] | None = None) -> TableReport:
    rows = [[m, p.issued, p.redeemed, p.expired, p.rate] for m, p in sorted(a.months.items())]

    def sections() -> list[Section]:
        return [
            Section("By store", SLICE, _slices(a.stores)),
            Section("By channel", SLICE, _slices(a.channels)),
            Section("Members by first-purchase cohort", COHORTS,
                    [[k, c.members, c.repeat, c.rate] for k, c in sorted(a.cohorts.items())]),
            Section(f"Top {TOP} members by value", TOPS, [[m, n, v] for m, n, v, _ in a.top]),
        ]  # fmt: skip

    return TableReport(
        title="Loyalty programme analytics",
        subtitle=span.label,
        columns=MONTHS,
        rows=rows,
        sections=sections,
        images=list(images or []),
    )
