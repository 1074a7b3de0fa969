"""Use cases every channel calls (CLI, HTTP API, ERPNext hooks, the offline terminal).

Each takes the store explicitly and keyword-only options; each write is one
transaction that locks the customer's account row first.
"""

from loyalty_gst.service.accounts import (
    adjust,
    balance_of,
    expire,
    expiring,
    history,
    lookup,
    merge,
    migrate_in,
    migrate_opening,
    verify_accounts,
)
from loyalty_gst.service.common import (
    Balance,
    Committed,
    Expired,
    LotView,
    Quote,
    Returned,
    Voided,
)
from loyalty_gst.service.returns import return_, void
from loyalty_gst.service.sales import commit, quote, release

verify = verify_accounts

__all__ = [
    "Balance",
    "Committed",
    "Expired",
    "LotView",
    "Quote",
    "Returned",
    "Voided",
    "adjust",
    "balance_of",
    "commit",
    "expire",
    "expiring",
    "history",
    "lookup",
    "merge",
    "migrate_in",
    "migrate_opening",
    "quote",
    "release",
    "return_",
    "verify",
    "verify_accounts",
    "void",
]
