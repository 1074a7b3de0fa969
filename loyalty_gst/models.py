"""The contract: a `Sale` goes in, one `TaxedInvoice` comes out; every renderer reads it.

Pydantic v2, frozen. Amounts are `Decimal`, serialised as strings with 2 decimals
(quantities and unit prices with 3); floats are refused on input. Fields may be added
to these models; none may be renamed (the CLI, the API, fixtures and tests use them).
Field-level rules (GSTIN check character, PIN vs state, HSN, UQC, rates) live in
`validation.py`, so a whole sale is checked at once and every problem is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

# the contract's amounts live in amounts.py; importers of models keep finding them here
from loyalty_gst.amounts import (  # noqa: F401
    _AMOUNT,
    AMOUNT_LIMIT,
    AMOUNT_PATTERN,
    DECIMAL_IN,
    TEXT_PATTERN,
    Amount,
    Money,
    Qty,
    QtyOut,
    Rate,
    RateOut,
    Text,
    _no_float,
    _str2,
    _str3,
    _strn,
)
from loyalty_gst.ids.codes import is_service_hsn

DocKind = Literal["invoice", "credit_note", "debit_note"]
Basis = Literal["taxable", "bill"]
Treatment = Literal["pre_tax_discount", "tender"]
Supply = Literal["intra", "inter"]
# GST category of the supply (INV-01 TranDtls.SupTyp is derived from it).
Category = Literal["B2B", "B2C", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"]
TaxCategory = Literal["taxable", "nil_rated", "exempt", "non_gst"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Seller(_Frozen):
    gstin: Text
    legal_name: Text = Field(min_length=3, max_length=100)
    trade_name: Text | None = Field(default=None, max_length=100)
    address: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=3, max_length=50)
    pincode: Text


class Buyer(_Frozen):
    gstin: Text | None = None
    legal_name: Text = Field(min_length=3, max_length=100)
    address: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=3, max_length=50)
    pincode: Text
    state_code: Text
    country: Text = "IN"
    mobile: Text | None = Field(default=None, max_length=16)


class SaleLine(_Frozen):
    sku: Text = Field(min_length=1, max_length=100)
    description: Text = Field(default="", max_length=300)
    hsn: Text
    qty: Qty
    unit: Text
    unit_price: Qty
    gst_rate: Rate
    cess_rate: Rate = Decimal(0)
    discount: Money = Decimal(0)
    redeemable: bool = True
    is_service: bool | None = None
    tax_category: TaxCategory | None = None

    @model_validator(mode="after")
    def _derive(self) -> SaleLine:
        if self.is_service is None:
            object.__setattr__(self, "is_service", is_service_hsn(self.hsn))
        if self.tax_category is None:
            object.__setattr__(
                self, "tax_category", "nil_rated" if self.gst_rate == 0 else "taxable"
            )
        return self


def bounded(pattern: str, low: int, high: int, rule: str, below: Decimal | None = None) -> Any:
    """An input amount above 0 — as text matching `pattern`, or an integer in [low, high]
    — and at most `high` (below `below` if given, as the pattern's text allows): the JSON
    schema states exactly what the validator takes."""
    shape = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not shape.search(value):
            raise ValueError(rule)
        value = _no_float(value)
        if isinstance(value, Decimal):
            top_ok = value < below if below is not None else value <= high
            if not (value > 0 and top_ok):
                raise ValueError(rule)
        return value

    return (
        BeforeValidator(check),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": pattern},
                    {"type": "integer", "minimum": low, "maximum": high},
                ]
            }
        ),
    )


# a positive fraction below 1 with at most 6 decimals: 0.5, 0.25, 0.050 (not 0 or 0.000)
FRACTION = (
    r"0\.([1-9][0-9]{0,5}|0[1-9][0-9]{0,4}|00[1-9][0-9]{0,3}|000[1-9][0-9]{0,2}"
    r"|0000[1-9][0-9]?|00000[1-9])"
)
# ₹ a point: above 0, below ₹10,00,000, at most 6 decimals
POINT_VALUE = Annotated[
    Decimal,
    *bounded(
        rf"^({FRACTION}|[1-9][0-9]{{0,5}}(\.[0-9]{{1,6}})?)$", 1, 999_999,
        "a point's value in rupees: above 0, below 1000000, at most 6 decimals",
        Decimal(1_000_000),
    ),
]  # fmt: skip
# a share of the bill in percent: above 0, at most 100
PERCENT = Annotated[
    Decimal,
    *bounded(
        rf"^(100(\.0{{1,6}})?|[1-9][0-9]?(\.[0-9]{{1,6}})?|{FRACTION})$", 1, 100,
        "a percentage above 0 and at most 100, at most 6 decimals",
    ),
]  # fmt: skip


class Loyalty(_Frozen):
    points: int = Field(ge=0)
    point_value: POINT_VALUE
    basis: Basis = "taxable"
    treatment: Treatment = "pre_tax_discount"
    # program caps (issue 3 fills them from the program; defaults: no cap)
    min_points: int = Field(default=0, ge=0)
    max_share_percent: PERCENT = Decimal(100)


class DocRef(_Frozen):
    number: str
    date: dt.date


# dates a sale may carry: GST began on 1 Jul 2017; nothing is dated past 2099
FIRST_DAY, LAST_DAY = dt.date(2017, 7, 1), dt.date(2099, 12, 31)
DATE_PATTERN = (
    r"^(2017-(0[7-9]|1[0-2])|20(1[89]|[2-9][0-9])-(0[1-9]|1[0-2]))-(0[1-9]|[12][0-9]|3[01])$"
)


def _sane_date(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"a date between {FIRST_DAY} and {LAST_DAY}")
    return value


SaleDate = Annotated[
    dt.date,
    AfterValidator(_sane_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


class Sale(_Frozen):
    number: Text = Field(min_length=1, max_length=100)
    date: SaleDate
    kind: DocKind = "invoice"
    seller: Seller
    buyer: Buyer | None = None
    place_of_supply: str | None = None
    category: Category | None = None
    prices_include_tax: bool = False
    round_to_rupee: bool = False
    lines: tuple[SaleLine, ...] = Field(min_length=1, max_length=1000)
    loyalty: Loyalty | None = None
    against: DocRef | None = None
    store: Text | None = Field(default=None, max_length=32)
    channel: Text | None = Field(default=None, max_length=16)
    customer: Text | None = Field(default=None, max_length=16)  # the member's mobile, if any


class TaxedLine(_Frozen):
    line_no: int
    sku: str
    description: str = ""
    hsn: str
    is_service: bool = False
    tax_category: TaxCategory = "taxable"
    redeemable: bool = True
    qty: QtyOut
    unit: str
    unit_price: QtyOut
    gst_rate: RateOut
    cess_rate: RateOut = Decimal(0)
    gross: Amount
    trade_discount: Amount
    taxable_before_loyalty: Amount
    loyalty_discount: Amount  # pre-tax discount on this line: taxable before − after loyalty
    loyalty_value: Amount = Decimal(0)  # this line's share of the points' rupee value
    taxable_value: Amount
    cgst: Amount
    sgst: Amount
    igst: Amount
    cess: Amount
    total: Amount
    gst_foregone: Amount = Decimal(0)  # tax the loyalty discount took off this line


class Charge(_Frozen):
    """A charge outside GST on the bill (ERPNext's "Actual" tax row: freight, packing):
    part of the invoice value, taxed nowhere (INV-01 ValDtls.OthChrg)."""

    description: str
    amount: Amount


class Totals(_Frozen):
    gross: Amount
    trade_discount: Amount
    taxable_before_loyalty: Amount
    loyalty_discount: Amount
    taxable_value: Amount
    cgst: Amount
    sgst: Amount
    igst: Amount
    cess: Amount
    tax: Amount
    round_off: Amount
    grand_total: Amount
    amount_payable: Amount
    gst_foregone: Amount = Decimal(0)
    # a cash / non-trade discount given after tax (ERPNext's is_cash_or_non_trade_discount):
    # it lowers what is paid, not the taxable value; INV-01 ValDtls.Discount
    after_tax_discount: Amount = Decimal(0)
    # Σ charges outside GST (freight, packing), included in grand_total
    other_charges: Amount = Decimal(0)


class LoyaltyApplied(_Frozen):
    points_requested: int = 0
    points_redeemed: int
    point_value: Annotated[Decimal, BeforeValidator(_no_float), DECIMAL_IN] = Decimal(0)
    value: Money
    treatment: Treatment
    basis: Basis = "taxable"


class TaxedInvoice(_Frozen):
    # identity, copied from the sale
    number: str
    date: dt.date
    kind: DocKind
    seller: Seller
    buyer: Buyer | None = None
    category: Category
    against: DocRef | None = None
    store: str | None = None
    channel: str | None = None
    customer: str | None = None
    prices_include_tax: bool = False
    round_to_rupee: bool = False
    # computed
    supply: Supply
    place_of_supply: str
    reverse_charge: bool = False
    lines: tuple[TaxedLine, ...]
    totals: Totals
    loyalty: LoyaltyApplied
    charges: tuple[Charge, ...] = ()

    @property
    def seller_state(self) -> str:
        return self.seller.gstin[:2]

    @property
    def is_b2b(self) -> bool:
        return self.buyer is not None and bool(self.buyer.gstin)


class ReturnLine(_Frozen):
    """A line of a credit note: which line of the original, how much of it comes back."""

    line_no: int = Field(ge=1)
    qty: Qty


M = TypeVar("M", bound=BaseModel)


def computed(model: type[M], **values: Any) -> M:
    """A model instance from values the pure core computed, skipping re-validation.

    For the hot path of `gst.compute` only: every value must already be of its field's
    type (Decimals, tuples of models, …) — they are, by construction, as the core makes
    them from a validated Sale. Absent fields take their defaults. The instance is the one
    validation would give (same fields, equal), frozen like any other.
    """
    return computed_from(model, values)


def computed_from(model: type[M], values: dict[str, Any]) -> M:
    """`computed` with the values as a dict (the dict becomes the instance's own)."""
    known = _DEFAULTS.get(model)
    if known is None:
        known = _DEFAULTS[model] = _defaults_of(model)
    count, defaults, every = known
    if len(values) == count:
        # every field given (the core's usual case): all instances share one set of names,
        # safe because a frozen model never adds to it and model_copy copies it first
        given = every
    else:
        # the core gives the same names at each call site: share their set too (bounded)
        names = (model, *values)
        given = _GIVEN.get(names)
        if given is None:
            given = set(values)
            if len(_GIVEN) < 256:
                _GIVEN[names] = given
        for name, default in defaults.items():
            values.setdefault(name, default)
    obj = model.__new__(model)
    _setattr(obj, "__dict__", values)
    _setattr(obj, "__pydantic_fields_set__", given)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


def _defaults_of(model: type[BaseModel]) -> tuple[int, dict[str, Any], set[str]]:
    fields = model.model_fields
    if any(f.default_factory for f in fields.values()):
        raise TypeError(f"{model.__name__}: a default factory needs validation")
    if not model.model_config.get("frozen"):
        raise TypeError(f"{model.__name__}: only frozen models share their set of fields")
    defaults = {name: f.default for name, f in fields.items() if not f.is_required()}
    return len(fields), defaults, set(fields)


_setattr = object.__setattr__
_DEFAULTS: dict[type[BaseModel], tuple[int, dict[str, Any], set[str]]] = {}
_GIVEN: dict[tuple[Any, ...], set[str]] = {}


def sale_json_schema() -> dict[str, Any]:
    return Sale.model_json_schema(mode="validation")


def taxed_invoice_json_schema() -> dict[str, Any]:
    return TaxedInvoice.model_json_schema(mode="serialization")
