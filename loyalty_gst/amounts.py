"""Amounts as the contract reads and writes them: ASCII decimal text or integers in,
`Decimal` inside (floats refused), strings with fixed decimals out; and a person's text
without control characters. The JSON schema states exactly what the reader takes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from loyalty_gst.money import JsonNumber

# an amount as text: ASCII digits, at most one decimal point; no sign other than a
# leading "-", no exponent, no underscores, no spaces (Python's Decimal() takes all of
# those, and full-width digits too). The same pattern is the JSON schema's.
AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN)
AMOUNT_LIMIT = 10**15  # |amount| below ₹1,000 trillion: every total fits a BIGINT of paise
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"  # no control characters (NUL, newline, escape …)


def _no_float(value: Any) -> Any:
    """An input amount, parsed strictly (see AMOUNT_PATTERN), or a ValueError."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    if isinstance(value, float | JsonNumber):
        # JSON's 3.0 is the integer 3 (JSON Schema says so too); any other float is refused
        try:
            whole = value == int(value)
        except (OverflowError, ValueError, ArithmeticError):  # inf, nan
            whole = False
        if not (whole and abs(value) < AMOUNT_LIMIT):
            raise ValueError("amounts must be given as strings or integers, never floats")
        value = int(value)
    if isinstance(value, str):
        if not _AMOUNT.search(value):
            raise ValueError(
                "an amount is ASCII digits with at most one decimal point (≤ 15 digits before"
                " it, ≤ 6 after): no exponent, underscores, spaces or other signs"
            )
        return Decimal(value)
    if isinstance(value, int):
        if abs(value) >= AMOUNT_LIMIT:
            raise ValueError(f"an amount is below {AMOUNT_LIMIT:,} in size")
        return Decimal(value)
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= AMOUNT_LIMIT):
        raise ValueError(f"an amount is finite and below {AMOUNT_LIMIT:,} in size")
    return value


def _str2(value: Decimal) -> str:
    # str() is the same text when it already shows two decimals (no exponent form ends
    # that way), and cheaper: this runs for every amount of every TaxedInvoice written
    text = str(value)
    return text if text[-3:-2] == "." else f"{value:.2f}"


def _str3(value: Decimal) -> str:
    text = str(value)
    return text if text[-4:-3] == "." else f"{value:.3f}"


def _strn(value: Decimal) -> str:
    # rates: "5", "0.25", "7.5" — no trailing zeros, never exponent form
    text = format(value.normalize(), "f")
    return text


# what an input amount may be in JSON: a decimal string or an integer — never a float
DECIMAL_IN = WithJsonSchema(
    {
        "anyOf": [
            {"type": "string", "pattern": AMOUNT_PATTERN},
            {"type": "integer", "minimum": 1 - AMOUNT_LIMIT, "maximum": AMOUNT_LIMIT - 1},
        ]
    }
)
# text a person typed: no control characters
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]

Money = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    DECIMAL_IN,
    PlainSerializer(_str2, return_type=str, when_used="json"),
]
# Output amounts (computed by us, never parsed from user floats): no float check needed.
Amount = Annotated[Decimal, PlainSerializer(_str2, return_type=str, when_used="json")]
QtyOut = Annotated[Decimal, PlainSerializer(_str3, return_type=str, when_used="json")]
RateOut = Annotated[Decimal, PlainSerializer(_strn, return_type=str, when_used="json")]
Qty = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    DECIMAL_IN,
    PlainSerializer(_str3, return_type=str, when_used="json"),
]
Rate = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    DECIMAL_IN,
    PlainSerializer(_strn, return_type=str, when_used="json"),
]
