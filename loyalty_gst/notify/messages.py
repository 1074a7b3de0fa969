"""What members are told on WhatsApp, by purpose: the template (from the setup, these
names by default) and its body parameters in order.

- receipts: earn (invoice, points earned, balance) and redeem (invoice, points, ₹ off, balance)
- reminders: points expiring N days ahead (points, date, balance)
- tier: the new tier (tier, balance)
- otp: the code
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from loyalty_gst.notify.outbox import Outgoing
from loyalty_gst.store import schema as s

if TYPE_CHECKING:
    from loyalty_gst.notify.whatsapp import Notifier
    from loyalty_gst.service.common import Committed, Returned

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))

DEFAULT_TEMPLATES = {
    "otp": "loyalty_otp",
    "earn": "loyalty_earn_receipt",
    "redeem": "loyalty_redeem_receipt",
    "reminders": "loyalty_expiry_reminder",
    "tier": "loyalty_tier_change",
    "receipts": "loyalty_earn_receipt",
}


def after_sale(n: Notifier, done: Committed) -> list[int]:
    """The receipts of a committed sale (and a tier message when the sale moved the tier)."""
    return after_sales(n, [done])


def after_sales(n: Notifier, done: Sequence[Committed]) -> list[int]:
    """`after_sale` for many sales at once: the tiers before them read in one query and
    every message queued in one transaction (`Notifier.queue_many`)."""
    sales = [d for d in done if d.account_id is not None and not d.replayed]
    if not sales:
        return []
    before = _tiers_before(n, [_earn_key(d) for d in sales])
    out = [m for d in sales for m in sale_messages(d, before.get(_earn_key(d)))]
    return [i for i in n.queue_many(out) if i is not None]


def sale_messages(done: Committed, tier_before: str | None) -> list[Outgoing]:
    """What a committed sale tells its member: the redeem and the earn receipt, and the
    new tier when the sale moved it (`tier_before`: the tier its points were earned at)."""
    assert done.account_id is not None
    inv, a = done.invoice, done.account_id
    doc = f"{inv.seller.gstin}:{inv.number}"
    balance = str(done.balance if done.balance is not None else "")
    out = []
    if done.points_redeemed:
        off = str(inv.totals.loyalty_discount)
        out.append(Outgoing(a, "receipts", (inv.number, str(done.points_redeemed), off, balance),
                            dedupe=f"redeem:{doc}", template="redeem"))  # fmt: skip
    earned = done.points_earned + done.bonus_points
    if earned:
        out.append(Outgoing(a, "receipts", (inv.number, str(earned), balance),
                            dedupe=f"earn:{doc}", template="earn"))  # fmt: skip
    if done.tier and tier_before and tier_before != done.tier:
        out.append(Outgoing(a, "tier", (done.tier, balance), dedupe=f"tier:{doc}"))
    return out


def _earn_key(done: Committed) -> str:
    return f"earn:{done.invoice.seller.gstin}:{done.invoice.number}"


def after_return(n: Notifier, done: Returned) -> list[int]:
    if done.account_id is None or done.replayed or not done.points_restored:
        return []
    row = n.queue(
        done.account_id,
        "receipts",
        [done.note.number, str(done.points_restored), "0", str(done.balance or 0)],
        dedupe=f"restore:{done.note.seller.gstin}:{done.note.number}",
        template="redeem",
    )
    return [row] if row is not None else []


def _tiers_before(n: Notifier, earn_keys: list[str]) -> dict[str, str]:
    """The tier each earn entry was earned at (its body's `tier`), by entry key."""
    e = s.entries
    with n.store.engine.connect() as conn:
        rows = conn.execute(sa.select(e.c.key, e.c.body).where(e.c.key.in_(earn_keys))).all()
    out = {}
    for key, body in rows:
        tier = json.loads(body).get("tier") if body else None
        if tier:
            out[key] = str(tier)
    return out


def expiry_reminders(n: Notifier, today: dt.date, *, days: int) -> int:
    """One reminder per member and expiry date for lots that lapse within `days` days
    (the first day they come into the window; a member told once is not told again)."""
    until = today + dt.timedelta(days=days)
    t = s.lots
    with n.store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.account_id, t.c.expires_on, sa.func.sum(t.c.remaining).label("pts"))
            .where(t.c.remaining > 0, t.c.expires_on >= today, t.c.expires_on <= until)
            .group_by(t.c.account_id, t.c.expires_on)
        ).all()
        balances = {
            r.id: r.balance
            for r in conn.execute(
                sa.select(s.accounts.c.id, s.accounts.c.balance).where(
                    s.accounts.c.id.in_({r.account_id for r in rows})
                )
            )
        }
    sent = 0
    for r in rows:
        row = n.queue(
            r.account_id,
            "reminders",
            [
                str(int(r.pts)),
                r.expires_on.strftime("%d/%m/%Y"),
                str(balances.get(r.account_id, 0)),
            ],
            dedupe=f"expiry:{r.account_id}:{r.expires_on.isoformat()}",
        )
        sent += row is not None
    return sent
