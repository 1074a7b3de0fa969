"""GSTR-1 table 5 (`b2cl`): large inter-state invoices to unregistered buyers.

An invoice goes here when the buyer has no GSTIN, the supply is inter-state and the
invoice value is above the limit of its date (rules.b2cl_limit: ₹2,50,000 before
1 Aug 2024, ₹1,00,000 from then). Grouped by POS; items carry IGST only.
"""

from __future__ import annotations

from loyalty_gst.gstr1 import items
from loyalty_gst.gstr1.amounts import text
from loyalty_gst.gstr1.rules import b2cl_limit
from loyalty_gst.gstr1.view import DocView

SECTION = "b2cl"


def is_large(doc: DocView, value: int | None = None) -> bool:
    """Inter-state and above the B2CL limit of the invoice date (value in paise)."""
    return doc.supply == "inter" and (doc.value if value is None else value) > b2cl_limit(doc.date)


def row(doc: DocView, rows: items.Rows) -> str:
    return (
        f'{{"inum":{items.string(doc.number)},"idt":"{items.gov_date(doc.date)}",'
        f'"val":{text(doc.value)},"itms":{items.wrapped(rows, False)}}}'
    )


def group_json(pos: str, rows: str) -> str:
    return f'{{"pos":"{pos}","inv":[{rows}]}}'
