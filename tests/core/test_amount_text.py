"""The fast texts of amounts and JSON numbers are the formatted ones, for every Decimal."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from einvoice.schema import number_text
from loyalty_gst.amounts import _str2, _str3

decimals = st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [Decimal("-0"), Decimal("-0.00"), Decimal("0E-7"), Decimal("1E+2"), Decimal("1.00E+2"),
     Decimal("12.345"), Decimal("0.005"), Decimal("-0.005"), Decimal("1E-7")]
)  # fmt: skip


@given(decimals)
def test_amount_texts_are_the_fixed_point_formats(value: Decimal) -> None:
    assert _str2(value) == f"{value:.2f}"
    assert _str3(value) == f"{value:.3f}"


@given(decimals)
def test_json_number_text_is_positional_notation(value: Decimal) -> None:
    assert number_text(value) == format(value, "f")
