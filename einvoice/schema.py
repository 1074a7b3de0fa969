"""INV-01 v1.1 (NIC e-invoice schema) as frozen pydantic models, and its JSON.

Every block of the schema: Transaction, DocDtls, SellerDtls, BuyerDtls, DispDtls, ShipDtls,
ItemList, ValDtls, PayDtls, RefDtls, AddlDocDtls, ExpDtls, EwbDtls, with the schema's
lengths, patterns, ranges and decimals (amounts 2 dp, quantities/unit prices/rates 3 dp,
never negative; RndOffAmt −99.99…99.99). Field names are the IRP's keys exactly.

`dumps` writes the IRP's JSON: amounts as JSON numbers (never via float), and no empty
values — None, "" and empty blocks are left out.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

_DATE = r"^[0-3][0-9]/[0-1][0-9]/[0-9]{4}$"
_GSTIN = r"^([0-9]{2}[0-9A-Z]{13})$"
_NAME_MAX = 100

# A free-text field: no '"' or '\' (the IRP rejects them), trimmed.
Text = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r'^[^"\\]*$')]


def _places(n: int) -> Any:
    """At most `n` decimal places, as a value (1.230 is 1.23): checked inside pydantic-core."""
    return Field(multiple_of=Decimal(1).scaleb(-n))


MAX_AMOUNT = Decimal("99999999999999.99")
AmountT = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT), _places(2)]
QtyT = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.999")), _places(3)]
PriceT = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.999")), _places(3)]
RateT = Annotated[Decimal, Field(ge=0, le=Decimal("999.999")), _places(3)]
RoundOffT = Annotated[Decimal, Field(ge=Decimal("-99.99"), le=Decimal("99.99")), _places(2)]
PinT = Annotated[int, Field(ge=100000, le=999999)]
StateCodeT = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}$")]
DateT = Annotated[str, StringConstraints(pattern=_DATE)]
YN = Literal["Y", "N"]


def _text(lo: int, hi: int) -> Any:
    return Annotated[Text, StringConstraints(min_length=lo, max_length=hi)]


class Block(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Transaction(Block):
    TaxSch: Literal["GST"] = "GST"
    SupTyp: Literal["B2B", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"]
    RegRev: YN | None = None
    EcmGstin: Annotated[str, StringConstraints(pattern=_GSTIN)] | None = None
    IgstOnIntra: YN | None = None


class Document(Block):
    Typ: Literal["INV", "CRN", "DBN"]
    # case-insensitive from 1 Jun 2025; first character not 0, '/' or '-'
    No: Annotated[str, StringConstraints(pattern=r"^[A-Za-z1-9][A-Za-z0-9/-]{0,15}$")]
    Dt: DateT


class Seller(Block):
    Gstin: Annotated[str, StringConstraints(pattern=_GSTIN)]
    LglNm: _text(3, _NAME_MAX)
    TrdNm: _text(3, _NAME_MAX) | None = None
    Addr1: _text(1, 100)
    Addr2: _text(3, 100) | None = None
    Loc: _text(3, 50)
    Pin: PinT
    Stcd: StateCodeT
    Ph: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,12}$")] | None = None
    Em: _text(6, 100) | None = None


class Buyer(Block):
    Gstin: Annotated[str, StringConstraints(pattern=r"^([0-9]{2}[0-9A-Z]{13}|URP)$")]
    LglNm: _text(3, _NAME_MAX)
    TrdNm: _text(3, _NAME_MAX) | None = None
    Pos: StateCodeT
    Addr1: _text(1, 100)
    Addr2: _text(3, 100) | None = None
    Loc: _text(3, 100)
    Pin: PinT
    Stcd: StateCodeT
    Ph: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,12}$")] | None = None
    Em: _text(6, 100) | None = None


class Dispatch(Block):
    Nm: _text(3, 100)
    Addr1: _text(1, 100)
    Addr2: _text(3, 100) | None = None
    Loc: _text(3, 100)
    Pin: PinT
    Stcd: StateCodeT


class Shipping(Block):
    Gstin: Annotated[str, StringConstraints(pattern=r"^([0-9]{2}[0-9A-Z]{13}|URP)$")] | None = None
    LglNm: _text(3, 100)
    TrdNm: _text(3, 100) | None = None
    Addr1: _text(1, 100)
    Addr2: _text(3, 100) | None = None
    Loc: _text(3, 100)
    Pin: PinT
    Stcd: StateCodeT


class Batch(Block):
    Nm: _text(3, 20)
    ExpDt: DateT | None = None
    WrDt: DateT | None = None


class Attribute(Block):
    Nm: _text(1, 100) | None = None
    Val: _text(1, 100) | None = None


class Item(Block):
    SlNo: Annotated[str, StringConstraints(min_length=1, max_length=6)]
    PrdDesc: _text(3, 300) | None = None
    IsServc: YN
    HsnCd: Annotated[str, StringConstraints(pattern=r"^([0-9]{4}|[0-9]{6}|[0-9]{8})$")]
    Barcde: _text(3, 30) | None = None
    Qty: QtyT | None = None
    FreeQty: QtyT | None = None
    Unit: Annotated[str, StringConstraints(min_length=3, max_length=8)] | None = None
    UnitPrice: PriceT
    TotAmt: AmountT
    Discount: AmountT | None = None
    PreTaxVal: AmountT | None = None
    AssAmt: AmountT
    GstRt: RateT
    IgstAmt: AmountT | None = None
    CgstAmt: AmountT | None = None
    SgstAmt: AmountT | None = None
    CesRt: RateT | None = None
    CesAmt: AmountT | None = None
    CesNonAdvlAmt: AmountT | None = None
    StateCesRt: RateT | None = None
    StateCesAmt: AmountT | None = None
    StateCesNonAdvlAmt: AmountT | None = None
    OthChrg: AmountT | None = None
    TotItemVal: AmountT
    OrdLineRef: _text(1, 50) | None = None
    OrgCntry: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    PrdSlNo: _text(1, 20) | None = None
    BchDtls: Batch | None = None
    AttribDtls: tuple[Attribute, ...] | None = None


class Values(Block):
    AssVal: AmountT
    CgstVal: AmountT | None = None
    SgstVal: AmountT | None = None
    IgstVal: AmountT | None = None
    CesVal: AmountT | None = None
    StCesVal: AmountT | None = None
    Discount: AmountT | None = None
    OthChrg: AmountT | None = None
    RndOffAmt: RoundOffT | None = None
    TotInvVal: AmountT
    TotInvValFc: AmountT | None = None


class Payment(Block):
    Nm: _text(1, 100) | None = None
    AccDet: _text(1, 18) | None = None
    Mode: _text(1, 18) | None = None
    FinInsBr: _text(1, 11) | None = None
    PayTerm: _text(1, 100) | None = None
    PayInstr: _text(1, 100) | None = None
    CrTrn: _text(1, 100) | None = None
    DirDr: _text(1, 100) | None = None
    CrDay: Annotated[int, Field(ge=0, le=9999)] | None = None
    PaidAmt: AmountT | None = None
    PaymtDue: AmountT | None = None


class DocPeriod(Block):
    InvStDt: DateT
    InvEndDt: DateT


class PrecedingDoc(Block):
    InvNo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z1-9][A-Za-z0-9/-]{0,15}$")]
    InvDt: DateT
    OthRefNo: _text(1, 20) | None = None


class Contract(Block):
    RecAdvRefr: _text(1, 20) | None = None
    RecAdvDt: DateT | None = None
    TendRefr: _text(1, 20) | None = None
    ContrRefr: _text(1, 20) | None = None
    ExtRefr: _text(1, 20) | None = None
    ProjRefr: _text(1, 20) | None = None
    PORefr: _text(1, 16) | None = None
    PORefDt: DateT | None = None


class References(Block):
    InvRm: _text(3, 100) | None = None
    DocPerdDtls: DocPeriod | None = None
    PrecDocDtls: tuple[PrecedingDoc, ...] | None = None
    ContrDtls: tuple[Contract, ...] | None = None


class AdditionalDoc(Block):
    Url: _text(3, 100) | None = None
    Docs: _text(3, 1000) | None = None
    Info: _text(3, 1000) | None = None


class Export(Block):
    ShipBNo: _text(1, 20) | None = None
    ShipBDt: DateT | None = None
    Port: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{2,10}$")] | None = None
    RefClm: YN | None = None
    ForCur: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    CntCode: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    ExpDuty: AmountT | None = None


class EwayBill(Block):
    TransId: Annotated[str, StringConstraints(pattern=_GSTIN)] | None = None
    TransName: _text(3, 100) | None = None
    TransMode: Literal["1", "2", "3", "4"] | None = None
    Distance: Annotated[int, Field(ge=0, le=4000)]
    TransDocNo: _text(1, 15) | None = None
    TransDocDt: DateT | None = None
    VehNo: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4,20}$")] | None = None
    VehType: Literal["O", "R"] | None = None


class Inv01(Block):
    """One e-invoice request (INV-01 v1.1)."""

    Version: Literal["1.1"] = "1.1"
    TranDtls: Transaction
    DocDtls: Document
    SellerDtls: Seller
    BuyerDtls: Buyer
    DispDtls: Dispatch | None = None
    ShipDtls: Shipping | None = None
    ItemList: tuple[Item, ...] = Field(min_length=1, max_length=1000)
    ValDtls: Values
    PayDtls: Payment | None = None
    RefDtls: References | None = None
    AddlDocDtls: tuple[AdditionalDoc, ...] | None = None
    ExpDtls: Export | None = None
    EwbDtls: EwayBill | None = None


_NESTED = (dict, list, tuple)


def _prune(value: Any) -> Any:
    """Drop None, "", and blocks/lists left empty (the IRP wants no empty values)."""
    kind = type(value)
    if kind is dict:
        out = {}
        for k, v in value.items():
            # type checks first: comparing a Decimal with "" or {} asks numbers.Rational
            t = type(v)
            if t in _NESTED:
                v = _prune(v)
                if not v:
                    continue
            elif v is None or (t is str and not v):
                continue
            out[k] = v
        return out
    if kind is list or kind is tuple:
        items = []
        for v in value:
            t = type(v)
            if t in _NESTED:
                v = _prune(v)
                if not v:
                    continue
            elif v is None or (t is str and not v):
                continue
            items.append(v)
        return items
    return value


def number_text(value: Decimal) -> str:
    """A Decimal as the JSON number it holds, digit for digit (never through float), in
    positional notation: `format(value, "f")`. str() gives the same text, four times
    faster, whenever it writes no exponent (an exponent ≤ 0 and ≥ 10⁻⁶ in size)."""
    text = str(value)
    return format(value, "f") if "E" in text else text


def _number(value: Any) -> orjson.Fragment:
    """orjson's hook for what it does not know: a Decimal goes out as the JSON number it
    holds, digit for digit (never through float)."""
    if isinstance(value, Decimal):
        return orjson.Fragment(number_text(value))
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode(value: Any, indent: int, level: int = 0) -> str:
    """The indented JSON for widths orjson does not offer (it indents by 2 only)."""
    pad = "\n" + " " * indent * (level + 1)
    end = "\n" + " " * indent * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        parts = (f"{pad}{json.dumps(k)}: {_encode(v, indent, level + 1)}" for k, v in value.items())
        return "{" + ",".join(parts) + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + ",".join(f"{pad}{_encode(v, indent, level + 1)}" for v in value) + end + "]"
    return orjson.dumps(value, default=_number).decode()


def to_dict(inv: Inv01) -> dict[str, Any]:
    """The payload as plain Python (Decimals kept), without empty values."""
    result: dict[str, Any] = _prune(inv.model_dump(mode="python", exclude_none=True))
    return result


_fragment = orjson.Fragment


def _json_tree(block: Block) -> dict[str, Any]:
    """A block as orjson's input in one walk: None and "" left out, so are blocks and lists
    left empty; each Decimal as a raw JSON number (`number_text`, digit for digit)."""
    out: dict[str, Any] = {}
    for key, value in block.__dict__.items():
        if value is None:
            continue
        kind = type(value)
        if kind is Decimal:
            text = str(value)  # number_text, inlined: this runs for every amount
            out[key] = _fragment(format(value, "f") if "E" in text else text)
        elif kind is str:
            if value:
                out[key] = value
        elif kind is tuple:
            items = [tree for b in value if (tree := _json_tree(b))]
            if items:
                out[key] = items
        elif isinstance(value, Block):
            tree = _json_tree(value)
            if tree:
                out[key] = tree
        else:
            out[key] = value
    return out


def dumps(inv: Inv01 | dict[str, Any], indent: int | None = None) -> str:
    """The IRP's JSON for a payload (orjson, a C encoder); numbers stay exact (Decimal,
    never float)."""
    if indent is None or indent == 2:
        option = orjson.OPT_INDENT_2 if indent else 0
        if isinstance(inv, Inv01):
            return orjson.dumps(_json_tree(inv), option=option).decode()
        return orjson.dumps(_prune(inv), default=_number, option=option).decode()
    data = to_dict(inv) if isinstance(inv, Inv01) else _prune(inv)
    return _encode(data, indent)


def loads(text: str | bytes) -> dict[str, Any]:
    """JSON → dict with every non-integer number read as Decimal."""
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data
