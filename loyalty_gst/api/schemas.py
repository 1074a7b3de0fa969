"""The channel API's request and response bodies (OpenAPI comes from these).

Sales and invoices are the core models (`Sale`, `TaxedInvoice`); results are the
service's (`Committed`, `Returned`). Mobile numbers travel only in bodies, never in a
URL, so no access log can hold one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loyalty_gst.models import ReturnLine, Sale, TaxedInvoice
from loyalty_gst.service import Committed, Returned
from loyalty_gst.service.offline import Event, EventResult, OverdraftLine

__all__ = [
    "AccountSnapshot",
    "AppCode",
    "AppCodeRequest",
    "CommitRequest",
    "Committed",
    "Event",
    "EventResult",
    "FieldError",
    "Health",
    "HistoryEntry",
    "HistoryResponse",
    "LookupRequest",
    "LookupResponse",
    "LotOut",
    "OtpChallenge",
    "OtpRequest",
    "OverdraftLine",
    "PresenceProof",
    "Problem",
    "ProgramResponse",
    "QuoteRequest",
    "QuoteResponse",
    "ReturnRequest",
    "Returned",
    "SyncRequest",
    "SyncResponse",
    "TokenIssued",
    "TokenRequest",
    "TokenView",
]

Mobile = Field(min_length=10, max_length=16, pattern=r"^\+?[0-9 -]{10,16}$")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """RFC 9457 problem details with a stable `code`."""

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    errors: list[FieldError] | None = None
    # one line per problem, exactly as the CLI prints them: where, rule, the value
    lines: list[str] | None = None


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    version: str


class ProgramResponse(BaseModel):
    version: str
    effective: dt.date
    program: dict[str, Any]
    presence_public_key: str  # PEM (Ed25519): verifies app codes offline


class CatalogueResponse(BaseModel):
    """The caller's store, registration and the company's items, as set up."""

    revision: int
    store: dict[str, Any]  # code, name, channel, registration, tills, series
    seller: dict[str, Any]  # the registration the store bills under
    company: dict[str, Any]  # particulars printed on receipts
    items: list[dict[str, Any]]


class LookupRequest(_In):
    mobile: str = Mobile


class LotOut(BaseModel):
    points: int
    expires_on: dt.date


class LookupResponse(BaseModel):
    account_id: int
    mobile: str  # masked
    tier: str
    balance: int
    available: int
    held: int
    overdraft: int
    lots: list[LotOut]
    expiring_soon: list[LotOut]  # within 30 days


class HistoryEntry(BaseModel):
    seq: int
    kind: str
    points: int
    at: str
    body: dict[str, Any]


class HistoryResponse(BaseModel):
    account_id: int
    entries: list[HistoryEntry]


class OtpRequest(_In):
    mobile: str = Mobile


class OtpChallenge(BaseModel):
    challenge_id: str
    expires_at: str


class AppCodeRequest(_In):
    mobile: str = Mobile


class AppCode(BaseModel):
    code: str
    expires_at: str


class PresenceProof(_In):
    """The customer is present: an OTP they received, or the code their app shows."""

    challenge_id: str | None = Field(default=None, max_length=64)
    otp: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    app_code: str | None = Field(default=None, max_length=512)


class QuoteRequest(_In):
    sale: Sale
    points: int = Field(default=0, ge=0, le=10_000_000)
    presence: PresenceProof | None = None


class QuoteResponse(BaseModel):
    invoice: TaxedInvoice
    account_id: int | None = None
    hold_key: str | None = None
    hold_until: str | None = None


class CommitRequest(_In):
    key: str = Field(min_length=1, max_length=120)
    sale: Sale
    points: int = Field(default=0, ge=0, le=10_000_000)
    hold_key: str | None = Field(default=None, max_length=200)
    presence: PresenceProof | None = None


class ReturnRequest(_In):
    key: str = Field(min_length=1, max_length=120)
    invoice_number: str = Field(min_length=1, max_length=32)
    number: str = Field(min_length=1, max_length=32)
    date: dt.date
    lines: list[ReturnLine] | None = None


class SyncRequest(_In):
    terminal: str = Field(min_length=1, max_length=32)
    events: list[Event] = Field(max_length=500)


class AccountSnapshot(BaseModel):
    account_id: int
    balance: int
    available: int
    overdraft: int
    tier: str
    lots: list[LotOut]


class SyncResponse(BaseModel):
    results: list[EventResult]
    accounts: list[AccountSnapshot]


class TokenRequest(_In):
    kind: Literal["terminal", "channel", "admin"]
    store: str | None = Field(default=None, max_length=32)
    terminal: str | None = Field(default=None, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class TokenView(BaseModel):
    id: str
    kind: str
    store: str | None
    gstin: str | None
    terminal: str | None
    created_at: str
    revoked_at: str | None  # a rotated token's end of grace may lie ahead
    expires_at: str | None = None  # issued + the kind's TTL


class TokenIssued(TokenView):
    token: str  # shown once
