"""Small code checks: HSN/SAC, PIN, UQC, document number (INV-01 patterns).

>>> hsn_ok('6109')
True
>>> hsn_ok('61091')
False
>>> docno_ok('INV/2025/0001')
True
>>> docno_ok('0INV1')
False
>>> pin_ok('560001')
True
"""

from __future__ import annotations

import re

# GST Unit Quantity Codes (the IRP's UQC list).
UQC = frozenset(
    (
        "BAG BAL BDL BKL BOU BOX BTL BUN CAN CBM CCM CMS CTN DOZ DRM GGK GMS GRS GYD KGS KLR"
        " KME LTR MLT MTR MTS NOS OTH PAC PCS PRS QTL ROL SET SQF SQM SQY TBS TGM THD TON TUB"
        " UGS UNT YDS"
    ).split()
)
_HSN = re.compile(r"^[0-9]{4}$|^[0-9]{6}$|^[0-9]{8}$")
_PIN = re.compile(r"^[1-9][0-9]{5}$")
# INV-01 DocDtls.No: first character not 0, then letters, digits, '/', '-'; 16 at most.
_DOCNO = re.compile(r"^[A-Za-z1-9][A-Za-z0-9/-]{0,15}$")


def hsn_ok(code: str) -> bool:
    """HSN or SAC of 4, 6 or 8 digits."""
    return bool(_HSN.match(code))


def is_service_hsn(code: str) -> bool:
    """SAC codes (services) start with 99."""
    return code.startswith("99")


def pin_ok(code: str) -> bool:
    return bool(_PIN.match(code))


def uqc_ok(code: str) -> bool:
    return code in UQC


def docno_ok(number: str) -> bool:
    return bool(_DOCNO.match(number))
