"""What the billing desk needs beside /v1 lookup, presence, quote and commit: who the
token is, items by SKU or barcode, a draft sale with the next number of the store's series
(`company.series`), and the
member's WhatsApp opt-in taken at the till."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from loyalty_gst import identity
from loyalty_gst.company import db as company_db
from loyalty_gst.company import series
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import bounded
from loyalty_gst.privacy import consent
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store
from loyalty_gst.web import auth, catalogue

router = APIRouter(prefix="/v1/desk", tags=["desk"])


# a line's quantity: above 0, at most 10,000, at most 3 decimals (schema = validator)
DraftQty = Annotated[
    Decimal,
    *bounded(
        r"^(10000(\.0{1,3})?|[1-9][0-9]{0,3}(\.[0-9]{1,3})?"
        r"|0\.([1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$",
        1, 10000, "a quantity above 0, at most 10000, at most 3 decimals",
    ),
]  # fmt: skip


class DraftLine(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    qty: DraftQty


class DraftRequest(BaseModel):
    lines: list[DraftLine] = Field(min_length=1, max_length=200)
    mobile: str | None = Field(default=None, max_length=20)


class DeskConsent(BaseModel):
    mobile: str = Field(max_length=20)
    purposes: list[str] = Field(max_length=10)
    wording: str = consent.CURRENT_WORDING


@router.get("/whoami")
def whoami(c: auth.Caller) -> dict[str, str | None]:
    return {"kind": c.kind, "store": c.store_code, "gstin": c.gstin, "terminal": c.terminal}


@router.get("/items/{code}")
def item(c: auth.Till, request: Request, code: str = Path(max_length=64)) -> dict[str, Any]:
    return catalogue.sale_line(catalogue.find_item(auth.store_of(request), code), Decimal(1))


def next_number(store: Store, store_code: str, till: str | None, day: dt.date) -> str:
    """The next number of the store's invoice series for this desk's till (the company's
    series, as a till's own numbers): it moves on only once a document holds the last one,
    so GSTR-1 doc_issue sees no gaps from drafts that were never billed."""
    co = company_db.current(store)
    gstin = co.seller(store_code).gstin
    with store.begin() as conn:
        return series.reserve(conn, co.store(store_code), "invoice", day, till, seller_gstin=gstin)


@router.post("/draft")
def draft(req: DraftRequest, c: auth.Till, request: Request) -> dict[str, Any]:
    """The Sale to quote and commit: this till's store and registration, today, the next
    number, the items' prices and rates (the server's, never the page's)."""
    assert c.store_code is not None
    today = dt.datetime.now(IST).date()
    st = auth.store_of(request)
    items = [(catalogue.find_item(st, ln.code), ln.qty) for ln in req.lines]
    if len({bool(it.get("mrp")) for it, _ in items}) > 1:
        raise InvalidInput.one("lines", "…", "bill MRP items and items priced before tax apart")
    lines = [catalogue.sale_line(it, qty) for it, qty in items]
    seller = catalogue.seller_of(c.store_code, st)
    return {
        "number": next_number(st, c.store_code, c.terminal, today),
        "date": today.isoformat(),
        "seller": seller.model_dump(mode="json", exclude_none=True),
        "lines": lines,
        "prices_include_tax": bool(items[0][0].get("mrp")),
        "store": c.store_code,
        "customer": identity.normal_mobile(req.mobile) if req.mobile else None,
    }


@router.post("/consent")
def desk_consent(req: DeskConsent, c: auth.Till, request: Request) -> dict[str, bool]:
    """The member's opt-in, asked at the till with the wording shown on the desk page."""
    st = auth.store_of(request)
    with st.begin() as conn:
        a = identity.resolve(conn, phone=req.mobile)
        for p in req.purposes:
            consent.record(conn, a.id, p, True, channel="desk", wording=req.wording)
        now = consent.current(conn, a.id)
    return {p: bool(now.get(p) and now[p].granted) for p in consent.PURPOSES}
