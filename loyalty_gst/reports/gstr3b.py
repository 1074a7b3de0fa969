"""GSTR-3B tables 3.1 and 3.2 from the month's invoices and notes, as the offline tool's
JSON (GST_RULES §6), and their check against GSTR-1 built from the same documents. Pure.

3.1 `sup_details` (credit notes subtract, debit notes add; cancelled invoices left out):
  (a) `osup_det`      outward taxable supplies other than zero-rated, nil and exempt —
                      taxable lines of B2B, B2C and deemed-export documents;
  (b) `osup_zero`     zero-rated: every line of SEZ (with / without payment) and export
                      documents (IGST and cess only);
  (c) `osup_nil_exmp` nil-rated and exempt lines (taxable value only);
  (d) `isup_rev`      inward supplies under reverse charge: not in sales, zero;
  (e) `osup_nongst`   non-GST lines (taxable value only).
3.2 `inter_sup.unreg_details`: inter-state supplies to unregistered persons (B2C, not
  exports) by place of supply: taxable value and IGST of their taxable lines;
  `comp_details` and `uin_details` stay empty (sales do not tell composition or UIN
  buyers apart).
Check: 3.1 (a) + (b) equals GSTR-1's taxable sections (b2b, b2cl, b2cs, exp, cdnr,
cdnur), (c) + (e) its nil table, and 3.2 per POS its inter-state B2C rows (b2cs INTER,
b2cl, cdnur B2CL) — each to the paisa.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from loyalty_gst.errors import Problem
from loyalty_gst.gstr1.amounts import decimal
from loyalty_gst.gstr1.rules import EXPORTS, ZERO_RATED
from loyalty_gst.gstr1.view import DocView

HEADS = ("txval", "iamt", "camt", "samt", "csamt")


class Gstr3b:
    """Accumulates 3.1 and 3.2 in paise from DocViews of one GSTIN's month."""

    def __init__(self, gstin: str, fp: str, cancelled: Iterable[str] = ()) -> None:
        self.gstin, self.fp = gstin, fp
        self.cancelled = frozenset(cancelled)
        self.t31: dict[str, list[int]] = {k: [0] * 5 for k in
                                          ("osup_det", "osup_zero", "osup_nil_exmp", "isup_rev",
                                           "osup_nongst")}  # fmt: skip
        self.t32: dict[str, list[int]] = {}
        self.seen: set[str] = set()

    def add(self, doc: DocView) -> None:
        if doc.seller_gstin != self.gstin or doc.number in self.cancelled:
            return
        if doc.number in self.seen:
            return
        self.seen.add(doc.number)
        sign = -1 if doc.kind == "credit_note" else 1
        zero = doc.category in ZERO_RATED
        unreg_inter = (
            doc.buyer_gstin is None and doc.supply == "inter" and doc.category not in EXPORTS
            and doc.category == "B2C"
        )  # fmt: skip
        for ln in doc.lines:
            a = ln.amounts
            if zero:
                target = self.t31["osup_zero"]
            elif ln.tax_category == "taxable":
                target = self.t31["osup_det"]
            elif ln.tax_category == "non_gst":
                target = self.t31["osup_nongst"]
            else:
                target = self.t31["osup_nil_exmp"]
            for i in range(5):
                target[i] += sign * a[i]
            if unreg_inter and ln.tax_category == "taxable":
                slot = self.t32.setdefault(doc.pos, [0, 0])
                slot[0] += sign * a[0]
                slot[1] += sign * a[1]

    def to_json(self) -> dict[str, Any]:
        """The offline tool's JSON (amounts Decimal, 2 dp)."""

        def heads(name: str, a: list[int]) -> dict[str, Decimal]:
            keep = {
                "osup_zero": ("txval", "iamt", "csamt"),
                "osup_nil_exmp": ("txval",),
                "osup_nongst": ("txval",),
            }.get(name, HEADS)
            return {h: decimal(v) for h, v in zip(HEADS, a, strict=True) if h in keep}

        return {
            "gstin": self.gstin,
            "ret_period": self.fp,
            "sup_details": {k: heads(k, a) for k, a in self.t31.items()},
            "inter_sup": {
                "unreg_details": [
                    {"pos": pos, "txval": decimal(a[0]), "iamt": decimal(a[1])}
                    for pos, a in sorted(self.t32.items())
                    if a[0] or a[1]
                ],
                "comp_details": [],
                "uin_details": [],
            },
        }


def _sum_items(doc: dict[str, Any]) -> tuple[Decimal, Decimal]:
    tx = iamt = Decimal(0)
    for it in doc.get("itms") or []:
        det = it.get("itm_det", it)
        tx += Decimal(str(det.get("txval", 0)))
        iamt += Decimal(str(det.get("iamt", 0)))
    return tx, iamt


def inter_b2c_by_pos(gstr1: dict[str, Any]) -> dict[str, tuple[Decimal, Decimal]]:
    """GSTR-1's inter-state B2C figures per POS: b2cs INTER + b2cl − cdnur B2CL notes."""
    out: dict[str, list[Decimal]] = {}

    def add(pos: str, tx: Decimal, iamt: Decimal) -> None:
        slot = out.setdefault(pos, [Decimal(0), Decimal(0)])
        slot[0] += tx
        slot[1] += iamt

    for r in gstr1.get("b2cs") or []:
        if r.get("sply_ty") == "INTER":
            add(str(r["pos"]), Decimal(str(r.get("txval", 0))), Decimal(str(r.get("iamt", 0))))
    for grp in gstr1.get("b2cl") or []:
        for inv in grp.get("inv") or []:
            add(str(grp["pos"]), *_sum_items(inv))
    for nt in gstr1.get("cdnur") or []:
        if nt.get("typ") == "B2CL":
            tx, iamt = _sum_items(nt)
            sign = -1 if nt.get("ntty") == "C" else 1
            add(str(nt.get("pos")), sign * tx, sign * iamt)
    return {k: (v[0], v[1]) for k, v in out.items() if v[0] or v[1]}


def check(
    b3: dict[str, Any], gstr1: dict[str, Any], sections: dict[str, Decimal], nil: Decimal
) -> list[Problem]:
    """3B against GSTR-1 (`sections`: GSTR-1's taxable sections' txval/iamt/camt/samt/csamt
    summed, notes subtracting; `nil`: its nil table's total)."""
    problems: list[Problem] = []
    sup = b3["sup_details"]
    for h in HEADS:
        got = sup["osup_det"].get(h, Decimal(0)) + sup["osup_zero"].get(h, Decimal(0))
        if got != sections[h]:
            problems.append(
                Problem(
                    f"3.1(a)+(b).{h}",
                    str(got),
                    f"GSTR-1 taxable sections say {sections[h]}",
                    "3B_GSTR1",
                )
            )
    other = sup["osup_nil_exmp"]["txval"] + sup["osup_nongst"]["txval"]
    if other != nil:
        problems.append(
            Problem("3.1(c)+(e).txval", str(other), f"GSTR-1 nil says {nil}", "3B_GSTR1")
        )
    ours = {r["pos"]: (r["txval"], r["iamt"]) for r in b3["inter_sup"]["unreg_details"]}
    theirs = inter_b2c_by_pos(gstr1)
    for pos in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(pos, (Decimal(0), Decimal(0))), theirs.get(pos, (Decimal(0), Decimal(0)))
        if a != b:
            problems.append(
                Problem(
                    f"3.2.unreg_details.{pos}",
                    f"{a[0]} / {a[1]}",
                    f"GSTR-1 inter-state B2C says {b[0]} / {b[1]}",
                    "3B_GSTR1",
                )
            )
    return problems
