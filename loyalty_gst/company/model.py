"""The company file a retailer writes (`loyalty-gst setup FILE.yaml`): one typed model.

Shapes and types are pydantic's; the rules that cross fields (GSTIN check character and
its state and PAN, a store's registration, unique SKUs and barcodes, series ≤ 16
characters) are in `company.checks`, so every problem of a file is reported at once.

The printer reads the company particulars (`Particulars`: name, address, logo,
signatory, UPI VPA, B2C dynamic QR) and each registration's address; the service reads
registrations, stores, tills, items, the program and the number series.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from loyalty_gst.models import DECIMAL_IN, Seller, _no_float
from loyalty_gst.program import Program

Dec = Annotated[Decimal, BeforeValidator(_no_float), DECIMAL_IN]
Channel = Literal["store", "web", "app"]
DocKind = Literal["invoice", "credit_note", "debit_note"]


def _text(value: object) -> object:
    """YAML reads 400050 and 07 as numbers; codes are text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Code = Annotated[str, BeforeValidator(_text)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# The values each WhatsApp message can carry, by template: a template approved for the
# company's number names which of them fill its body, in its own order.
MESSAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "otp": ("code",),
    "earn": ("invoice", "points", "balance"),
    "redeem": ("invoice", "points", "discount", "balance"),
    "reminders": ("points", "expires_on", "balance"),
    "tier": ("tier", "balance"),
}
MessageKind = Literal["otp", "earn", "redeem", "reminders", "tier"]


class MessageTemplate(_Frozen):
    """A WhatsApp template of the company's: its approved name and, optionally, which of the
    message's values fill its body parameters and in what order (default: all, in the
    order of MESSAGE_FIELDS)."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    parameters: tuple[str, ...] | None = None


class Particulars(_Frozen):
    """What every printed document carries about the company (Rule 46 (a), signatory)."""

    name: str = Field(min_length=3, max_length=100)  # legal name
    pan: str
    trade_name: str | None = None
    address: str | None = Field(default=None, max_length=200)  # registered office
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    logo: str | None = None  # image file, relative to the company file; stored as bytes
    signatory: str | None = Field(default=None, max_length=100)  # "for … / Authorised Signatory"
    upi_vpa: str | None = Field(default=None, pattern=r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z]{2,64}$")
    b2c_dynamic_qr: bool = False  # print the UPI payment QR on B2C invoices
    whatsapp_templates: dict[MessageKind, MessageTemplate] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_parameters(self) -> Particulars:
        for kind, t in self.whatsapp_templates.items():
            unknown = [p for p in t.parameters or () if p not in MESSAGE_FIELDS[kind]]
            if unknown:
                raise ValueError(
                    f"whatsapp_templates.{kind}.parameters: {', '.join(unknown)} not among "
                    f"{', '.join(MESSAGE_FIELDS[kind])}"
                )
        return self


class Registration(_Frozen):
    """One GSTIN of the company, in one state, with its principal place of business."""

    gstin: str
    state_code: Code
    legal_name: str | None = Field(default=None, min_length=3, max_length=100)  # default: name
    trade_name: str | None = None
    address: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=3, max_length=50)
    pincode: Code
    phone: str | None = None
    email: str | None = None

    def seller(self, company: Particulars) -> Seller:
        return Seller(
            gstin=self.gstin,
            legal_name=self.legal_name or company.name,
            trade_name=self.trade_name or company.trade_name,
            address=self.address,
            city=self.city,
            pincode=self.pincode,
        )


class SeriesSpec(_Frozen):
    """A number series: `prefix` (may hold {fy}, e.g. 2526, and {till}) then `digits` digits.

    One counter per store, kind, till and financial year: it restarts at 1 on 1 April."""

    invoice: str
    credit_note: str
    debit_note: str | None = None
    digits: int = Field(default=5, ge=1, le=10)

    def prefix(self, kind: DocKind) -> str | None:
        return {"invoice": self.invoice, "credit_note": self.credit_note}.get(kind, self.debit_note)


class StoreSpec(_Frozen):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9\-]*$")
    name: str = Field(min_length=1, max_length=100)
    channel: Channel = "store"
    registration: str  # the GSTIN it bills under
    address: str | None = Field(default=None, max_length=100)
    city: str = Field(min_length=3, max_length=50)
    pincode: Code
    tills: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,2}$")], ...] = ()
    series: SeriesSpec


class ItemSpec(_Frozen):
    sku: Code = Field(min_length=1, max_length=100)
    barcode: Code | None = Field(default=None, min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=300)
    hsn: Code
    unit: str
    gst_rate: Dec
    cess_rate: Dec = Decimal(0)
    price: Dec | None = Field(default=None, ge=0)  # before tax
    mrp: Dec | None = Field(default=None, ge=0)  # tax included (maximum retail price)
    redeemable: bool = True
    is_service: bool | None = None
    tax_category: Literal["taxable", "nil_rated", "exempt", "non_gst"] | None = None

    @property
    def unit_price(self) -> Decimal:
        return self.mrp if self.mrp is not None else (self.price or Decimal(0))

    @property
    def prices_include_tax(self) -> bool:
        return self.mrp is not None


class CompanyFile(_Frozen):
    """The whole file. `program` lists the program's versions, each with its `effective`
    date: an invoice is priced and earns under the version in force on its date."""

    company: Particulars
    registrations: tuple[Registration, ...] = Field(min_length=1)
    stores: tuple[StoreSpec, ...] = Field(min_length=1)
    items: tuple[ItemSpec, ...] = ()
    program: tuple[Program, ...] = Field(min_length=1)


def financial_year(day: dt.date) -> str:
    """'2526' for any day from 1 Apr 2025 to 31 Mar 2026."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start % 100:02d}{(start + 1) % 100:02d}"


def render_prefix(template: str, *, day: dt.date, till: str | None) -> str:
    return template.replace("{fy}", financial_year(day)).replace("{till}", till or "")


def company_json_schema() -> dict[str, object]:
    doc = CompanyFile.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "loyalty-gst company file"
    return doc
