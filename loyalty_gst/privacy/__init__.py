"""The member's data under the Digital Personal Data Protection Act, 2023: consent by
purpose (Sec. 6), the member's copy of their data (Sec. 11) and erasure (Sec. 12) that
keeps what tax law requires (Sec. 36 CGST Act: invoices and their accounts for 72 months)."""

from loyalty_gst.privacy.consent import PURPOSES, WORDING, Consent, allowed, current, record
from loyalty_gst.privacy.erase import erase, pseudonym
from loyalty_gst.privacy.export import export

__all__ = [
    "PURPOSES",
    "WORDING",
    "Consent",
    "allowed",
    "current",
    "erase",
    "export",
    "pseudonym",
    "record",
]
