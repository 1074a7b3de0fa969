"""One exception hierarchy. Every error names the field, the value and the rule.

Glue translates once: `frappe.throw` in ERPNext, a JSON problem in the API, an exit
code in the CLI. Batch checks return `Problem`s as data instead of raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# field names whose values are never shown in full (a mobile number, a secret)
_SECRET = re.compile(r"(mobile|phone|customer|otp|token|secret|password)", re.I)
_DIGITS = re.compile(r"\d(?=\d{4})")
MAX_VALUE = 60


def shown(field: str, value: object) -> str:
    """A value as an error line shows it: repr, cut to 60 characters, and masked where the
    field holds a mobile number or a secret (only the last four digits stay)."""
    text = str(value) if isinstance(value, Decimal) else repr(value)
    if _SECRET.search(field or ""):
        text = _DIGITS.sub("*", text)
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (dotted field path), what value, which rule, optional code."""

    field: str
    value: object
    rule: str
    code: str | None = None

    def __str__(self) -> str:
        """One line: `[code] where: rule (got value)` — where is a JSON path, an option or a
        1-based line of a file; no value, no "(got …)"."""
        code = f"[{self.code}] " if self.code else ""
        where = self.field or "<root>"
        got = "" if self.value is None else f" (got {shown(where, self.value)})"
        rule = " ".join(str(self.rule).split())
        return f"{code}{where}: {rule}{got}"


class LoyaltyGstError(Exception):
    """Base of every error loyalty-gst raises on purpose."""

    code = "error"
    status = 400  # the HTTP status the API answers with; each class sets its own


class InvalidInput(LoyaltyGstError):
    """Input broke one or more rules; nothing was computed or written."""

    code = "validation_error"
    status = 422

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, field: str, value: object, rule: str, code: str | None = None) -> InvalidInput:
        return cls([Problem(field, value, rule, code)])


# --- ledger and channel errors: each has a stable `code` and the HTTP `status` it maps to ---


class LedgerError(LoyaltyGstError):
    """A ledger request was refused; nothing was written."""

    code = "ledger_error"
    status = 422


class UnknownCustomer(LedgerError):
    """No account for that mobile number, email, card number or id."""

    code = "unknown_customer"
    status = 404


class InsufficientPoints(LedgerError):
    """Fewer usable (unexpired, unheld) points than the request needs."""

    code = "insufficient_points"
    status = 409

    def __init__(self, requested: int, available: int) -> None:
        self.requested = requested
        self.available = available
        super().__init__(
            f"insufficient points: {requested} requested, {available} available to redeem"
        )


class HoldExpired(LedgerError):
    """The checkout's hold on points lapsed, was released or was already used."""

    code = "hold_expired"
    status = 409


class VelocityLimit(LedgerError):
    """Too many points or redemptions in the window the program allows."""

    code = "velocity_limit"
    status = 429


class ApprovalRequired(LedgerError):
    """A redemption above the program's threshold needs a named approver."""

    code = "approval_required"
    status = 409


class DuplicateDocument(LedgerError):
    """An invoice or note with that number already exists for the seller, with other content."""

    code = "duplicate_document"
    status = 409


class UnknownDocument(LedgerError):
    """No stored invoice with that number for the seller."""

    code = "unknown_document"
    status = 404


class AccountMerged(LedgerError):
    """The account was merged into another; post to the surviving account."""

    code = "account_merged"
    status = 409


class KeyConflict(LedgerError):
    """An idempotency key already names a request of another kind."""

    code = "conflict"
    status = 409


# --- channel errors ---


class Unauthorized(LoyaltyGstError):
    code = "unauthorized"
    status = 401


class Forbidden(LoyaltyGstError):
    code = "forbidden"
    status = 403


class NotFound(LoyaltyGstError):
    code = "not_found"
    status = 404


class InvoiceMismatch(LoyaltyGstError):
    """A terminal's printed total differs from the invoice the server computes."""

    code = "invoice_mismatch"
    status = 422


class PresenceRequired(LoyaltyGstError):
    code = "presence_required"
    status = 403


class PresenceInvalid(LoyaltyGstError):
    code = "presence_invalid"
    status = 403


class OtpAttemptsExceeded(LoyaltyGstError):
    code = "otp_attempts_exceeded"
    status = 429


class OtpRateLimited(LoyaltyGstError):
    code = "otp_rate_limited"
    status = 429


class SenderUnavailable(LoyaltyGstError):
    """No WhatsApp sender is configured (or it refused the message): nothing can reach
    the member, so a code that would never arrive is not made."""

    code = "whatsapp_unavailable"
    status = 503


class NoConsent(LoyaltyGstError):
    """The member has not opted in to (or has opted out of) messages for this purpose."""

    code = "no_consent"
    status = 409


class PointValueMismatch(LoyaltyGstError):
    """A request priced its points at another value than the program's: refused, never
    silently repriced (the customer was shown one value, the books would hold another)."""

    code = "point_value_mismatch"
    status = 409

    def __init__(self, asked: object, program: object, version: str) -> None:
        self.asked, self.program = asked, program
        super().__init__(
            f"loyalty.point_value: the request says ₹{asked} a point, the program "
            f"(version {version}) says ₹{program}; send the program's value or leave it out"
        )


class OfflineAllowanceExceeded(LedgerError):
    """An offline redemption beyond what the till was allowed for that member and day."""

    code = "offline_allowance"
    status = 409
