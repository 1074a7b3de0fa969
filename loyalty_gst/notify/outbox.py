"""The outbox written in batches: many members' messages queued in one transaction, their
numbers, their consents and the messages already queued read once for all of them.

A server busy with checkouts queues each sale's receipt this way (`AfterCommit` hands
over what piled up while the last batch was written): four statements a batch instead of
five round-trips a receipt one at a time. The rule is `Notifier.queue`'s: a message goes
in only for a member with a number who opted in to its purpose (the latest decision per
purpose), once per `dedupe`; a lost race on a dedupe key falls back to `queue` one by
one, which skips the message already there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from loyalty_gst.clock import now, stamp
from loyalty_gst.store import schema as s

if TYPE_CHECKING:
    from loyalty_gst.notify.whatsapp import Notifier


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: for whom, why, its values, and the key that makes it once."""

    account_id: int
    purpose: str
    params: tuple[str, ...]
    dedupe: str | None = None
    template: str | None = None  # the message kind, when it is not the purpose's


_a, _c, _m = s.accounts, s.consents, s.messages
_MOBILES = sa.select(_a.c.id, _a.c.mobile).where(_a.c.id.in_(sa.bindparam("ids", expanding=True)))
_CONSENTS = (
    sa.select(_c.c.account_id, _c.c.purpose, _c.c.granted)
    .where(_c.c.account_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_c.c.id)
)
_QUEUED = sa.select(_m.c.dedupe).where(_m.c.dedupe.in_(sa.bindparam("keys", expanding=True)))


def queue_many(n: Notifier, items: Sequence[Outgoing]) -> list[int | None]:
    """Queue `items` in one transaction; per item its message row, or None when it is not
    queued (no number, no opt-in, or its dedupe key queued before)."""
    if not items:
        return []
    try:
        return _queue_many(n, items)
    except sa.exc.IntegrityError:  # another process queued one of these keys meanwhile
        return [n.queue(i.account_id, i.purpose, list(i.params), dedupe=i.dedupe,
                        template=i.template) for i in items]  # fmt: skip


def _queue_many(n: Notifier, items: Sequence[Outgoing]) -> list[int | None]:
    ids = sorted({i.account_id for i in items})
    keys = sorted({i.dedupe for i in items if i.dedupe})
    # templates and their parameters before the transaction: they read the company's
    # setup, on a connection of their own (on SQLite it would wait on this one's lock)
    kinds = [i.template or i.purpose for i in items]
    names = {k: n.template_for(k) for k in set(kinds)}
    params = [
        json.dumps(n.params_for(k, list(i.params))) for k, i in zip(kinds, items, strict=True)
    ]
    with n.store.begin() as conn:
        mobiles = {r.id: r.mobile for r in conn.execute(_MOBILES, {"ids": ids})}
        granted: dict[tuple[int, str], bool] = {}
        for r in conn.execute(_CONSENTS, {"ids": ids}):  # in order: the last decision wins
            granted[(r.account_id, r.purpose)] = bool(r.granted)
        taken = set(conn.scalars(_QUEUED, {"keys": keys})) if keys else set()
        at = stamp(now())
        rows: list[dict[str, object]] = []
        where: list[int | None] = []
        for i, kind, body in zip(items, kinds, params, strict=True):
            mobile = mobiles.get(i.account_id)
            if not mobile or not granted.get((i.account_id, i.purpose)) or i.dedupe in taken:
                where.append(None)
                continue
            if i.dedupe:
                taken.add(i.dedupe)
            rows.append({
                "account_id": i.account_id, "to_number": mobile, "purpose": i.purpose,
                "template": names[kind], "params": body, "dedupe": i.dedupe,
                "status": "queued", "attempts": 0, "created_at": at,
            })  # fmt: skip
            where.append(len(rows) - 1)
        made = _insert(conn, rows)
    return [None if w is None else made[w] for w in where]


def _insert(conn: sa.Connection, rows: list[dict[str, object]]) -> list[int]:
    """The rows inserted, their ids in the rows' order (one statement where the database
    returns ids from a many-row insert)."""
    if not rows:
        return []
    if conn.dialect.insert_executemany_returning_sort_by_parameter_order:
        q = _m.insert().returning(_m.c.id, sort_by_parameter_order=True)
        return [int(i) for i in conn.scalars(q, rows)]
    return [int(conn.execute(_m.insert().values(**r)).inserted_primary_key[0]) for r in rows]
