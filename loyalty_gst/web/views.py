"""What the member page shows, read from the store: balance, points usable today, lots
with their expiry, tier and the spend to the next one, history across every channel,
consents in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from loyalty_gst import program as pg
from loyalty_gst import service
from loyalty_gst.ids.mobile import mask
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.privacy import consent
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s


def member_view(
    store: Store, book: pg.ProgramBook, a: acc.Account, lang: str = "en"
) -> dict[str, Any]:
    today = dt.datetime.now(IST).date()
    b = service.balance_of(store, a.id, on=today)
    prog = book.active(today)
    with store.engine.connect() as conn:
        spent = ent.spend_between(conn, a.id, pg.add_months(today, -12), today)
        entries = ent.entries_of(conn, a.id)
        where = _documents(conn, a.id)
        consents = consent.current(conn, a.id)
    tier = pg.tier_for(spent, prog.tiers)
    higher = [t for t in prog.tiers if t.min_spend > tier.min_spend]
    nxt = higher[0] if higher else None
    progress = 100
    if nxt is not None:
        span = nxt.min_spend - tier.min_spend
        progress = int((spent - tier.min_spend) * 100 / span) if span else 100
    history = []
    for e in reversed(entries[-100:]):
        doc = str(e.body.get("invoice", "")) if isinstance(e.body, dict) else ""
        store_code, channel = where.get(doc, (None, None))
        history.append(
            {
                "at": _local(e.at),
                "kind": e.kind,
                "points": e.points,
                "document": doc.split(":", 1)[-1] if doc else "",
                "store": store_code or "",
                "channel": channel or "",
            }
        )
    return {
        "mobile": mask(a.mobile or ""),
        "balance": b.balance,
        "available": b.available,
        "held": b.held,
        "lots": [lt for lt in b.lots if lt.points > 0],
        "tier": tier.name,
        "spent": spent,
        "next_tier": nxt.name if nxt else None,
        "to_next": (nxt.min_spend - spent).quantize(Decimal("0.01")) if nxt else None,
        "progress": max(0, min(100, progress)),
        "history": history,
        "consents": {p: bool(consents.get(p) and consents[p].granted) for p in consent.PURPOSES},
        "wording": consent.WORDING[consent.CURRENT_WORDING][lang],
        "wording_version": consent.CURRENT_WORDING,
    }


def _documents(conn: sa.Connection, account_id: int) -> dict[str, tuple[str | None, str | None]]:
    """'<GSTIN>:<number>' → (store, channel) of the member's documents."""
    t = s.invoices
    rows = conn.execute(
        sa.select(t.c.seller_gstin, t.c.number, t.c.store, t.c.body).where(
            t.c.account_id == account_id
        )
    ).all()
    out = {}
    for r in rows:
        channel = TaxedInvoice.model_validate_json(r.body).channel
        out[f"{r.seller_gstin}:{r.number}"] = (r.store, channel)
    return out


def _local(at: str) -> str:
    when = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(IST)
    return when.strftime("%d/%m/%Y %H:%M")
