"""GSTR-1 rules that are dates and thresholds (GST_RULES §4), and the filing settings.

- Return period `fp` is "MMYYYY"; a document belongs to it by its date.
- B2C (Large): unregistered, inter-state, invoice value above ₹2,50,000 for invoices
  dated before 1 Aug 2024 and above ₹1,00,000 from that day (Notification 12/2024-CT).
- HSN summary: one table (`hsn.data`) up to the April 2025 period; from the May 2025
  period (fp 052025) split into `hsn_b2b` and `hsn_b2c` (GSTN advisory, Phase-III).
- HSN digits: 6 when the aggregate annual turnover (AATO) is above ₹5 crore, else 4
  (Notification 78/2020-CT). E-invoicing applies above an AATO of ₹5 crore (a setting).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from loyalty_gst.errors import InvalidInput

B2CL_NEW_LIMIT_FROM = "2024-08-01"  # ISO text: compared with ISO document dates
B2CL_OLD_LIMIT = 250_000_00  # paise: above ₹2,50,000 before 1 Aug 2024
B2CL_NEW_LIMIT = 100_000_00  # paise: above ₹1,00,000 from 1 Aug 2024
HSN_SPLIT_FROM = (2025, 5)  # (year, month) of the first period with hsn_b2b / hsn_b2c
CRORE = Decimal(10_000_000)
FIVE_CRORE = 5 * CRORE
HSN_DESC_LIMIT = 30  # characters the portal keeps of an HSN description

# TaxedInvoice categories and the GSTR-1 vocabulary they map to
REGISTERED = frozenset(("B2B", "SEZWP", "SEZWOP", "DEXP"))
INV_TYP = {"B2B": "R", "SEZWP": "SEWP", "SEZWOP": "SEWOP", "DEXP": "DE"}
EXPORTS = {"EXPWP": "WPAY", "EXPWOP": "WOPAY"}
# zero-rated supplies keep every line in their section, even at rate 0 (not "nil")
ZERO_RATED = frozenset(("SEZWP", "SEZWOP", "EXPWP", "EXPWOP"))


def b2cl_limit(iso_date: str) -> int:
    """The B2CL threshold in paise for an invoice of that date (ISO text)."""
    return B2CL_NEW_LIMIT if iso_date >= B2CL_NEW_LIMIT_FROM else B2CL_OLD_LIMIT


@dataclass(frozen=True)
class Period:
    """A monthly return period: fp "MMYYYY" and its first and last day."""

    fp: str
    start: dt.date
    end: dt.date

    @property
    def split_hsn(self) -> bool:
        return (self.start.year, self.start.month) >= HSN_SPLIT_FROM

    @classmethod
    def parse(cls, fp: str) -> Period:
        if (
            len(fp) != 6
            or not (fp.isascii() and fp.isdigit())
            or not 1 <= int(fp[:2]) <= 12
            or not 2017 <= int(fp[2:]) <= 2099
        ):
            raise InvalidInput.one(
                "period", fp, "return period is MMYYYY from 2017 (GST's start), e.g. 112025"
            )
        year, month = int(fp[2:]), int(fp[:2])
        last = calendar.monthrange(year, month)[1]
        return cls(fp, dt.date(year, month, 1), dt.date(year, month, last))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls.parse(f"{day:%m%Y}")


@dataclass(frozen=True)
class Settings:
    """What the filer knows beyond the invoices.

    - `cancelled`: numbers of documents cancelled in the period (stored invoices do not
      carry cancellation): left out of every section, counted in doc_issue.
    - `aato`: aggregate annual turnover in ₹ (None: not given; HSN needs 4 digits).
    - `irns`: IRNs by document number; when given and e-invoicing applies (AATO above
      `einvoice_aato`), registered and export documents without one are warned about.
    - `original_value`: (value in paise, ISO date) of an earlier invoice by number, None
      if unknown: tells a note against a B2CL invoice (cdnur) from one netted in b2cs.
    - `spill_rows`: per-invoice rows kept in memory before spilling to a temp SQLite file.
    """

    cancelled: Collection[str] = frozenset()
    aato: Decimal | None = None
    einvoice_aato: Decimal = FIVE_CRORE
    irns: Mapping[str, str] | Collection[str] | None = None
    original_value: Callable[[str], tuple[int, str] | None] | None = None
    spill_rows: int = 50_000

    @property
    def hsn_digits(self) -> int:
        return 6 if self.aato is not None and self.aato > FIVE_CRORE else 4

    @property
    def einvoicing(self) -> bool:
        return self.aato is not None and self.aato > self.einvoice_aato
