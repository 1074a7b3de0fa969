"""Figures as printed: Indian digit grouping (babel en_IN), ₹, rates, dates, amount in words.

>>> grouped(Decimal("1234567.8"))
'12,34,567.80'
>>> inr(Decimal("2952"))
'₹2,952.00'
>>> count(1234567)
'12,34,567'
>>> rate(Decimal("2.50"))
'2.5%'
>>> in_words(Decimal("1234567.80"))
'Rupees Twelve Lakh, Thirty-Four Thousand, Five Hundred and Sixty-Seven and Eighty Paise Only'
>>> in_words(Decimal("250000000"))
'Rupees Twenty-Five Crore Only'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal
from num2words import num2words

from loyalty_gst.money import paise

MONEY_PATTERN = "#,##,##0.00"  # en_IN groups thousands, then every two digits
COUNT_PATTERN = "#,##,##0"
RUPEE = "₹"


@lru_cache(maxsize=4096)
def _grouped(value: Decimal) -> str:
    return str(format_decimal(value, format=MONEY_PATTERN, locale="en_IN"))


def grouped(value: Decimal) -> str:
    """An amount with Indian grouping and 2 decimals, no symbol (table cells)."""
    return _grouped(paise(value))


def inr(value: Decimal) -> str:
    """₹ and the amount with Indian grouping: ₹1,23,456.78 (negative: -₹0.40)."""
    value = paise(value)
    if value < 0:
        return f"-{RUPEE}{_grouped(-value)}"
    return f"{RUPEE}{_grouped(value)}"


def count(value: int) -> str:
    """A whole number (points) with Indian grouping."""
    return str(format_decimal(value, format=COUNT_PATTERN, locale="en_IN"))


def rate(value: Decimal) -> str:
    """A tax rate as printed: 2.5%, 18%, 0.25%."""
    return f"{format(value.normalize(), 'f')}%"


def qty(value: Decimal) -> str:
    """A quantity without needless decimals: 2, 1.5, 0.250."""
    text = format(value.normalize(), "f")
    return text


def dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def dmy_hm(when: dt.datetime) -> str:
    return when.strftime("%d/%m/%Y %H:%M")


def _words(n: int) -> str:
    text = str(num2words(n, lang="en_IN"))
    return " ".join("and" if w == "and" else w.title() for w in text.split(" "))


def in_words(value: Decimal) -> str:
    """The amount in words, Indian style (lakh, crore): 'Rupees … and … Paise Only'."""
    value = paise(value)
    rupees, paisa = divmod(int(value * 100), 100)
    text = f"Rupees {_words(rupees)}" if rupees else "Rupees Zero"
    if paisa:
        text += f" and {_words(paisa)} Paise"
    return text + " Only"
