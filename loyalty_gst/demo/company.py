"""The demo's company and members, shipped inside the package (`loyalty_gst/demo/data/`):
`company.yaml` is set up through the same `loyalty-gst setup` path a retailer uses, and
`customers.json` holds the members who shop on the demo's day. Only the demo, the
benchmarks and the tests read these; the service, the API and the tills read the company
from the database."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from loyalty_gst import company as co
from loyalty_gst.models import Buyer, Seller
from loyalty_gst.program import ProgramBook
from loyalty_gst.store import Store as Database

DATA = Path(__file__).resolve().parent / "data"  # package data: in the wheel as in the tree
COMPANY_FILE = DATA / "company.yaml"


def _load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Store:
    code: str
    name: str
    state_code: str
    city: str
    pincode: str
    channel: str  # store | web | app


@dataclass(frozen=True)
class Catalogue:
    company: dict[str, Any]
    sellers: dict[str, Seller]  # state code -> our registration there
    stores: tuple[Store, ...]
    items: tuple[dict[str, Any], ...]
    customers: tuple[dict[str, Any], ...]
    file: co.CompanyFile
    logo: bytes | None = None

    @property
    def book(self) -> ProgramBook:
        return ProgramBook(versions=self.file.program)

    def seller_for(self, store: Store) -> Seller:
        return self.sellers[store.state_code]

    def seller_of(self, store_code: str) -> Seller:
        """The registration the store with this code bills under."""
        return self.seller_for(next(st for st in self.stores if st.code == store_code))

    def business_buyer(self, customer: dict[str, Any]) -> Buyer | None:
        b = customer.get("business")
        return Buyer(**b) if b else None


def _item(it: co.ItemSpec) -> dict[str, Any]:
    return {
        "sku": it.sku,
        "barcode": it.barcode,
        "description": it.description,
        "hsn": it.hsn,
        "unit": it.unit,
        "price": f"{it.unit_price:.2f}",
        "gst_rate": str(it.gst_rate),
        "cess_rate": str(it.cess_rate),
        "prices_include_tax": it.prices_include_tax,
        "is_service": bool(it.is_service),
        "redeemable": it.redeemable,
    }


@lru_cache(maxsize=1)
def load() -> Catalogue:
    cf, logo = co.read(COMPANY_FILE)
    regs = {r.gstin: r for r in cf.registrations}
    sellers = {r.state_code: r.seller(cf.company) for r in cf.registrations}
    stores = tuple(
        Store(
            code=st.code,
            name=st.name,
            state_code=regs[st.registration].state_code,
            city=st.city,
            pincode=st.pincode,
            channel=st.channel,
        )
        for st in cf.stores
    )
    return Catalogue(
        company=cf.company.model_dump(mode="json"),
        sellers=sellers,
        stores=stores,
        items=tuple(_item(it) for it in cf.items),
        customers=tuple(_load("customers")),
        file=cf,
        logo=logo,
    )


def set_up(db: Database) -> co.Report:
    """The demo's company in this database, as `loyalty-gst setup` of `COMPANY_FILE`."""
    cat = load()
    return co.write(db, cat.file, cat.logo, today=dt.date(2025, 4, 1))
