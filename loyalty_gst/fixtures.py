"""The sample data in `fixtures/` (company, stores, items, customers) as typed records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from loyalty_gst.models import Buyer, Seller


def fixtures_dir() -> Path:
    """`fixtures/` of the source tree (editable install) or of the working directory."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (base / "fixtures" / "company.json").exists():
            return base / "fixtures"
    raise FileNotFoundError("fixtures/company.json not found (run from the repository)")


def _load(name: str) -> Any:
    return json.loads((fixtures_dir() / f"{name}.json").read_text(encoding="utf-8"))


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

    def seller_for(self, store: Store) -> Seller:
        return self.sellers[store.state_code]

    def business_buyer(self, customer: dict[str, Any]) -> Buyer | None:
        b = customer.get("business")
        return Buyer(**b) if b else None


@lru_cache(maxsize=1)
def load() -> Catalogue:
    company = _load("company")
    sellers = {
        r["state_code"]: Seller(**{k: v for k, v in r.items() if k != "state_code"})
        for r in company["registrations"]
    }
    return Catalogue(
        company=company,
        sellers=sellers,
        stores=tuple(Store(**s) for s in company["stores"]),
        items=tuple(_load("items")),
        customers=tuple(_load("customers")),
    )
