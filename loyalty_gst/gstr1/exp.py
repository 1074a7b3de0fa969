"""GSTR-1 table 6A (`exp`): exports, with payment of tax (WPAY) or without (WOPAY).

Grouped by `exp_typ`; per invoice `inum`, `idt`, `val` and flat items {txval, rt,
iamt, csamt}. Shipping bill fields (`sbpcode`, `sbnum`, `sbdt`) are written only when
known: TaxedInvoice does not carry them yet, and the portal accepts them later.
"""

from __future__ import annotations

from loyalty_gst.gstr1 import items
from loyalty_gst.gstr1.amounts import text
from loyalty_gst.gstr1.rules import EXPORTS
from loyalty_gst.gstr1.view import DocView

SECTION = "exp"


def exp_typ(doc: DocView) -> str:
    return EXPORTS[doc.category]


def row(doc: DocView, rows: items.Rows) -> str:
    return (
        f'{{"inum":{items.string(doc.number)},"idt":"{items.gov_date(doc.date)}",'
        f'"val":{text(doc.value)},"itms":{items.flat(rows)}}}'
    )


def group_json(exp_type: str, rows: str) -> str:
    return f'{{"exp_typ":"{exp_type}","inv":[{rows}]}}'
