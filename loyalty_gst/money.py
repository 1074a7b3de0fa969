"""Money as `Decimal`, paise precision, half-up rounding, largest-remainder splits.

Every amount in loyalty-gst passes through here. Floats are refused: a float cannot
hold ₹0.10 exactly, and a rounding done on a float is a paisa lost somewhere.

>>> paise("2.345")
Decimal('2.35')
>>> split(Decimal("300"), [Decimal("2000"), Decimal("1000")])
(Decimal('200.00'), Decimal('100.00'))
>>> split(Decimal("0.10"), [Decimal("1"), Decimal("1"), Decimal("1")])
(Decimal('0.04'), Decimal('0.03'), Decimal('0.03'))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

PAISA = Decimal("0.01")
RUPEE = Decimal("1")
MILLI = Decimal("0.001")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent (`2.5`, `1e3`), read digit for digit.

    It marks where a file had a JSON float: input amounts refuse it exactly as the API
    refuses a JSON float, so a file and a request are read the same way."""


def dec(value: Decimal | int | str) -> Decimal:
    """Convert to Decimal exactly; floats and bools are refused (they are not money)."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must not be {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def paise(value: Decimal | int | str) -> Decimal:
    """Round half-up to 2 decimals (the paisa). The one rounding point for amounts."""
    # the rounding given by position: Decimal.quantize parses keywords far more slowly
    if type(value) is Decimal:  # the hot path: skip the float check
        return value.quantize(PAISA, ROUND_HALF_UP)
    return dec(value).quantize(PAISA, ROUND_HALF_UP)


def milli(value: Decimal | int | str) -> Decimal:
    """Round half-up to 3 decimals (quantities, unit prices)."""
    if type(value) is Decimal:  # the hot path: skip the float check
        return value.quantize(MILLI, ROUND_HALF_UP)
    return dec(value).quantize(MILLI, ROUND_HALF_UP)


def rupees(value: Decimal) -> Decimal:
    """Round half-up to the whole rupee (grand-total round-off)."""
    return value.quantize(RUPEE, ROUND_HALF_UP)


def floor_whole(value: Decimal) -> int:
    """Whole units, rounded down (points are never rounded up)."""
    return int(value.to_integral_value(rounding=ROUND_DOWN))


def whole(value: Decimal) -> int:
    """Round half-up to a whole number (points restored on a return)."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def split(total: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split `total` (paise) over `weights` pro rata; the shares sum to `total` exactly.

    Largest-remainder method in paise: each share is first rounded down, then the
    leftover paise go one each to the largest remainders (ties to the earlier weight).
    A zero weight always gets zero. Shares never exceed total·w/W rounded up.
    """
    total = paise(total)
    if not weights:
        if total:
            raise ValueError("cannot split a non-zero total over no weights")
        return ()
    if min(weights) < 0:
        raise ValueError("weights must not be negative")
    wsum = sum(weights, Decimal(0))
    if wsum == 0:
        if total:
            raise ValueError("cannot split a non-zero total over zero weights")
        return tuple(ZERO for _ in weights)
    sign = -1 if total < 0 else 1
    units = int(abs(total) / PAISA)
    scaled = Decimal(units)
    exact = [scaled * w / wsum for w in weights]
    floors = [int(e) for e in exact]  # int() truncates: e >= 0
    leftover = units - sum(floors)
    if leftover:
        # largest remainder first; sorted() is stable, so ties go to the earlier weight
        behind = [f - e for e, f in zip(exact, floors, strict=True)]
        for i in sorted(range(len(weights)), key=behind.__getitem__)[:leftover]:
            floors[i] += 1
    # PAISA × n: the same Decimal as Decimal(n) × PAISA, without making Decimal(n) first
    return tuple([PAISA * (sign * n) for n in floors])


def format_inr(value: Decimal) -> str:
    """₹ with Indian digit grouping, e.g. ₹1,23,456.78 (babel's en_IN locale)."""
    from babel.numbers import format_currency

    return str(format_currency(paise(value), "INR", locale="en_IN"))
