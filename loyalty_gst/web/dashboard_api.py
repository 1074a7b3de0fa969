"""The owner's dashboard (admin token): live commits across every store (SSE), today's
sales, points and GST foregone by store and channel (the charts come from the reports'
`/v1/reports/analytics/{chart}.png`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from loyalty_gst.models import TaxedInvoice
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s
from loyalty_gst.web import auth

router = APIRouter(prefix="/v1", tags=["dashboard"])


def today_figures(store: Store, day: dt.date) -> dict[str, Any]:
    """Per (store, channel): documents, net sales (credit notes subtract), points
    redeemed, loyalty discount and GST foregone; and the day's totals."""
    t = s.invoices
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with store.engine.connect() as conn:
        bodies = conn.scalars(sa.select(t.c.body).where(t.c.date == day).order_by(t.c.id))
        for body in bodies:
            inv = TaxedInvoice.model_validate_json(body)
            sign = -1 if inv.kind == "credit_note" else 1
            k = (inv.store or "-", inv.channel or "-")
            r = rows.setdefault(
                k,
                {
                    "store": k[0], "channel": k[1], "documents": 0, "sales": Decimal(0),
                    "points_redeemed": 0, "loyalty_discount": Decimal(0),
                    "gst_foregone": Decimal(0),
                },
            )  # fmt: skip
            r["documents"] += 1
            r["sales"] += sign * inv.totals.grand_total
            r["points_redeemed"] += sign * inv.loyalty.points_redeemed
            r["loyalty_discount"] += sign * inv.totals.loyalty_discount
            r["gst_foregone"] += sign * inv.totals.gst_foregone
    lines = [rows[k] for k in sorted(rows)]
    total = {
        key: sum((r[key] for r in lines), Decimal(0))
        for key in ("sales", "loyalty_discount", "gst_foregone")
    }
    out = [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in lines]
    return {
        "date": day.isoformat(),
        "rows": out,
        "totals": {
            **{k: str(v) for k, v in total.items()},
            "documents": sum(r["documents"] for r in lines),
            "points_redeemed": sum(r["points_redeemed"] for r in lines),
        },
    }


@router.get("/dashboard/today")
def today(c: auth.Admin, request: Request) -> dict[str, Any]:
    return today_figures(auth.store_of(request), dt.datetime.now(IST).date())


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE"}},
)
def all_events(c: auth.Admin, request: Request) -> StreamingResponse:
    """Every store's commits, returns and syncs as they happen."""
    return StreamingResponse(
        request.app.state.live.stream(None, keepalive=5.0),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
