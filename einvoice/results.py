"""What the IRP answers: a registration (IRN, Ack, signed data) or an error with its codes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.printing.particulars import EInvoiced


class IrpError(LoyaltyGstError):
    """The IRP refused the request; `errors` holds its (code, message) pairs."""

    code = "irp_error"

    def __init__(self, errors: list[tuple[str, str]], info: Any = None) -> None:
        self.errors = errors
        self.info = info
        super().__init__("; ".join(f"[{c}] {m}" for c, m in errors) or "IRP refused the request")

    @property
    def codes(self) -> list[str]:
        return [c for c, _ in self.errors]


class IrpUnavailable(LoyaltyGstError):
    """The IRP could not be reached (connection errors or 5xx after every retry)."""

    code = "irp_unavailable"


class DuplicateMismatch(LoyaltyGstError):
    """The IRP already holds this document number with other values; not adopted."""

    code = "irp_duplicate_mismatch"


class Registration(BaseModel):
    """What the IRP returns for a registered document."""

    model_config = ConfigDict(frozen=True)

    irn: str
    ack_no: int
    ack_dt: str
    signed_invoice: str
    signed_qr: str
    status: str = "ACT"
    adopted_duplicate: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any], *, adopted: bool = False) -> Registration:
        return cls(
            irn=data["Irn"],
            ack_no=int(data["AckNo"]),
            ack_dt=str(data["AckDt"]),
            signed_invoice=data["SignedInvoice"],
            signed_qr=data["SignedQRCode"],
            status=str(data.get("Status") or "ACT"),
            adopted_duplicate=adopted,
        )

    def printed(self) -> EInvoiced:
        """IRN, Ack No, Ack Date and the signed QR as the printed document shows them."""
        return EInvoiced.of(self.irn, self.ack_no, self.ack_dt, self.signed_qr)
