"""IRP error codes used by the validator, the client and the stand-in, with their messages.

`CONFIRMED` codes were read in NIC/GSTN's published error list or its verbatim copies
(einvoice1.gst.gov.in "geterrorcodes", IRP 6 troubleshooting page, India Compliance's
handling); the others are our best reading of the code's place in NIC's numbering and
of GST_RULES §3 — their messages are ours, the rule they guard is real either way.
"""

from __future__ import annotations

from types import MappingProxyType

_MESSAGES: dict[str, str] = {
    # generic / schema
    "2140": "Error while validating invoice (the payload is not as per the INV-01 schema)",
    "2141": "Error while cancelling invoice",
    "2143": "Invoice does not belongs to the user GSTIN",
    "2144": "Invalid document date format (dd/mm/yyyy)",
    "2148": "Requested IRN data is not available",
    "2150": "Duplicate IRN",
    "2154": "IRN details are not found",
    "2163": "The document date should not be a future date",
    # tax type vs state and place of supply
    "2172": "For intra state transaction IGST amounts is not applicable, "
    "only CGST and SGST amounts are applicable",
    "2174": "For inter state transaction CGST and SGST amounts are not applicable, "
    "only IGST amount is applicable",
    "2178": "Invalid PIN code for the state",
    "2180": "IGST on intra-state supply is allowed only when the seller state equals POS",
    "2181": "For exports the place of supply and buyer state code must be 96 (other countries)",
    # totals
    "2182": "Taxable value of all items must be equal to total taxable value",
    "2183": "IGST value of all items must be equal to total IGST value",
    "2184": "CGST value of all items must be equal to total CGST value",
    "2185": "SGST value of all items must be equal to total SGST value",
    "2186": "Cess value of all items must be equal to total cess value",
    "2187": "State cess value of all items must be equal to total state cess value",
    "2188": "Invoice-level discount must not exceed the items and other charges",
    "2189": "Invalid total invoice value (Σ TotItemVal + OthChrg − Discount + RndOffAmt, ±1)",
    "2191": "Preceding document details (original invoice) are required for a credit/debit note",
    # items
    "2192": "Item total amount (TotAmt) should be equal to UnitPrice × Qty",
    "2193": "AssAmt value should be equal to (TotAmt - Discount)",
    "2194": "Total item value should be AssAmt + taxes + cess + other charges",
    "2211": "Supplier GSTIN and recipient GSTIN should not be the same",
    "2227": "CGST and SGST amounts of an item must be equal",
    "2233": "Duplicate item serial number (SlNo)",
    "2234": "CGST/SGST amount is not as per the GST rate on the assessable amount",
    "2235": "IGST amount is not as per the GST rate on the assessable amount",
    "2237": "For SEZ and export supplies only IGST is applicable",
    "2258": "Supplier state code does not match the state code of the supplier GSTIN",
    "2265": "Recipient state code does not match the state code of the recipient GSTIN",
    "2270": "The allowed cancellation time limit (24 hours) is crossed",
    "2283": "IRN details cannot be provided as it is generated more than 2 days ago",
    "2305": "The document is older than the 30-day reporting window (AATO ≥ ₹10 crore)",
    "3028": "GSTIN is invalid",
    "9999": "Invoice is not active",
    # authentication (eivital)
    "1005": "Invalid Token",
    "1007": "Authentication failed",
    "1008": "Invalid login credentials",
    "1010": "Invalid Client-ID/Client-Secret",
}

MESSAGES = MappingProxyType(_MESSAGES)

# Read in the published list or its verbatim copies (see module docstring).
CONFIRMED = frozenset(
    "2140 2141 2143 2148 2150 2154 2172 2176 2182 2189 2193 2283 3028 9999 1005".split()
)

# Codes whose meaning we could not confirm from a primary source.
BEST_READING = frozenset(_MESSAGES) - CONFIRMED


def message(code: str) -> str:
    """The message for a code (its own text when we know none)."""
    return _MESSAGES.get(code, f"IRP error {code}")
