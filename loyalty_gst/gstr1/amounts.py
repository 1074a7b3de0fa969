"""Amounts inside the GSTR-1 builder: whole paise as `int`, exact, and fast to add.

TaxedInvoice amounts are already rounded to the paisa (gst.py is the one rounding
point), so GSTR-1 only adds them up. It adds them as integers of paise: exact like
Decimal, several times faster at a million invoices, and turned back into `Decimal`
(2 dp) or JSON number text only when a figure leaves the builder. An amount that is
not a whole number of paise is refused: it did not come from gst.py.

>>> paise_of("1242.00"), paise_of("-0.40"), paise_of(Decimal("31.05"))
(124200, -40, 3105)
>>> text(124200), text(-40), text(5)
('1242.00', '-0.40', '0.05')
>>> rate_key("5.0"), rate_key(Decimal("0.250")), rate_key("18")
('5', '0.25', '18')
"""

from __future__ import annotations

from decimal import Decimal

from loyalty_gst.errors import InvalidInput

# index of each figure in the five-amount lists used everywhere in the builder
TX, IGST, CGST, SGST, CESS = range(5)
FIGURES = ("txval", "iamt", "camt", "samt", "csamt")


def paise_of(value: str | Decimal | int) -> int:
    """Whole paise of a 2-dp amount given as text ("12.30"), Decimal or int rupees."""
    if type(value) is str:
        # the hot path: gst.py's JSON writes every amount with exactly two decimals
        if value[-3:-2] == ".":
            return int(value.replace(".", "", 1))
        value = Decimal(value)
    if type(value) is int:
        return value * 100
    if not isinstance(value, Decimal):
        raise InvalidInput.one("amount", value, "amounts must be text, Decimal or int")
    scaled = value.scaleb(2)
    whole = int(scaled)
    if scaled != whole:
        raise InvalidInput.one("amount", value, "amounts must be whole paise (2 decimals)")
    return whole


def milli_of(value: str | Decimal | int) -> int:
    """Quantity in thousandths ("3.000" → 3000), exact."""
    if type(value) is str and len(value) > 4 and value[-4] == ".":
        return int(value[:-4] + value[-3:])
    scaled = Decimal(value).scaleb(3)
    whole = int(scaled)
    if scaled != whole:
        raise InvalidInput.one("qty", value, "quantities have at most 3 decimals")
    return whole


def rate_key(value: str | Decimal | int) -> str:
    """A GST rate as canonical text: no trailing zeros, never exponent form."""
    if type(value) is str and "." not in value:
        return value
    return format(Decimal(value).normalize(), "f")


def text(paise: int) -> str:
    """Paise → "1234.50" (a JSON number literal with exactly two decimals)."""
    sign = "-" if paise < 0 else ""
    whole, frac = divmod(abs(paise), 100)
    return f"{sign}{whole}.{frac:02d}"


def qty_text(milli: int) -> str:
    """Thousandths → the shortest exact decimal ("2.5", "3", "0.125")."""
    return format(Decimal(milli).scaleb(-3).normalize(), "f")


def decimal(paise: int) -> Decimal:
    """Paise → Decimal with 2 decimals."""
    return Decimal(paise).scaleb(-2)


def zero() -> list[int]:
    return [0, 0, 0, 0, 0]


def add(into: list[int], amounts: list[int] | tuple[int, ...], sign: int = 1) -> None:
    """into += sign × amounts, figure by figure."""
    into[0] += sign * amounts[0]
    into[1] += sign * amounts[1]
    into[2] += sign * amounts[2]
    into[3] += sign * amounts[3]
    into[4] += sign * amounts[4]


def tax(amounts: list[int] | tuple[int, ...]) -> int:
    return amounts[IGST] + amounts[CGST] + amounts[SGST] + amounts[CESS]
