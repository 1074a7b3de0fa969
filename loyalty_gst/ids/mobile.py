"""Indian mobile numbers, normalised to E.164 with phonenumbers; masked for logs.

>>> validate('98765 43210')
'+919876543210'
>>> validate('+91-98765-43210')
'+919876543210'
>>> mask('+919876543210')
'+91******3210'
>>> is_valid('12345')
False
"""

from __future__ import annotations

import functools
from typing import NewType

import phonenumbers

Mobile = NewType("Mobile", str)


class InvalidMobile(ValueError):
    """Not a valid Indian mobile number."""


def validate(number: str) -> Mobile:
    """Return the E.164 form (+91 and ten digits) or raise InvalidMobile."""
    found, why = _checked(number)
    if found is None:
        raise InvalidMobile(why)
    return found


@functools.lru_cache(maxsize=8192)
def _checked(number: str) -> tuple[Mobile | None, str]:
    """(E.164 form, "") or (None, why not). Cached: a checkout looks its member's number
    up more than once, and parsing costs more than the rest of the lookup."""
    try:
        parsed = phonenumbers.parse(number, "IN")
    except phonenumbers.NumberParseException:
        return None, "not a phone number"
    if not phonenumbers.is_valid_number(parsed):
        return None, "not a valid phone number"
    kind = phonenumbers.number_type(parsed)
    if parsed.country_code == 91 and kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None, "not a mobile number"
    return Mobile(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)), ""


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidMobile:
        return False
    return True


def mask(number: str) -> str:
    """Country code and last four digits only: never log a full mobile number."""
    n = number.strip()
    if n.startswith("+91") and len(n) == 13:
        return "+91" + "*" * 6 + n[-4:]
    return "*" * max(0, len(n) - 4) + n[-4:]
