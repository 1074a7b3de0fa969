"""Document numbers from a store's series: prefix (financial year, till) + serial.

One counter per store, document kind, till and financial year; it starts at 1 on
1 April. `take` runs inside the transaction that stores the document, so a rolled back
document gives its number back: the numbers issued have no gaps (Rule 46 (b): a
consecutive serial number unique for the financial year). A till numbers its own
documents the same way in its local database (`pos.local`), also while offline.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from loyalty_gst.company.model import DocKind, StoreSpec, financial_year, render_prefix
from loyalty_gst.errors import InvalidInput
from loyalty_gst.store import schema as s


def format_number(st: StoreSpec, kind: DocKind, day: dt.date, till: str | None, serial: int) -> str:
    template = st.series.prefix(kind)
    if template is None:
        raise InvalidInput.one("kind", kind, f"store {st.code} has no {kind} series")
    return f"{render_prefix(template, day=day, till=till)}{serial:0{st.series.digits}d}"


def take(
    conn: sa.Connection, st: StoreSpec, kind: DocKind, day: dt.date, till: str | None = None
) -> str:
    """The next number of the series (the counter moves in the caller's transaction)."""
    t = s.series
    fy = financial_year(day)
    where = (
        (t.c.store_code == st.code)
        & (t.c.kind == kind)
        & (t.c.till == (till or ""))
        & (t.c.fy == fy)
    )
    last = conn.scalar(sa.select(t.c.last).where(where).with_for_update())
    if last is None:
        conn.execute(
            t.insert().values(store_code=st.code, kind=kind, till=till or "", fy=fy, last=1)
        )
        serial = 1
    else:
        serial = last + 1
        conn.execute(t.update().where(where).values(last=serial))
    return format_number(st, kind, day, till, serial)


def reserve(
    conn: sa.Connection, st: StoreSpec, kind: DocKind, day: dt.date, till: str | None,
    *, seller_gstin: str,
) -> str:  # fmt: skip
    """The next number for a document that is stored later, in another transaction (a draft
    at the billing desk): the counter moves only past a number a stored document holds, or
    one an owner's approval was asked for (that sale may still be billed under it), so a
    draft that is never billed gives its number to the next one and the numbers stored have
    no gaps."""
    t, inv, ask = s.series, s.invoices, s.approvals
    where = (
        (t.c.store_code == st.code)
        & (t.c.kind == kind)
        & (t.c.till == (till or ""))
        & (t.c.fy == financial_year(day))
    )
    last = conn.scalar(sa.select(t.c.last).where(where).with_for_update())
    if last is not None:
        number = format_number(st, kind, day, till, last)
        held = sa.union_all(
            sa.select(inv.c.id).where(inv.c.seller_gstin == seller_gstin, inv.c.number == number),
            sa.select(ask.c.id).where(ask.c.seller_gstin == seller_gstin, ask.c.number == number),
        )
        if conn.execute(held).first() is None:
            return number  # given to a draft that was never billed: the next one takes it
    return take(conn, st, kind, day, till)
