"""Store ↔ Tally: every voucher in the Tally XML files of a folder against its document.

Vouchers are read with lxml's iterparse (each cleared after use: flat memory), kept
when their CMPGSTIN is the GSTIN reconciled, matched by (voucher type, number). Per
voucher: the date, the party amount (what the party is debited = amount payable), each
output tax ledger (CGST, SGST, IGST, cess), the loyalty discount line and the taxable
value (items + sales ledgers − loyalty discount) — all to the paisa, with the default
ledger names of tally_export (LedgerNames). A stored document without a voucher, a
voucher without a document and a cancelled invoice still in Tally are differences.
Vouchers are compared as they stream in: memory holds the books and a set of numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from loyalty_gst.gstr1.amounts import text
from loyalty_gst.reports.reconcile.books import Book
from loyalty_gst.reports.reconcile.differences import Differences
from tally_export.config import LedgerNames
from tally_export.vouchers import VCHTYPES

KIND_OF = {v: k for k, v in VCHTYPES.items()}


class Found(NamedTuple):
    date: str
    party: int
    cgst: int
    sgst: int
    igst: int
    cess: int
    loyalty_discount: int
    taxable: int


def _paise(s: str | None) -> int:
    """Tally's amount text in whole paise ("-866.00" → -86600; the 2-decimal form fast)."""
    t = (s or "").strip()
    if t[-3:-2] == "." and t.replace("-", "", 1).replace(".", "", 1).isdigit():
        return int(t.replace(".", "", 1))
    try:
        return int((Decimal(t or "0") * 100).to_integral_value())
    except InvalidOperation:
        return 0


def _found(v: etree._Element, n: LedgerNames) -> Found:
    heads = {n.cgst: 0, n.sgst: 0, n.igst: 0, n.cess: 0}
    party = loyalty = taxable = 0
    skip = {n.round_off, n.loyalty_tender, n.after_tax_discount}
    for e in v.iter("LEDGERENTRIES.LIST", "ALLLEDGERENTRIES.LIST"):
        name = (e.findtext("LEDGERNAME") or "").strip()
        amount = _paise(e.findtext("AMOUNT"))
        if (e.findtext("ISPARTYLEDGER") or "").strip() == "Yes":
            party += amount
        elif name in heads:
            heads[name] += amount
        elif name == n.loyalty_discount:
            loyalty += amount
            taxable += amount
        elif name not in skip:
            taxable += amount
    for it in v.iter("ALLINVENTORYENTRIES.LIST", "INVENTORYENTRIES.LIST"):
        taxable += _paise(it.findtext("AMOUNT"))
    raw = (v.findtext("DATE") or "").strip()
    date = f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}" if len(raw) == 8 and raw.isdigit() else raw
    return Found(date, abs(party), abs(heads[n.cgst]), abs(heads[n.sgst]), abs(heads[n.igst]),
                 abs(heads[n.cess]), abs(loyalty), abs(taxable))  # fmt: skip


def vouchers(
    folder: str | Path, gstin: str, diffs: Differences
) -> Iterator[tuple[str, str, Found]]:
    """(kind, number, what Tally holds) of each voucher of `gstin`, streamed; a missing or
    empty folder is a difference."""
    p = Path(folder)
    files = sorted(p.glob("*.xml")) if p.is_dir() else []
    names = LedgerNames()
    seen = 0
    for f in files:
        for _, v in etree.iterparse(str(f), tag="VOUCHER", huge_tree=True, recover=True):
            cmp = (v.findtext("CMPGSTIN") or "").strip()
            if cmp == gstin:
                vchtype = (v.get("VCHTYPE") or v.findtext("VOUCHERTYPENAME") or "").strip()
                number = (v.findtext("VOUCHERNUMBER") or "").strip()
                seen += 1
                yield KIND_OF.get(vchtype, vchtype), number, _found(v, names)
            v.clear()
            while v.getprevious() is not None:
                del v.getparent()[0]
    if not seen:
        what = "no such folder" if not p.is_dir() else f"no vouchers of {gstin}"
        diffs.add("tally", "-", "folder", "vouchers", f"{what}: {p}")


def compare(
    docs: dict[str, Book],
    found: Iterable[tuple[str, str, Found]],
    diffs: Differences,
    period: tuple[str, str],
) -> None:
    """Each voucher against its document as it streams in; then the documents none matched."""
    start, end = period
    matched: set[str] = set()
    count = 0
    for kind, number, got in found:
        count += 1
        b = docs.get(number)
        if b is None or b.kind != kind:
            if start <= got.date <= end:
                diffs.add("tally", number, "voucher", "missing", f"present ({kind})")
            continue
        if number in matched:
            diffs.add("tally", number, "voucher", "one", "twice")
            continue
        matched.add(number)
        if b.cancelled:
            diffs.add("tally", number, "voucher", "cancelled", "present")
            continue
        if got.date != b.date:
            diffs.add("tally", number, "date", b.date, got.date)
        for name, want, have in (
            ("party amount", b.payable, got.party),
            ("taxable", b.taxable, got.taxable),
            ("cgst", b.cgst, got.cgst),
            ("sgst", b.sgst, got.sgst),
            ("igst", b.igst, got.igst),
            ("cess", b.cess, got.cess),
            ("loyalty discount", b.loyalty_discount, got.loyalty_discount),
        ):
            if want != have:
                diffs.add("tally", number, name, text(want), text(have))
    diffs.checked["tally"] = count
    for number, b in docs.items():
        if not b.cancelled and number not in matched:
            diffs.add("tally", number, "voucher", "present", "missing")
