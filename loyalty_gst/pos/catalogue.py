"""What a till sells with, as the server set it up and the till cached it for offline
billing: the program and the presence key (`/v1/program`), its store (tills, number
series), the registration it bills under, the company's particulars and the items
(`/v1/catalogue`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from loyalty_gst import program as pg
from loyalty_gst.company.model import ItemSpec, StoreSpec
from loyalty_gst.models import SaleLine, Seller
from loyalty_gst.pos.client import Client, Offline, Refused
from loyalty_gst.pos.local import Local


class Catalogue:
    def __init__(self, api: Client, local: Local, store_code: str) -> None:
        self.api = api
        self.local = local
        self.store_code = store_code
        self._seen: tuple[str, dict[str, Any]] | None = None

    def refresh(self) -> None:
        """The program, the presence key and the catalogue, from the server."""
        data = self.api.call("GET", "/v1/program")
        cat = self.api.call("GET", "/v1/catalogue")
        if cat["store"]["code"] != self.store_code:
            raise Refused("forbidden", f"this till's token is for {cat['store']['code']}")
        with self.local.begin() as conn:
            self.local.put(conn, "program", json.dumps(data["program"]))
            self.local.put(conn, "presence_key", data["presence_public_key"])
            self.local.put(conn, "catalogue", json.dumps(cat))

    def program(self) -> pg.Program:
        text = self.local.get("program")
        if text is None:
            raise Refused("not_ready", "the terminal has no program yet: run it online once")
        return pg.Program.model_validate_json(text)

    def _catalogue(self) -> dict[str, Any]:
        text = self.local.get("catalogue")
        if text is None:
            try:
                self.refresh()
            except Offline:
                raise Refused(
                    "not_ready", "the terminal has no catalogue yet: run it online once"
                ) from None
            text = self.local.get("catalogue")
            assert text is not None
        if self._seen is None or self._seen[0] != text:
            self._seen = (text, json.loads(text))
        return self._seen[1]

    @property
    def store(self) -> StoreSpec:
        return StoreSpec.model_validate(self._catalogue()["store"])

    @property
    def seller(self) -> Seller:
        return Seller.model_validate(self._catalogue()["seller"])

    @property
    def company(self) -> dict[str, Any]:
        return dict(self._catalogue()["company"])

    def items(self) -> list[ItemSpec]:
        return [ItemSpec.model_validate(it) for it in self._catalogue()["items"]]

    def item(self, code: str) -> ItemSpec:
        """An item by SKU or barcode."""
        for it in self.items():
            if code in (it.sku, it.barcode):
                return it
        raise Refused("unknown_item", f"no item with SKU or barcode {code}")

    def lines_for(self, picks: list[tuple[str, Decimal]]) -> tuple[list[SaleLine], bool]:
        """Sale lines for (SKU or barcode, quantity) picks, and whether prices include tax."""
        items = [(self.item(code), qty) for code, qty in picks]
        inclusive = {it.prices_include_tax for it, _ in items}
        if len(inclusive) > 1:
            raise Refused(
                "mixed_pricing",
                "items at MRP (tax included) and items priced before tax: bill them separately",
            )
        return [line_of(it, qty) for it, qty in items], inclusive.pop()


def line_of(item: ItemSpec, qty: int | Decimal = 1) -> SaleLine:
    """A sale line for an item as set up."""
    return SaleLine(
        sku=item.sku,
        description=item.description[:100],
        hsn=item.hsn,
        qty=Decimal(qty),
        unit=item.unit,
        unit_price=item.unit_price,
        gst_rate=item.gst_rate,
        cess_rate=item.cess_rate,
        redeemable=item.redeemable,
        is_service=item.is_service,
        tax_category=item.tax_category,
    )
