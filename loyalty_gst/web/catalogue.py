"""Items the desk bills by SKU or barcode, and the till's store and registration: from the
company set up in the database (`loyalty-gst setup`); nothing else is looked at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalty_gst.company import db as company_db
from loyalty_gst.errors import NotFound
from loyalty_gst.models import Seller
from loyalty_gst.store import Store


def _company(store: Store | None) -> Any:
    if store is None:
        raise NotFound("no company set up (run `loyalty-gst setup FILE.yaml --db URL`)")
    try:
        return company_db.current(store)
    except company_db.NotSetUp:
        raise NotFound("no company set up (run `loyalty-gst setup FILE.yaml --db URL`)") from None


def find_item(store: Store | None, code: str) -> dict[str, Any]:
    """The item as a sale line's fields (price before tax, or MRP with `mrp` true)."""
    want = code.strip()
    co = _company(store)
    try:
        it = co.item(want)
    except Exception:
        raise NotFound(f"no item with SKU or barcode {want[:40]!r}") from None
    return {
        "sku": it.sku, "description": it.description, "hsn": it.hsn, "unit": it.unit,
        "price": str(it.unit_price), "gst_rate": str(it.gst_rate),
        "cess_rate": str(it.cess_rate), "redeemable": it.redeemable,
        "mrp": it.prices_include_tax,
    }  # fmt: skip


def seller_of(store_code: str, store: Store | None) -> Seller:
    return _company(store).seller(store_code)  # type: ignore[no-any-return]


def sale_line(item: dict[str, Any], qty: Decimal) -> dict[str, Any]:
    return {
        "sku": item["sku"],
        "description": item.get("description", ""),
        "hsn": item["hsn"],
        "qty": str(qty),
        "unit": item.get("unit", "NOS"),
        "unit_price": str(item.get("price") or item.get("unit_price")),
        "gst_rate": str(item["gst_rate"]),
        "cess_rate": str(item.get("cess_rate", "0")),
        "redeemable": bool(item.get("redeemable", True)),
    }
