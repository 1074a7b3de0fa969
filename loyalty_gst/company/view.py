"""The company as the running service sees it: one frozen value read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from loyalty_gst.company.model import (
    CompanyFile,
    ItemSpec,
    Particulars,
    Registration,
    StoreSpec,
)
from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import Seller
from loyalty_gst.program import ProgramBook


@dataclass(frozen=True)
class Company:
    particulars: Particulars
    logo: bytes | None
    registrations: tuple[Registration, ...]
    stores: tuple[StoreSpec, ...]
    items: tuple[ItemSpec, ...]
    program: ProgramBook
    revision: int = 0

    @cached_property
    def _stores(self) -> dict[str, StoreSpec]:
        return {st.code: st for st in self.stores}

    @cached_property
    def _regs(self) -> dict[str, Registration]:
        return {r.gstin.upper(): r for r in self.registrations}

    @cached_property
    def _skus(self) -> dict[str, ItemSpec]:
        return {it.sku: it for it in self.items}

    @cached_property
    def _barcodes(self) -> dict[str, ItemSpec]:
        return {it.barcode: it for it in self.items if it.barcode}

    def store(self, code: str) -> StoreSpec:
        try:
            return self._stores[code]
        except KeyError:
            raise InvalidInput.one("store", code, "no such store in the company's setup") from None

    def registration(self, gstin: str) -> Registration:
        try:
            return self._regs[gstin.upper()]
        except KeyError:
            raise InvalidInput.one("gstin", gstin, "not a registration of the company") from None

    def seller(self, store_code: str) -> Seller:
        """The registration a store bills under, as the Seller of its documents."""
        return self.registration(self.store(store_code).registration).seller(self.particulars)

    def item(self, code: str) -> ItemSpec:
        """An item by SKU or barcode."""
        found = self._skus.get(code) or self._barcodes.get(code)
        if found is None:
            raise InvalidInput.one("item", code, "no item with that SKU or barcode")
        return found

    def as_file(self) -> CompanyFile:
        return CompanyFile(
            company=self.particulars,
            registrations=self.registrations,
            stores=self.stores,
            items=self.items,
            program=self.program.versions,
        )
