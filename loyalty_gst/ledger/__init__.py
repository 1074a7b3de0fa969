"""The points ledger's pure core: lots (FIFO by expiry), postings, and the hash chain.

No database here: a posting takes the account's state and its lots and returns a `Plan`
(the entry to append, the lot changes); `loyalty_gst.store` writes plans, `service`
orchestrates. Entries are append-only; corrections are new entries.
"""

from loyalty_gst.ledger.chain import GENESIS, Entry, canonical, entry_hash, verify
from loyalty_gst.ledger.lots import Lot, Take, available, take_fifo, usable
from loyalty_gst.ledger.postings import AccountState, NewLot, Plan

__all__ = [
    "GENESIS",
    "AccountState",
    "Entry",
    "Lot",
    "NewLot",
    "Plan",
    "Take",
    "available",
    "canonical",
    "entry_hash",
    "take_fifo",
    "usable",
    "verify",
]
