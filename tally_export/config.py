"""Tally export settings: ledger names, voucher view, loyalty treatment, chunking.

GST_RULES §5. Every ledger name is configurable, and a mapping file (JSON or YAML) maps
our default names — and party GSTINs, stock-item SKUs, store codes — onto the names a
company's books already use, so vouchers post into existing ledgers instead of
creating near-duplicates.

Mapping file shape (every key optional)::

    ledgers:      {"Output CGST": "CGST Payable", "Sales GST 5%": "Sales @ 5%"}
    parties:      {"27AAPFU0939F1ZV": "Sahyadri Traders"}      # by GSTIN
    stock_items:  {"SHIRT": "Formal Shirt"}                    # by SKU
    cash_sales:   {"MUM-BAN": "Cash - Bandra"}                 # by store code
    settings:     {"view": "invoice", "loyalty": "discount-ledger", "chunk_size": 5000}
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.models import Category
from tally_export.text import clean

View = Literal["invoice", "accounting"]
LoyaltyMode = Literal["discount-ledger", "netted"]

# Tally's GST registration types by our supply category (⚠ a setting: TallyPrime 3+
# also offers "Unregistered/Consumer"; older releases "Unregistered" and "Consumer").
DEFAULT_REGISTRATION_TYPES: dict[str, str] = {
    "B2B": "Regular",
    "B2C": "Consumer",
    "SEZWP": "SEZ",
    "SEZWOP": "SEZ",
    "EXPWP": "Unregistered",
    "EXPWOP": "Unregistered",
    "DEXP": "Regular",
}


class LedgerNames(BaseModel):
    """Default names of the ledgers we create; `{rate}` / `{store}` / `{state}` are filled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sales_taxable: str = "Sales GST {rate}%"
    sales_nil_rated: str = "Sales Nil Rated"
    sales_exempt: str = "Sales Exempt"
    sales_non_gst: str = "Sales Non-GST"
    cgst: str = "Output CGST"
    sgst: str = "Output SGST"
    igst: str = "Output IGST"
    cess: str = "Output Cess"
    loyalty_discount: str = "Loyalty Redemption Discount"
    loyalty_tender: str = "Loyalty Points Redeemed (tender)"
    after_tax_discount: str = "Cash Discount Allowed"
    round_off: str = "Round Off"
    other_charges: str = "Freight and Other Charges"  # charges outside GST on the bill
    cash_sale: str = "Cash Sales - {store}"
    registration: str = "{state} Registration"
    # groups (Tally's reserved groups unless the company renamed them)
    sales_group: str = "Sales Accounts"
    duties_group: str = "Duties & Taxes"
    debtors_group: str = "Sundry Debtors"
    cash_group: str = "Cash-in-Hand"
    discount_group: str = "Indirect Expenses"
    tender_group: str = "Current Liabilities"
    round_off_group: str = "Indirect Expenses"
    other_charges_group: str = "Indirect Incomes"


