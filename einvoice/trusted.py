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
from operator import itemgetter
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
_ITEM_GIVEN = set(ITEM_KEYS)
_VALUE_GIVEN = set(VALUE_KEYS)
_ITEM_NUMBERS = itemgetter(
    "TotAmt", "AssAmt", "TotItemVal", "Discount", "IgstAmt", "CgstAmt", "SgstAmt", "CesAmt",
    "GstRt", "CesRt", "Qty", "UnitPrice",
)  # fmt: skip
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


def _made(
    model: type[s.Block], template: dict[str, Any], values: dict[str, Any], given: set[str]
) -> Any:
    """The instance `model.model_validate(values)` gives for values that pass it; `given`
    is the set of their keys (shared by every item: a frozen block never adds to it, and
    model_copy copies it first)."""
    fields = template.copy()
    fields.update(values)  # the template's order is the schema's; updating keeps it
    obj = model.__new__(model)
    _setattr(obj, "__dict__", fields)
    _setattr(obj, "__pydantic_fields_set__", given)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


def _item_ok(it: dict[str, Any]) -> bool:
    """Would `Item` validation accept this dict of `builder.item`? (False: let it say.)"""
    if it.keys() != _ITEM_SET:
        return False
    tot, ass, total, disc, igst, cgst, sgst, cess, rate, cess_rate, qty, price = _ITEM_NUMBERS(it)
    if tot is None or ass is None or total is None or rate is None:
        return False  # required
    P, Z, M = _PAISA, _ZERO, _MAX
    # each amount: a Decimal in [0, limit], a multiple of 0.01 by value (1.230 is 1.23, as
    # the schema's multiple_of reads it)
    for v in (tot, ass, total, disc, igst, cgst, sgst, cess):
        if v is not None and (type(v) is not Decimal or not Z <= v <= M or v != v.quantize(P)):
            return False
    for v in (rate, cess_rate):
        if v is not None and (
            type(v) is not Decimal or not Z <= v <= _MAX_RATE or v != v.quantize(_MILLI)
        ):
            return False
    # builder.item rounds quantity and unit price to 3 decimals (milli): only the range
    if type(qty) is not Decimal or type(price) is not Decimal:
        return False
    if not (Z <= qty <= _MAX_QTY and Z <= price <= _MAX_QTY):
        return False
    hsn, sl, unit, desc = it["HsnCd"], it["SlNo"], it["Unit"], it["PrdDesc"]
    return (
        type(hsn) is str
        and len(hsn) in (4, 6, 8)
        and hsn.isascii()
        and hsn.isdigit()
        and type(sl) is str
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
        if type(x) is not Decimal or not _ZERO <= x <= _MAX or x != x.quantize(_PAISA):
            return False
    for key in _TOTALS:
        x = v[key]
        if x is not None and (
            type(x) is not Decimal or not _ZERO <= x <= _MAX or x != x.quantize(_PAISA)
        ):
            return False
    x = v["RndOffAmt"]
    return x is None or (
        type(x) is Decimal and -_ROUND_OFF <= x <= _ROUND_OFF and x == x.quantize(_PAISA)
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
    made["ItemList"] = tuple([_made(s.Item, _ITEM, it, _ITEM_GIVEN) for it in items])
    made["ValDtls"] = _made(s.Values, _VALUES, values, _VALUE_GIVEN)
    inv: s.Inv01 = _made(s.Inv01, _INV01, made, set(made))
    return inv
