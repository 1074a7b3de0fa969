"""Store ↔ Tally: every voucher in the Tally XML files of a folder against its document.

Vouchers are read with lxml's iterparse (each cleared after use: flat memory), kept
when their CMPGSTIN is the GSTIN reconciled, matched by (voucher type, number). Per
voucher: the date, the party amount (what the party is debited = amount payable), each
output tax ledger (CGST, SGST, IGST, cess), the loyalty discount line and the taxable
value (items + sales ledgers − loyalty discount) — all to the paisa, with the default
ledger names of tally_export (LedgerNames). A stored document without a voucher, a
voucher without a document and a cancelled invoice still in Tally are differences.
The vouchers are sorted by number (`ordered`, bounded memory) for the sorted merge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from loyalty_gst.gstr1.amounts import text
from loyalty_gst.reports.reconcile import ordered as sorting
from loyalty_gst.reports.reconcile.books import Book
from loyalty_gst.reports.reconcile.differences import Differences
from loyalty_gst.reports.reconcile.ordered import Sorted
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


LEDGER = frozenset(("LEDGERENTRIES.LIST", "ALLLEDGERENTRIES.LIST"))
INVENTORY = ("ALLINVENTORYENTRIES.LIST", "INVENTORYENTRIES.LIST")
HEAD = frozenset(("DATE", "VOUCHERTYPENAME", "VOUCHERNUMBER", "CMPGSTIN"))


def _texts(e: etree._Element, wanted: frozenset[str]) -> dict[str, str]:
    """The text of `e`'s first child of each wanted tag (as findtext gives it), read in
    one walk over the children — findtext walks them once per tag, in Python."""
    out: dict[str, str] = {}
    for c in e:
        tag = c.tag
        if tag in wanted and tag not in out:
            out[tag] = c.text or ""  # type: ignore[index]
    return out


ENTRY = frozenset(("LEDGERNAME", "AMOUNT", "ISPARTYLEDGER"))


def _found(v: etree._Element, n: LedgerNames, date: str) -> Found:
    heads = {n.cgst: 0, n.sgst: 0, n.igst: 0, n.cess: 0}
    party = loyalty = taxable = 0
    skip = {n.round_off, n.loyalty_tender, n.after_tax_discount}
    texts = _texts
    for e in v.iter(*LEDGER, *INVENTORY):
        if e.tag in LEDGER:
            got = texts(e, ENTRY)
            name = got.get("LEDGERNAME", "").strip()
            amount = _paise(got.get("AMOUNT"))
            if got.get("ISPARTYLEDGER", "").strip() == "Yes":
                party += amount
            elif name in heads:
                heads[name] += amount
            elif name == n.loyalty_discount:
                loyalty += amount
                taxable += amount
            elif name not in skip:
                taxable += amount
        else:
            for c in e:
                if c.tag == "AMOUNT":
                    taxable += _paise(c.text)
                    break
            else:
                taxable += _paise(None)
    raw = date.strip()
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
        parse = etree.iterparse(
            str(f), tag="VOUCHER", huge_tree=True, recover=True, remove_blank_text=True
        )
        for _, v in parse:
            head = _texts(v, HEAD)
            if head.get("CMPGSTIN", "").strip() == gstin:
                vchtype = (v.get("VCHTYPE") or head.get("VOUCHERTYPENAME") or "").strip()
                number = head.get("VOUCHERNUMBER", "").strip()
                seen += 1
                yield KIND_OF.get(vchtype, vchtype), number, _found(v, names, head.get("DATE", ""))
            v.clear()
            while v.getprevious() is not None:
                del v.getparent()[0]
    if not seen:
        what = "no such folder" if not p.is_dir() else f"no vouchers of {gstin}"
        diffs.add("tally", "-", "folder", "vouchers", f"{what}: {p}")


def ordered(
    folder: str | Path, gstin: str, diffs: Differences, tick: Callable[[int], None] | None = None
) -> Sorted:
    """The GSTIN's vouchers sorted by number (files come in their writer's order):
    (number, (kind, Found)), as in the files among equal numbers; tick(TICK) per TICK
    read."""
    out = Sorted()
    for kind, number, got in vouchers(folder, gstin, diffs):
        out.add(number, (kind, got))
        if tick is not None and out.count % sorting.TICK == 0:
            tick(sorting.TICK)
    return out


class Tally:
    """Checks one document number at a time: its Book (if stored) and its vouchers."""

    def __init__(self, diffs: Differences, period: tuple[str, str]) -> None:
        self.diffs, self.period = diffs, period
        self.count = 0

    def check(self, number: str, b: Book | None, found: list[tuple[str, Found]]) -> None:
        start, end = self.period
        add = self.diffs.add
        matched = False
        for kind, got in found:
            self.count += 1
            if b is None or b.kind != kind:
                if start <= got.date <= end:
                    add("tally", number, "voucher", "missing", f"present ({kind})")
                continue
            if matched:
                add("tally", number, "voucher", "one", "twice")
                continue
            matched = True
            if b.cancelled:
                add("tally", number, "voucher", "cancelled", "present")
                continue
            if got.date != b.date:
                add("tally", number, "date", b.date, got.date)
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
                    add("tally", number, name, text(want), text(have))
        if b is not None and not b.cancelled and not matched:
            add("tally", number, "voucher", "present", "missing")

    def done(self) -> None:
        self.diffs.checked["tally"] = self.count
