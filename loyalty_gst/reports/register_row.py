"""One row of the loyalty-discount register from one stored document (Sec. 15(3)(a)).

`register_row(body)` reads a TaxedInvoice's JSON (the store's `body`, or
`invoice.model_dump(mode="json")`) — the one function the CLI, the API and the ERPNext
Script Report call, so they show the same figures. Pure.

Figures are whole paise (`int`), signed: a credit note's amounts and points are negative
(it takes back what its invoice gave), so any column adds up to the period's net — the
same net GSTR-1 reports. A note also shows, as positive figures, the points it restored
(its `loyalty.points_redeemed`), the GST it reversed (its tax) and its original invoice.

GST foregone per head: the line's `gst_foregone` (computed once in gst.py) split by head
— cess at the line's cess rate on its loyalty discount (half-up), the rest to IGST on an
inter-state supply, else halved between CGST and SGST (an odd paisa to CGST).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any

from loyalty_gst.gstr1.amounts import paise_of, rate_key
from loyalty_gst.ids.mobile import mask
from loyalty_gst.models import TaxedInvoice

# per rate: loyalty discount, taxable before, taxable after, cgst, sgst, igst, cess, foregone
RATE_FIGURES = ("loyalty_discount", "taxable_before", "taxable_after", "cgst", "sgst", "igst",
                "cess", "gst_foregone")  # fmt: skip


@dataclass(slots=True)
class RegisterRow:
    number: str
    date: str  # ISO
    kind: str
    gstin: str
    store: str
    channel: str
    member: str  # masked mobile, "" when none
    points: int  # redeemed (+) or restored by a note (−)
    point_value: Decimal
    loyalty_value: int
    loyalty_discount: int
    taxable_before: int
    taxable_after: int
    cgst: int
    sgst: int
    igst: int
    cess: int
    foregone_cgst: int
    foregone_sgst: int
    foregone_igst: int
    foregone_cess: int
    gst_foregone: int
    against: str = ""
    against_date: str = ""
    points_restored: int = 0
    gst_reversed: int = 0
    by_rate: dict[str, list[int]] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return self.date[:7]


def _cess_share(discount: int, cess_rate: Any) -> int:
    if not discount or not cess_rate or Decimal(cess_rate) == 0:
        return 0
    exact = Decimal(discount) * Decimal(cess_rate) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# the amounts a line and the totals carry, fetched together (operator.itemgetter)
_AMOUNTS = itemgetter("loyalty_discount", "taxable_before_loyalty", "taxable_value", "cgst",
                      "sgst", "igst", "cess")  # fmt: skip
_RATES: dict[Any, Decimal] = {}  # ₹ per point as text → Decimal (a program has few)


def _paise(values: tuple[Any, ...]) -> list[int]:
    """paise_of of each, with the store's own form inlined: text with two decimals."""
    return [
        int(v.replace(".", "", 1)) if type(v) is str and v[-3:-2] == "." else paise_of(v)
        for v in values
    ]


def _point_value(v: Any) -> Decimal:
    if type(v) is not str:
        return Decimal(str(v))
    got = _RATES.get(v)
    if got is None:
        got = Decimal(v)
        if len(_RATES) < 1000:
            _RATES[v] = got
    return got


def register_row(body: Mapping[str, Any]) -> RegisterRow:
    """The register's row of one document (TaxedInvoice JSON)."""
    sign = -1 if body["kind"] == "credit_note" else 1
    inter = body["supply"] == "inter"
    by_rate: dict[str, list[int]] = {}
    fc = fs = fi = fx = 0
    for ln in body["lines"]:
        disc, before, after, cgst, sgst, igst, cess, f = _paise(
            (*_AMOUNTS(ln), ln.get("gst_foregone", "0.00"))
        )
        cess_f = min(_cess_share(disc, ln.get("cess_rate")), f) if f else 0
        rest = f - cess_f
        if inter:
            fi += rest
        else:
            half = rest // 2
            fc += rest - half  # an odd paisa to CGST
            fs += half
        fx += cess_f
        figures = [disc, before, after, cgst, sgst, igst, cess, f]
        if sign < 0:
            figures = [-v for v in figures]
        rate = rate_key(ln["gst_rate"])
        got = by_rate.get(rate)
        if got is None:
            by_rate[rate] = figures
        else:
            for i, v in enumerate(figures):
                got[i] += v
    t = body["totals"]
    disc, before, after, cgst, sgst, igst, cess, foregone = _paise(
        (*_AMOUNTS(t), t.get("gst_foregone", "0.00"))
    )
    loyalty = body.get("loyalty") or {}
    points = int(loyalty.get("points_redeemed", 0))
    against = body.get("against") or {}
    customer = body.get("customer")
    note = sign < 0 and body["kind"] != "invoice"
    return RegisterRow(
        number=body["number"],
        date=body["date"],
        kind=body["kind"],
        gstin=body["seller"]["gstin"],
        store=body.get("store") or "",
        channel=body.get("channel") or "",
        member=mask(customer) if customer else "",
        points=sign * points,
        point_value=_point_value(loyalty.get("point_value", "0")),
        loyalty_value=sign * _paise((loyalty.get("value", "0.00"),))[0],
        loyalty_discount=sign * disc,
        taxable_before=sign * before,
        taxable_after=sign * after,
        cgst=sign * cgst,
        sgst=sign * sgst,
        igst=sign * igst,
        cess=sign * cess,
        foregone_cgst=sign * fc,
        foregone_sgst=sign * fs,
        foregone_igst=sign * fi,
        foregone_cess=sign * fx,
        gst_foregone=sign * foregone,
        against=against.get("number", ""),
        against_date=str(against.get("date", "")),
        points_restored=points if note else 0,
        gst_reversed=cgst + sgst + igst + cess if note else 0,
        by_rate=by_rate,
    )


def row_of_invoice(inv: TaxedInvoice) -> RegisterRow:
    """The same row from a validated TaxedInvoice (ERPNext, tests)."""
    return register_row(inv.model_dump(mode="json"))


__all__ = ["RATE_FIGURES", "RegisterRow", "register_row", "row_of_invoice"]
