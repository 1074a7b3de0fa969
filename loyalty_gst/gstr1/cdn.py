"""GSTR-1 tables 9B: credit and debit notes — `cdnr` (registered) and `cdnur` (unregistered).

Note values are positive with `ntty` C (credit) or D (debit). cdnr is grouped by buyer
GSTIN with `inv_typ` as in b2b. cdnur takes notes to unregistered buyers only when
the original invoice was B2CL-class (`typ` B2CL, with `pos`) or an export (`typ`
EXPWP / EXPWOP); every other note to an unregistered buyer is netted into b2cs.
"""

from __future__ import annotations

from loyalty_gst.gstr1 import items
from loyalty_gst.gstr1.amounts import text
from loyalty_gst.gstr1.rules import INV_TYP
from loyalty_gst.gstr1.view import DocView

CDNR = "cdnr"
CDNUR = "cdnur"


def ntty(doc: DocView) -> str:
    return "C" if doc.kind == "credit_note" else "D"


def cdnr_row(doc: DocView, rows: items.Rows) -> str:
    return (
        f'{{"ntty":"{ntty(doc)}","nt_num":{items.string(doc.number)},'
        f'"nt_dt":"{items.gov_date(doc.date)}","val":{text(doc.value)},"pos":"{doc.pos}",'
        f'"rchrg":"{"Y" if doc.reverse_charge else "N"}","inv_typ":"{INV_TYP[doc.category]}",'
        f'"itms":{items.wrapped(rows, doc.supply == "intra")}}}'
    )


def cdnr_group_json(ctin: str, rows: str) -> str:
    return f'{{"ctin":"{ctin}","nt":[{rows}]}}'


def cdnur_row(doc: DocView, typ: str, rows: items.Rows) -> str:
    pos = f',"pos":"{doc.pos}"' if typ == "B2CL" else ""
    return (
        f'{{"typ":"{typ}","ntty":"{ntty(doc)}","nt_num":{items.string(doc.number)},'
        f'"nt_dt":"{items.gov_date(doc.date)}","val":{text(doc.value)}{pos},'
        f'"itms":{items.wrapped(rows, False)}}}'
    )
