"""GSTIN: 15 characters, state code + PAN + entity + 'Z' + mod-36 Luhn check character.

Check character via python-stdnum's `luhn` with the 0-9A-Z alphabet; state codes from
our own table (stdnum 2.2 rejects 38 Ladakh and 97 Other Territory). NIC's sandbox
GSTINs fail the checksum, so `sandbox=True` skips only that check.

>>> validate('27aapfu0939f1zv')
'27AAPFU0939F1ZV'
>>> validate('38AAPFU0939F1ZS')
'38AAPFU0939F1ZS'
>>> is_valid('27AAPFU0939F1ZO')
False
>>> is_valid('27AAPFU0939F1ZO', sandbox=True)
True
>>> mask('27AAPFU0939F1ZV')
'27AA*********ZV'
"""

from __future__ import annotations

import re
from typing import NewType

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import clean

from loyalty_gst.ids import pan as _pan
from loyalty_gst.states import is_state_code

Gstin = NewType("Gstin", str)

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FORMAT = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")


class InvalidGstin(ValueError):
    """The GSTIN breaks a rule; the message says which."""


def compact(number: str) -> str:
    """Strip spaces and dashes, upper-case."""
    return str(clean(number, " -")).upper().strip()


def validate(number: str, *, sandbox: bool = False) -> Gstin:
    """Return the canonical GSTIN or raise InvalidGstin naming the broken rule."""
    number = compact(number)
    if len(number) != 15:
        raise InvalidGstin("GSTIN must be 15 characters")
    if not _FORMAT.match(number):
        raise InvalidGstin("GSTIN must look like 99AAAAA9999A9Z9 (state, PAN, entity, Z, check)")
    if not is_state_code(number[:2]) or number[:2] == "96":
        raise InvalidGstin(f"GSTIN state code {number[:2]} is not a GST state code")
    if not _pan.is_valid(number[2:12]):
        raise InvalidGstin(f"GSTIN's PAN part {number[2:12]} is not a valid PAN")
    if not sandbox:
        try:
            luhn.validate(number, _ALPHABET)
        except StdnumError as exc:
            raise InvalidGstin("GSTIN check character does not match (mod-36 Luhn)") from exc
    return Gstin(number)


def is_valid(number: str, *, sandbox: bool = False) -> bool:
    try:
        validate(number, sandbox=sandbox)
    except InvalidGstin:
        return False
    return True


def state_code(number: str) -> str:
    """The two-digit state code of a GSTIN."""
    return compact(number)[:2]


def pan(number: str) -> str:
    """The PAN inside a GSTIN (characters 3–12)."""
    return compact(number)[2:12]


def check_character(first14: str) -> str:
    """The check character for the first 14 characters (for test data)."""
    return str(luhn.calc_check_digit(compact(first14), _ALPHABET))


def mask(number: str) -> str:
    """Keep state, two PAN letters and the last two characters; for logs and screens."""
    n = compact(number)
    return n[:4] + "*" * (len(n) - 6) + n[-2:]
