"""The channel API's request and response bodies (OpenAPI comes from these).

Sales and invoices are the core models (`Sale`, `TaxedInvoice`); results are the
service's (`Committed`, `Returned`). Mobile numbers travel only in bodies, never in a
URL, so no access log can hold one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loyalty_gst.models import ReturnLine, Sale, SaleDate, TaxedInvoice
from loyalty_gst.service import Committed, Returned
from loyalty_gst.service.offline import Event, EventResult, OverdraftLine

__all__ = [
    "AccountSnapshot",
    "Allowance",
    "AllowanceRequest",
    "AppCode",
    "CommitRequest",
    "Committed",
    "Event",
    "EventResult",
    "FieldError",
    "Health",
    "HistoryEntry",
    "HistoryRequest",
    "HistoryResponse",
    "LookupRequest",
    "LookupResponse",
    "LotOut",
    "MemberSession",
    "OtpChallenge",
    "OtpRequest",
    "OverdraftLine",
    "PresenceProof",
    "Problem",
    "ProgramResponse",
    "QuoteRequest",
    "QuoteResponse",
    "Refusal",
    "ReturnRequest",
    "Returned",
    "SignIn",
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
    account_ref: str  # for URLs (history): unguessable, unlike the id
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


class HistoryRequest(_In):
    mobile: str = Mobile
    limit: int = Field(default=100, ge=1, le=1000)


class HistoryResponse(BaseModel):
    account_id: int
    account_ref: str
    entries: list[HistoryEntry]


class OtpRequest(_In):
    mobile: str = Mobile


class OtpChallenge(BaseModel):
    challenge_id: str
    expires_at: str


class SignIn(_In):
    challenge_id: str = Field(min_length=32, max_length=32, pattern=r"^m[0-9a-f]{31}$")
    otp: str = Field(pattern=r"^[0-9]{6}$")


class MemberSession(BaseModel):
    session: str  # lgsm_<id>_<secret>: the member's bearer, kept on their device; shown once
    expires_at: str


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
    date: SaleDate
    lines: list[ReturnLine] | None = None


class SyncRequest(_In):
    terminal: str = Field(min_length=1, max_length=32)
    events: list[Event] = Field(max_length=500)
    # the till's last batch: its open offline allowances are settled (unspent points return)
    settle: bool = True


class AllowanceRequest(_In):
    mobile: str = Mobile


class Allowance(BaseModel):
    """What this till may redeem offline for the member today (its part of the member's
    one offline budget, shared by every till)."""

    account_id: int
    day: dt.date
    points: int


class Refusal(BaseModel):
    """A till's event the ledger refused, as recorded."""

    key: str  # <store>/<till>/<event id>
    event_id: str
    code: str | None
    detail: str | None
    at: str


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
    settled: int = 0  # offline allowance points returned to the members' budgets


class TerminalTokenRequest(_In):
    kind: Literal["terminal"]
    store: str = Field(min_length=1, max_length=32)
    terminal: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class ChannelTokenRequest(_In):
    kind: Literal["channel"]
    store: str = Field(min_length=1, max_length=32)  # WEB or APP


class AdminTokenRequest(_In):
    kind: Literal["admin"]


# a till's token names its store and till, a channel's its store, an admin's neither
TokenRequest = Annotated[
    TerminalTokenRequest | ChannelTokenRequest | AdminTokenRequest, Field(discriminator="kind")
]


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
