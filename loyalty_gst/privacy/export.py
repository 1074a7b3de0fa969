"""The member's copy of their data (DPDP Act Sec. 11): the account, lots, every ledger
entry, consents, messages and the documents of their purchases, as one JSON object. Only
the member's own data: invoices appear as number, date, store, channel and amounts, never
another party's details; an erased member's export holds no personal data at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from loyalty_gst.errors import UnknownCustomer
from loyalty_gst.privacy import consent
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import schema as s

FORMAT = "loyalty-gst member export v1"


def export(store: Store, *, account_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    with store.engine.connect() as conn:
        a = acc.find(conn, id=account_id)
        if a is None:
            raise UnknownCustomer(f"no loyalty account {account_id}")
        erased = a.status == "erased"
        lots = ent.lots_of(conn, a.id)
        entries = ent.entries_of(conn, a.id)
        consents = consent.history(conn, a.id)
        m = s.messages
        msgs = conn.execute(
            sa.select(m.c.purpose, m.c.template, m.c.status, m.c.created_at, m.c.sent_at)
            .where(m.c.account_id == a.id)
            .order_by(m.c.id)
        ).all()
        i = s.invoices
        docs = conn.execute(
            sa.select(i.c.body).where(i.c.account_id == a.id).order_by(i.c.date, i.c.id)
        ).all()
    return {
        "format": FORMAT,
        "made_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "account": {
            "id": a.id,
            "status": a.status,
            "mobile": None if erased else a.mobile,
            "email": None if erased else a.email,
            "name": None if erased else a.name,
            "card_no": None if erased else a.card_no,
            "birthday": a.birthday.isoformat() if a.birthday and not erased else None,
            "tier": a.tier,
            "balance": a.balance,
            "purchases": a.purchases,
        },
        "lots": [
            {
                "points": lt.remaining,
                "earned_on": lt.earned_on.isoformat(),
                "expires_on": lt.expires_on.isoformat(),
            }
            for lt in lots
        ],
        "entries": [
            {"seq": e.seq, "kind": e.kind, "points": e.points, "at": e.at, "body": e.body}
            for e in entries
        ],
        "consents": [c.__dict__ for c in consents],
        "messages": [dict(r._mapping) for r in msgs],
        "documents": [_doc(r.body) for r in docs],
    }


def _doc(body: str) -> dict[str, Any]:
    from loyalty_gst.models import TaxedInvoice

    inv = TaxedInvoice.model_validate_json(body)
    return {
        "number": inv.number,
        "kind": inv.kind,
        "date": inv.date.isoformat(),
        "seller_gstin": inv.seller.gstin,
        "store": inv.store,
        "channel": inv.channel,
        "taxable_value": str(inv.totals.taxable_value),
        "tax": str(inv.totals.tax),
        "grand_total": str(inv.totals.grand_total),
        "points_redeemed": inv.loyalty.points_redeemed,
        "loyalty_discount": str(inv.totals.loyalty_discount),
    }