class TallySettings(BaseModel):
    """How vouchers are shaped; every choice here is a documented setting, not a constant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    company: str = Field(min_length=1)
    view: View = "invoice"
    loyalty: LoyaltyMode = "discount-ledger"
    chunk_size: int = Field(default=5000, ge=1)
    names: LedgerNames = LedgerNames()
    registration_types: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_REGISTRATION_TYPES)
    )
    ledger_map: dict[str, str] = Field(default_factory=dict)
    party_map: dict[str, str] = Field(default_factory=dict)
    stock_item_map: dict[str, str] = Field(default_factory=dict)
    cash_sale_map: dict[str, str] = Field(default_factory=dict)
    # date from which stock-item GST details apply (Tally's APPLICABLEFROM)
    gst_applicable_from: str = "20170701"
    # --- names, after the mapping file, cleaned for XML ---

    def ledger(self, default: str) -> str:
        return clean(self.ledger_map.get(default, default))

    def sales_ledger(self, rate: Decimal, tax_category: str) -> str:
        n = self.names
        if tax_category == "exempt":
            return self.ledger(n.sales_exempt)
        if tax_category == "non_gst":
            return self.ledger(n.sales_non_gst)
        if tax_category == "nil_rated" or rate == 0:
            return self.ledger(n.sales_nil_rated)
        return self.ledger(n.sales_taxable.format(rate=rate_text(rate)))

    def cash_ledger(self, store: str | None) -> str:
        key = store or "Walk-in"
        if key in self.cash_sale_map:
            return clean(self.cash_sale_map[key])
        return self.ledger(self.names.cash_sale.format(store=key))

    def party_ledger(self, gstin: str | None, legal_name: str) -> str:
        if gstin and gstin in self.party_map:
            return clean(self.party_map[gstin])
        return clean(legal_name)

    def stock_item(self, sku: str) -> str:
        return clean(self.stock_item_map.get(sku, sku))

    def registration_type(self, category: Category) -> str:
        return self.registration_types.get(category, "Regular")

    def registration_name(self, state: str) -> str:
        return self.names.registration.format(state=state)


def rate_text(rate: Decimal) -> str:
    """5 → "5", 0.25 → "0.25", 7.50 → "7.5": rate names never carry trailing zeros."""
    return format(rate.normalize(), "f")


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--mapping", str(path), f"cannot read: {exc.strerror}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInput.one("--mapping", str(path), f"not valid YAML: {exc}") from None
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput.one("--mapping", str(path), f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidInput.one("--mapping", str(path), "the mapping must be an object")
    return doc


_SECTIONS = MappingProxyType(
    {
        "ledgers": "ledger_map",
        "parties": "party_map",
        "stock_items": "stock_item_map",
        "cash_sales": "cash_sale_map",
    }
)


def load_settings(company: str, mapping: str | Path | None = None, **over: Any) -> TallySettings:
    """Settings for `company` from an optional mapping file, then keyword overrides."""
    data: dict[str, Any] = {"company": company}
    if mapping is not None:
        doc = _read_mapping(Path(mapping))
        unknown = set(doc) - {*_SECTIONS, "settings", "names", "registration_types"}
        if unknown:
            raise InvalidInput.one("--mapping", sorted(unknown), "unknown section(s)")
        for section, attr in _SECTIONS.items():
            if section in doc:
                data[attr] = {str(k): str(v) for k, v in (doc[section] or {}).items()}
        data.update(doc.get("settings") or {})
        if "names" in doc:
            data["names"] = doc["names"]
        if "registration_types" in doc:
            data["registration_types"] = {
                **DEFAULT_REGISTRATION_TYPES,
                **doc["registration_types"],
            }
    data.update({k: v for k, v in over.items() if v is not None})
    try:
        return TallySettings.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [
                Problem(".".join(str(p) for p in e["loc"]), e.get("input"), e["msg"])
                for e in exc.errors()
            ]
        ) from None


class Names:
    """The settings' names, resolved once and memoised: the voucher hot path asks for the
    same few dozen names a million times (pydantic attribute access is too slow there)."""

    def __init__(self, s: TallySettings) -> None:
        n = s.names
        self.settings = s
        self.cgst, self.sgst = s.ledger(n.cgst), s.ledger(n.sgst)
        self.igst, self.cess = s.ledger(n.igst), s.ledger(n.cess)
        self.loyalty_discount = s.ledger(n.loyalty_discount)
        self.loyalty_tender = s.ledger(n.loyalty_tender)
        self.after_tax_discount = s.ledger(n.after_tax_discount)
        self.round_off = s.ledger(n.round_off)
        self.other_charges = s.ledger(n.other_charges)
        self.netted = s.loyalty == "netted"
        self.invoice_view = s.view == "invoice"
        self._sales: dict[tuple[Decimal, str], str] = {}
        self._items: dict[str, str] = {}
        self._cash: dict[str | None, str] = {}
        self._regtypes: dict[str, str] = dict(s.registration_types)
        self._regnames: dict[str, str] = {}

    def sales_ledger(self, rate: Decimal, tax_category: str) -> str:
        key = (rate, tax_category)
        name = self._sales.get(key)
        if name is None:
            name = self._sales[key] = self.settings.sales_ledger(rate, tax_category)
        return name

    def stock_item(self, sku: str) -> str:
        name = self._items.get(sku)
        if name is None:
            name = self._items[sku] = self.settings.stock_item(sku)
        return name

    def cash_ledger(self, store: str | None) -> str:
        name = self._cash.get(store)
        if name is None:
            name = self._cash[store] = self.settings.cash_ledger(store)
        return name

    def registration_type(self, category: str) -> str:
        return self._regtypes.get(category, "Regular")

    def registration_name(self, state: str) -> str:
        name = self._regnames.get(state)
        if name is None:
            name = self._regnames[state] = self.settings.registration_name(state)
        return name


_NAMES: dict[int, Names] = {}


def names_of(s: TallySettings) -> Names:
    """The memoised `Names` of these settings (kept for the last few settings objects)."""
    got = _NAMES.get(id(s))
    if got is None or got.settings is not s:
        if len(_NAMES) > 16:
            _NAMES.clear()
        got = _NAMES[id(s)] = Names(s)
    return got
