"""SignedInvoice and SignedQRCode: the IRP's RS256 JWTs, decoded and verified.

Each is a JWT whose claim `data` is a JSON string: the whole registered invoice (with
AckNo, AckDt, Irn) or the QR summary (SellerGstin, BuyerGstin, DocNo, DocTyp, DocDt,
TotInvVal, ItemCnt, MainHsnCode, Irn, IrnDt). `decode` reads without checking (to compare
a duplicate's values); `verify` checks the RS256 signature against the IRP's certificate
or public key (PEM) and raises `InvalidSignature` when it does not hold.
"""

from __future__ import annotations

from typing import Any

import jwt

from einvoice.crypto import load_public_key
from einvoice.schema import loads
from loyalty_gst.errors import LoyaltyGstError


class InvalidSignature(LoyaltyGstError):
    """The signed e-invoice or QR does not verify against the configured certificate."""

    code = "einvoice_bad_signature"


def decode(token: str) -> dict[str, Any]:
    """The `data` of a signed JWT, without verifying (for comparisons only)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return loads(claims["data"])


def verify(token: str, certificate_pem: bytes | str) -> dict[str, Any]:
    """The `data` of a signed JWT after checking its RS256 signature."""
    key = load_public_key(certificate_pem)
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})
    except jwt.PyJWTError as exc:
        raise InvalidSignature(f"signed e-invoice data does not verify: {exc}") from exc
    return loads(claims["data"])
