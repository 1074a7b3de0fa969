"""The checkout's reads, one statement each: the idempotency key and the duplicate
document together (before the lock), then everything the posting rules need from the
locked account — its live lots, the rolling spend, today's and the last hour's
redemptions, its open holds — as one UNION ALL. Every statement filters by the account
(or the request key / seller), the distribution key of a sharded layout (docs/scale.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst.ledger import Lot
from loyalty_gst.money import PAISA
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import pipeline
from loyalty_gst.store import schema as s

_e, _lt, _h, _sp, _rq = s.entries, s.lots, s.holds, s.spend, s.requests


@dataclass(frozen=True)
class AccountReads:
    """What a checkout reads after locking the account, fetched in one statement."""

    lots: list[Lot]  # the live lots (remaining > 0), by id
    spent: Decimal  # Σ spend in the rolling window (after, upto]
    redeemed_today: int  # points redeemed since the day's start
    redemptions_last_hour: int
    held: int  # points on open holds, except the one being used


def _reads_of(a: sa.ColumnElement[Any]) -> sa.CompoundSelect:
    """The lot rows and the four figures of account `a` as tagged rows (k < 0) of one
    UNION ALL."""

    def figure(tag: int, value: sa.ScalarSelect[Any]) -> sa.Select[Any]:
        return sa.select(sa.literal_column(str(tag)), value, sa.null(), sa.null())

    return sa.union_all(
        sa.select(_lt.c.id.label("k"), _lt.c.remaining.label("v"), _lt.c.expires_on,
                  _lt.c.earned_on).where(_lt.c.account_id == a, _lt.c.remaining > 0),
        figure(-1, sa.select(sa.func.coalesce(sa.func.sum(_sp.c.amount), 0)).where(
            _sp.c.account_id == a, _sp.c.day > sa.bindparam("after"),
            _sp.c.day <= sa.bindparam("upto")).scalar_subquery()),
        figure(-2, sa.select(sa.func.coalesce(sa.func.sum(-_e.c.points), 0)).where(
            _e.c.account_id == a, _e.c.kind == "redeem",
            _e.c.at >= sa.bindparam("day")).scalar_subquery()),
        figure(-3, sa.select(sa.func.count()).where(
            _e.c.account_id == a, _e.c.kind == "redeem",
            _e.c.at >= sa.bindparam("hour")).scalar_subquery()),
        figure(-4, sa.select(sa.func.coalesce(sa.func.sum(_h.c.points), 0)).where(
            _h.c.account_id == a, _h.c.status == "open",
            _h.c.until > sa.bindparam("now"), _h.c.key != sa.bindparam("but")).scalar_subquery()),
    )  # fmt: skip


_ACCOUNT_READS = _reads_of(sa.bindparam("a"))
# the same for the account of a mobile number, read right after it is locked (at READ
# COMMITTED each statement sees what was committed before it ran, so after the lock)
_MOBILE_READS = _reads_of(
    sa.select(s.accounts.c.id).where(s.accounts.c.mobile == sa.bindparam("m")).scalar_subquery()
)


def _parse(rows: Sequence[Sequence[Any]]) -> AccountReads:
    """Rows of `_reads_of` (k, v, expires_on, earned_on) as AccountReads."""
    figures = {int(r[0]): r[1] for r in rows if r[0] < 0}
    lots = sorted(
        # int(): on PostgreSQL the union's column is numeric (a SUM of bigint is)
        (Lot(int(r[0]), int(r[1]), r[2], r[3]) for r in rows if r[0] >= 0),
        key=lambda x: x.id,
    )
    paise_spent = int(figures[-1])  # paise, as the Paise column holds them
    return AccountReads(
        lots=lots,
        spent=(Decimal(paise_spent) * PAISA).quantize(PAISA),
        redeemed_today=int(figures[-2]),
        redemptions_last_hour=int(figures[-3]),
        held=int(figures[-4]),
    )


def account_reads(
    conn: sa.Connection,
    account_id: int,
    *,
    spend_after: dt.date,
    spend_upto: dt.date,
    day_start: str,
    hour_ago: str,
    now: str,
    but: str | None = None,
) -> AccountReads:
    """The live lots, the rolling spend, today's and the last hour's redemptions and the
    open holds of a (locked) account, in one round-trip."""
    rows = conn.execute(
        _ACCOUNT_READS,
        {"a": account_id, "after": spend_after, "upto": spend_upto, "day": day_start,
         "hour": hour_ago, "now": now, "but": but or ""},
    ).all()  # fmt: skip
    return _parse(rows)


_REQUEST_AND_DOCUMENT = sa.select(
    sa.select(_rq.c.kind).where(_rq.c.key == sa.bindparam("k")).scalar_subquery(),
    sa.select(_rq.c.result).where(_rq.c.key == sa.bindparam("k")).scalar_subquery(),
    sa.select(s.invoices.c.id)
    .where(s.invoices.c.seller_gstin == sa.bindparam("g"), s.invoices.c.number == sa.bindparam("n"))
    .scalar_subquery(),
)


def request_and_document(
    conn: sa.Connection, key: str, number: str, seller_gstin: str
) -> tuple[tuple[str, str] | None, bool]:
    """The keyed request's (kind, result) if any, and whether the seller already stored
    a document of that number: the idempotency and duplicate checks in one query."""
    kind, result, doc = conn.execute(
        _REQUEST_AND_DOCUMENT, {"k": key, "g": seller_gstin, "n": number}
    ).one()
    return ((kind, result) if kind is not None else None), doc is not None


@dataclass(frozen=True)
class CheckoutReads:
    """Everything a checkout reads before it computes, in one round-trip on PostgreSQL."""

    request: tuple[str, str] | None  # (kind, result) stored under the request key
    stored: bool  # the seller already stored a document of that number
    account: acc.Account | None  # the mobile number's account, locked (maybe merged)
    seen: AccountReads | None  # what the rules need from that account


def checkout(
    conn: sa.Connection,
    *,
    key: str,
    number: str,
    seller_gstin: str,
    mobile: str | None,
    spend_after: dt.date,
    spend_upto: dt.date,
    day_start: str,
    hour_ago: str,
    now: str,
    but: str | None = None,
) -> CheckoutReads:
    """The idempotency and duplicate checks, then (for a member's sale) the account of
    `mobile` locked FOR UPDATE and its `account_reads` — three statements in this order,
    sent as one pipelined batch on PostgreSQL, one after the other elsewhere."""
    batch: list[tuple[sa.Executable, list[dict[str, Any]]]] = [
        (_REQUEST_AND_DOCUMENT, [{"k": key, "g": seller_gstin, "n": number}])
    ]
    if mobile is not None:
        batch.append((acc.LOCK_BY_MOBILE, [{"v": mobile}]))
        batch.append((_MOBILE_READS, [{"m": mobile, "after": spend_after, "upto": spend_upto,
                                       "day": day_start, "hour": hour_ago, "now": now,
                                       "but": but or ""}]))  # fmt: skip
    if pipeline.usable(conn):
        results = pipeline.run(conn, batch)
    else:
        results = [list(conn.execute(stmt, rows[0]).all()) for stmt, rows in batch]
    kind, result, doc = results[0][0]
    account = seen = None
    if mobile is not None and results[1]:
        account = acc.of_row(results[1][0])
        seen = _parse(results[2])
    return CheckoutReads(
        request=(kind, result) if kind is not None else None,
        stored=doc is not None,
        account=account,
        seen=seen,
    )
