"""GSTR-1 table 4 (`b2b`): invoices to registered buyers, SEZ units and deemed exports.

Grouped by buyer GSTIN (`ctin`); per invoice `inum`, `idt`, `val` (the invoice value),
`pos`, `rchrg` Y/N, `inv_typ` (R, SEWP, SEWOP, DE) and one item per tax rate.
"""

from __future__ import annotations

from loyalty_gst.gstr1 import items
from loyalty_gst.gstr1.amounts import text
from loyalty_gst.gstr1.rules import INV_TYP
from loyalty_gst.gstr1.view import DocView

SECTION = "b2b"


def row(doc: DocView, rows: items.Rows) -> str:
    return (
        f'{{"inum":{items.string(doc.number)},"idt":"{items.gov_date(doc.date)}",'
        f'"val":{text(doc.value)},"pos":"{doc.pos}","rchrg":"{"Y" if doc.reverse_charge else "N"}",'
        f'"inv_typ":"{INV_TYP[doc.category]}","itms":{items.wrapped(rows, doc.supply == "intra")}}}'
    )


def group_json(ctin: str, rows: str) -> str:
    return f'{{"ctin":"{ctin}","inv":[{rows}]}}'
