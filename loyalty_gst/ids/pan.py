"""PAN (Permanent Account Number), via python-stdnum.

>>> validate('aapfu0939f')
'AAPFU0939F'
>>> is_valid('AAPFU0939')
False
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import pan as _pan


class InvalidPan(ValueError):
    """The PAN breaks a rule."""


def validate(number: str) -> str:
    try:
        return str(_pan.validate(number))
    except StdnumError as exc:
        raise InvalidPan(f"PAN is not valid: {exc}") from exc


def is_valid(number: str) -> bool:
    return bool(_pan.is_valid(number))


def mask(number: str) -> str:
    n = str(_pan.compact(number))
    return n[:2] + "X" * (len(n) - 3) + n[-1:]
