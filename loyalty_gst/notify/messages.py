"""What members are told on WhatsApp, by purpose: the template (from the setup, these
names by default) and its body parameters in order.

- receipts: earn (invoice, points earned, balance) and redeem (invoice, points, ₹ off, balance)
- reminders: points expiring N days ahead (points, date, balance)
- tier: the new tier (tier, balance)
- otp: the code
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from loyalty_gst.store import entries as ent
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
    if done.account_id is None or done.replayed:
        return []
    inv = done.invoice
    out = []
    balance = str(done.balance if done.balance is not None else "")
    if done.points_redeemed:
        out.append(
            n.queue(
                done.account_id,
                "receipts",
                [inv.number, str(done.points_redeemed), str(inv.totals.loyalty_discount), balance],
                dedupe=f"redeem:{inv.seller.gstin}:{inv.number}",
                template="redeem",
            )
        )
    earned = done.points_earned + done.bonus_points
    if earned:
        out.append(
            n.queue(
                done.account_id,
                "receipts",
                [inv.number, str(earned), balance],
                dedupe=f"earn:{inv.seller.gstin}:{inv.number}",
                template="earn",
            )
        )
    before = _tier_before(n, f"earn:{inv.seller.gstin}:{inv.number}")
    if done.tier and before and before != done.tier:
        out.append(
            n.queue(
                done.account_id,
                "tier",
                [done.tier, balance],
                dedupe=f"tier:{inv.seller.gstin}:{inv.number}",
            )
        )
    return [i for i in out if i is not None]


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


def _tier_before(n: Notifier, earn_key: str) -> str | None:
    with n.store.engine.connect() as conn:
        e = ent.find_entry(conn, earn_key)
    if e is None:
        return None
    body = getattr(e, "body", None) or {}
    tier = body.get("tier") if isinstance(body, dict) else None
    return str(tier) if tier else None


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
