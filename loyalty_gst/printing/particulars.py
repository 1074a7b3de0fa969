"""What a printed GST document needs beside the TaxedInvoice (Rule 46 CGST Rules).

`Letterhead` is the supplier as the company's setup describes it (name, address, GSTIN,
logo, signatory, UPI VPA for the B2C dynamic QR); by default it is read from the
invoice's own seller. `EInvoiced` is what the IRP returned for the document (IRN, Ack
No, Ack Date, the signed QR). `PrintJob` puts them together with the member's points
balance after the sale and the copies to print.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from loyalty_gst.errors import InvalidInput
from loyalty_gst.models import Seller, TaxedInvoice

CopyMark = Literal["original", "duplicate", "triplicate"]
COPY_MARKS: dict[str, str] = {
    "original": "Original for Recipient",
    "duplicate": "Duplicate for Transporter",
    "triplicate": "Triplicate for Supplier",
}
MARKS: tuple[CopyMark, ...] = get_args(CopyMark)
ACK_STAMP = "%Y-%m-%d %H:%M:%S"  # how the IRP writes AckDt


def _from_base64(value: Any) -> Any:
    return base64.b64decode(value, validate=True) if isinstance(value, str) else value


# image bytes: as they are in Python, base64 text in JSON
ImageBytes = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode(), return_type=str, when_used="json"),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Letterhead(_Frozen):
    """The supplier's particulars on every copy."""

    legal_name: str = Field(min_length=1, max_length=100)
    trade_name: str | None = None
    address_lines: tuple[str, ...] = Field(min_length=1, max_length=4)
    gstin: str = Field(min_length=15, max_length=15)
    phone: str | None = None
    email: str | None = None
    logo: ImageBytes | None = None  # PNG or JPEG (base64 in JSON)
    signatory: str | None = None  # the authorised signatory's name, printed under the line
    upi_vpa: str | None = None  # payee VPA of the B2C dynamic QR
    b2c_dynamic_qr: bool = False  # print the UPI QR on B2C invoices

    @property
    def state_code(self) -> str:
        return self.gstin[:2]

    @classmethod
    def of_seller(cls, seller: Seller) -> Letterhead:
        return cls(
            legal_name=seller.legal_name,
            trade_name=seller.trade_name,
            address_lines=(seller.address, f"{seller.city} {seller.pincode}"),
            gstin=seller.gstin,
        )


class EInvoiced(_Frozen):
    """The IRP's registration of the document, as printed."""

    irn: str = Field(min_length=64, max_length=64)
    ack_no: int
    ack_at: dt.datetime
    signed_qr: str

    @classmethod
    def of(cls, irn: str, ack_no: int, ack_dt: str, signed_qr: str) -> EInvoiced:
        """From the IRP's answer; `ack_dt` as the IRP writes it (YYYY-MM-DD HH:MM:SS)."""
        return cls(
            irn=irn,
            ack_no=ack_no,
            ack_at=dt.datetime.strptime(ack_dt, ACK_STAMP),
            signed_qr=signed_qr,
        )


class PrintJob(_Frozen):
    """One document to print, in one or more copies."""

    invoice: TaxedInvoice
    letterhead: Letterhead | None = None  # None: from the invoice's seller
    einvoice: EInvoiced | None = None
    points_balance_after: int | None = None
    copies: tuple[CopyMark, ...] = Field(default=("original",), min_length=1, max_length=3)
    banner: str | None = Field(default=None, max_length=200)  # a warning above the title

    @model_validator(mode="after")
    def _same_supplier(self) -> PrintJob:
        if self.letterhead and self.letterhead.gstin != self.invoice.seller.gstin:
            raise ValueError(
                f"letterhead GSTIN {self.letterhead.gstin} is not the document's supplier "
                f"{self.invoice.seller.gstin}"
            )
        return self

    @property
    def supplier(self) -> Letterhead:
        return self.letterhead or Letterhead.of_seller(self.invoice.seller)


def parse_copies(spec: str | None) -> tuple[CopyMark, ...]:
    """'2' → original, duplicate; 'original,triplicate' → those; None → original.

    >>> parse_copies("3")
    ('original', 'duplicate', 'triplicate')
    >>> parse_copies("Original, Triplicate")
    ('original', 'triplicate')
    """
    if not spec:
        return ("original",)
    if spec.isdigit():
        n = int(spec)
        if not 1 <= n <= len(MARKS):
            raise InvalidInput.one("copies", spec, "1, 2 or 3 (or names of copies)")
        return MARKS[:n]
    names = tuple(x.strip().lower() for x in spec.split(",") if x.strip())
    if not names or len(set(names)) != len(names) or any(x not in MARKS for x in names):
        raise InvalidInput.one(
            "copies", spec, "a count 1-3 or distinct names: original, duplicate, triplicate"
        )
    return names  # type: ignore[return-value]
