"""The payload made without pydantic's re-validation is the one validation makes, and any
value validation would refuse sends the builder back to validation (same error)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from einvoice_helpers import sale, taxed
from hypothesis import HealthCheck, given, settings
from test_einvoice_properties import sales

from einvoice import builder, trusted
from einvoice import schema as s
from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import compute
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.validation import parse_sale

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from test_rendering_golden import corpus


def same(a: Any, b: Any, path: str = "") -> None:
    """Equal down to types, field order, field sets and each Decimal's digits."""
    assert type(a) is type(b), path
    if isinstance(a, s.Block):
        assert list(a.__dict__) == list(b.__dict__), path
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, path
        assert a.__pydantic_extra__ == b.__pydantic_extra__ is None, path
        assert a.__pydantic_private__ == b.__pydantic_private__ is None, path
        for k in a.__dict__:
            same(a.__dict__[k], b.__dict__[k], f"{path}.{k}")
    elif isinstance(a, tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}.{i}")
    else:
        assert repr(a) == repr(b), path


def validated(inv: TaxedInvoice, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> s.Inv01:
    with monkeypatch.context() as m:
        m.setattr(trusted, "payload", lambda fields: None)
        return builder.build(inv, **kw)


def test_trusted_payloads_equal_validated_ones_on_the_corpus(monkeypatch):
    made = 0
    for inv in corpus():
        try:
            fast = builder.build(inv)
        except builder.NotApplicable:
            continue
        same(fast, validated(inv, monkeypatch))
        made += 1
    assert made > 150


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sales())
def test_trusted_payloads_equal_validated_ones(doc):
    inv = compute(parse_sale(doc))
    if not any(ln.tax_category == "taxable" for ln in inv.lines):
        return
    with pytest.MonkeyPatch.context() as mp:
        same(builder.build(inv), validated(inv, mp))


def test_the_trusted_path_is_the_one_taken(monkeypatch):
    calls: list[Any] = []
    real = s.Inv01.model_validate
    monkeypatch.setattr(s.Inv01, "model_validate", lambda v: calls.append(v) or real(v))
    builder.build(taxed(sale()))
    assert calls == []


def _line(**over: Any) -> TaxedInvoice:
    inv = taxed(sale())
    first = inv.lines[0].model_copy(update=over)
    return inv.model_copy(update={"lines": (first, *inv.lines[1:])})


@pytest.mark.parametrize(
    "over",
    [
        {"trade_discount": Decimal("10.005")},  # three decimals: not a multiple of 0.01
        {"gross": Decimal("-1.00")},  # below 0
        {"total": Decimal("100000000000000.00")},  # above the schema's limit
        {"hsn": "61051"},  # five digits
        {"hsn": "٦١٠٥"},  # digits, but not ASCII ones
        {"gst_rate": Decimal("5.0005")},  # four decimals
        {"description": "x" * 299 + " yz"},  # cut to 300 ending on a space: stripped
    ],
)
def test_a_value_validation_refuses_or_changes_goes_through_validation(over, monkeypatch):
    inv = _line(**over)
    seen: list[Any] = []
    real = trusted.payload
    monkeypatch.setattr(trusted, "payload", lambda f: seen.append(real(f)) or seen[-1])
    try:
        fast: s.Inv01 | InvalidInput = builder.build(inv)
    except InvalidInput as exc:
        fast = exc
    assert seen == [None]  # the plain checks doubted it
    try:
        slow: s.Inv01 | InvalidInput = validated(inv, monkeypatch)
    except InvalidInput as exc:
        slow = exc
    if isinstance(slow, InvalidInput):
        assert isinstance(fast, InvalidInput) and fast.problems == slow.problems
    else:
        same(fast, slow)


def test_blocks_given_as_models_keep_the_trusted_path_and_dicts_do_not():
    inv = taxed(sale())
    ewb = s.EwayBill(Distance=12)
    fields = {"EwbDtls": ewb}
    assert builder.build(inv, ewb=ewb).EwbDtls is ewb
    assert trusted.payload({**_fields(inv), **fields}) is not None
    assert trusted.payload({**_fields(inv), "EwbDtls": {"Distance": 12}}) is None


def _fields(inv: TaxedInvoice) -> dict[str, Any]:
    captured: list[dict[str, Any]] = []
    real = trusted.payload
    with pytest.MonkeyPatch.context() as m:
        m.setattr(trusted, "payload", lambda f: captured.append(dict(f)) or real(f))
        builder.build(inv)
    return captured[0]
