"""The item rows of a GSTR-1 document: one per tax rate, amounts of that (document, rate).

Rounding: none here. Line amounts come rounded from gst.py; summing them per
(document, rate) is exact, so every grouping of these rows (by buyer, POS, section,
the whole return) adds up to the books to the paisa. Intra-state rows carry CGST and
SGST, inter-state rows IGST: the portal takes no IGST on an intra-state supply and
no CGST/SGST on an inter-state one. Cess is always present.

>>> wrapped([("5", [100000, 0, 2500, 2500, 0])], intra=True)
'[{"num":1,"itm_det":{"txval":1000.00,"rt":5,"camt":25.00,"samt":25.00,"csamt":0.00}}]'
>>> flat([("0", [50000, 0, 0, 0, 0])])
'[{"txval":500.00,"rt":0,"iamt":0.00,"csamt":0.00}]'
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from loyalty_gst.gstr1.amounts import text

Rows = Sequence[tuple[str, list[int]]]  # (rate, [taxable, igst, cgst, sgst, cess])


def det(rate: str, a: list[int], intra: bool) -> str:
    if intra:
        return (
            f'{{"txval":{text(a[0])},"rt":{rate},"camt":{text(a[2])},'
            f'"samt":{text(a[3])},"csamt":{text(a[4])}}}'
        )
    return f'{{"txval":{text(a[0])},"rt":{rate},"iamt":{text(a[1])},"csamt":{text(a[4])}}}'


def wrapped(rows: Rows, intra: bool) -> str:
    """`itms` of b2b, b2cl, cdnr, cdnur: [{num, itm_det{...}}]."""
    return (
        "["
        + ",".join(
            f'{{"num":{i},"itm_det":{det(rate, a, intra)}}}'
            for i, (rate, a) in enumerate(rows, start=1)
        )
        + "]"
    )


def flat(rows: Rows) -> str:
    """`itms` of exp: [{txval, rt, iamt, csamt}] (exports are inter-state)."""
    return "[" + ",".join(det(rate, a, False) for rate, a in rows) + "]"


def gov_date(iso: str) -> str:
    """yyyy-mm-dd → dd-mm-yyyy (the portal's date)."""
    return f"{iso[8:10]}-{iso[5:7]}-{iso[0:4]}"


def string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
