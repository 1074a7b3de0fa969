"""Tally Prime XML from TaxedInvoices (GST_RULES §5): masters, vouchers, streaming writer,
HTTP client with read-back, and a stand-in Tally server for tests.

Loyalty redemptions are booked as a pre-tax discount ledger line (Sec. 15(3)(a)); every
amount is copied from the TaxedInvoice, never recomputed; every voucher sums to 0.
"""

from tally_export.config import LedgerNames, TallySettings, load_settings
from tally_export.vouchers import UnbalancedVoucher, Voucher, build, check

__all__ = [
    "LedgerNames",
    "TallySettings",
    "UnbalancedVoucher",
    "Voucher",
    "build",
    "check",
    "load_settings",
]
