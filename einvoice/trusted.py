"""INV-01 items, values and payload made from the builder's own values, without pydantic's
per-field validation, when plain checks show that validation would accept them.

The builder's item dicts hold texts it cleaned (`text`: no '"' or '\\', single spaces, cut
to the limit), units it mapped to a UQC, quantities and unit prices it rounded to 3
decimals, and amounts and rates copied from a TaxedInvoice. The copied values are what
could break the schema (a discount with 3 decimals, an amount past the limit, an HSN of
5 digits), so `payload` checks each against its field's rule — range, decimal places,
pattern — and the shapes it was given. When every check holds it makes the instances
validation would make (fields in schema order, defaults filled, the same field set);
otherwise it returns None and the builder lets pydantic validate, so every error reads
as it always did. `tests/einvoice/test_einvoice_trusted.py` holds the two paths equal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from einvoice import schema as s

_PAISA = Decimal("0.01")
_MILLI = Decimal("0.001")
_ZERO = Decimal(0)
_MAX = s.MAX_AMOUNT
_MAX_QTY = Decimal("9999999999.999")
_MAX_RATE = Decimal("999.999")
_ROUND_OFF = Decimal("99.99")
# the keys `builder.item` and `builder.val_dtls` write, in schema order
ITEM_KEYS = (
    "SlNo", "PrdDesc", "IsServc", "HsnCd", "Qty", "Unit", "UnitPrice", "TotAmt", "Discount",
    "AssAmt", "GstRt", "IgstAmt", "CgstAmt", "SgstAmt", "CesRt", "CesAmt", "TotItemVal",
)  # fmt: skip
VALUE_KEYS = (
    "AssVal", "CgstVal", "SgstVal", "IgstVal", "CesVal", "Discount", "OthChrg", "RndOffAmt",
    "TotInvVal",
)  # fmt: skip
_ITEM_SET = frozenset(ITEM_KEYS)
_VALUE_SET = frozenset(VALUE_KEYS)
_AMOUNTS = ("TotAmt", "AssAmt", "TotItemVal")
_OPTIONAL_AMOUNTS = ("Discount", "IgstAmt", "CgstAmt", "SgstAmt", "CesAmt")
_TOTALS = ("CgstVal", "SgstVal", "IgstVal", "CesVal", "Discount", "OthChrg")
# blocks the caller may pass whole (already validated models) or leave out
_GIVEN = {
    "DispDtls": s.Dispatch,
    "ShipDtls": s.Shipping,
    "PayDtls": s.Payment,
    "RefDtls": s.References,
    "ExpDtls": s.Export,
    "EwbDtls": s.EwayBill,
}
_BUILT = {
    "TranDtls": s.Transaction,
    "DocDtls": s.Document,
    "SellerDtls": s.Seller,
    "BuyerDtls": s.Buyer,
}


def _template(model: type[s.Block]) -> dict[str, Any]:
    return {name: f.default for name, f in model.model_fields.items()}


_ITEM = _template(s.Item)
_VALUES = _template(s.Values)
_INV01 = _template(s.Inv01)
_setattr = object.__setattr__


def _made(model: type[s.Block], template: dict[str, Any], values: dict[str, Any]) -> Any:
    """The instance `model.model_validate(values)` gives for values that pass it."""
    fields = template.copy()
    fields.update(values)  # the template's order is the schema's; updating keeps it
    obj = model.__new__(model)
    _setattr(obj, "__dict__", fields)
    _setattr(obj, "__pydantic_fields_set__", set(values))
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


def _places(value: Decimal, unit: Decimal) -> bool:
    # a multiple of the unit, as the schema's multiple_of reads it (by value: 1.230 is 1.23)
    return value == value.quantize(unit)


def _item_ok(it: dict[str, Any]) -> bool:
    """Would `Item` validation accept this dict of `builder.item`? (False: let it say.)"""
    if it.keys() != _ITEM_SET:
        return False
    for key in _AMOUNTS:
        v = it[key]
        if type(v) is not Decimal or not (_ZERO <= v <= _MAX and _places(v, _PAISA)):
            return False
    for key in _OPTIONAL_AMOUNTS:
        v = it[key]
        if v is not None and (
            type(v) is not Decimal or not (_ZERO <= v <= _MAX and _places(v, _PAISA))
        ):
            return False
    for key in ("GstRt", "CesRt"):
        v = it[key]
        if v is None and key == "CesRt":
            continue
        if type(v) is not Decimal or not (_ZERO <= v <= _MAX_RATE and _places(v, _MILLI)):
            return False
    qty, price = it["Qty"], it["UnitPrice"]
    # builder.item rounds both to 3 decimals (milli): only the range is left to check
    if type(qty) is not Decimal or type(price) is not Decimal:
        return False
    if not (_ZERO <= qty <= _MAX_QTY and _ZERO <= price <= _MAX_QTY):
        return False
    hsn = it["HsnCd"]
    if type(hsn) is not str or len(hsn) not in (4, 6, 8) or not (hsn.isascii() and hsn.isdigit()):
        return False
    sl, unit, desc = it["SlNo"], it["Unit"], it["PrdDesc"]
    return (
        type(sl) is str
        and 1 <= len(sl) <= 6
        and it["IsServc"] in ("Y", "N")
        and type(unit) is str
        and 3 <= len(unit) <= 8
        # `text` made it fit its field; a cut can end on a space, which validation strips
        and (desc is None or (type(desc) is str and desc == desc.strip()))
    )


def _values_ok(v: dict[str, Any]) -> bool:
    if v.keys() != _VALUE_SET:
        return False
    for key in ("AssVal", "TotInvVal"):
        x = v[key]
        if type(x) is not Decimal or not (_ZERO <= x <= _MAX and _places(x, _PAISA)):
            return False
    for key in _TOTALS:
        x = v[key]
        if x is not None and (
            type(x) is not Decimal or not (_ZERO <= x <= _MAX and _places(x, _PAISA))
        ):
            return False
    x = v["RndOffAmt"]
    return x is None or (
        type(x) is Decimal and -_ROUND_OFF <= x <= _ROUND_OFF and _places(x, _PAISA)
    )


def payload(fields: dict[str, Any]) -> s.Inv01 | None:
    """The Inv01 of the builder's fields when validation would accept them, else None."""
    items, values = fields["ItemList"], fields["ValDtls"]
    if not (1 <= len(items) <= 1000) or not _values_ok(values):
        return None
    for key, model in _BUILT.items():
        if type(fields[key]) is not model:
            return None
    for key, model in _GIVEN.items():
        block = fields[key]
        if block is not None and type(block) is not model:
            return None
    docs = fields["AddlDocDtls"]
    if docs is not None and (
        type(docs) is not tuple or any(type(d) is not s.AdditionalDoc for d in docs)
    ):
        return None
    for it in items:
        if not _item_ok(it):
            return None
    made = dict(fields)
    made["ItemList"] = tuple(_made(s.Item, _ITEM, it) for it in items)
    made["ValDtls"] = _made(s.Values, _VALUES, values)
    inv: s.Inv01 = _made(s.Inv01, _INV01, made)
    return inv
