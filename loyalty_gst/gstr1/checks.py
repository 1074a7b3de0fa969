"""Checks before filing: the return against the books, and warnings (problems as data).

Reconciliation (to the paisa, each of taxable value, IGST, CGST, SGST, cess):
- per document class (b2b, b2cl, exp, b2cs, cdnr, cdnur): Σ of what was written for its
  documents — item rows plus nil lines, credit notes subtracting — equals Σ of those
  documents' own totals (TaxedInvoice.totals, "the books");
- overall: Σ over sections (notes subtracting, nil included) equals the books;
- HSN: Σ over the HSN table(s) equals the books.
A line with tax in the nil section (exempt but taxed) shows up here as a difference.

Warnings: HSN shorter than the turnover requires (6 digits above ₹5 crore AATO, else
4) or not 4/6/8 digits; unknown UQC; registered and export documents without an IRN
when e-invoicing applies (Settings.irns given and AATO above the e-invoice limit);
negative b2cs rows; duplicate numbers; gaps in number series.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from loyalty_gst.errors import Problem
from loyalty_gst.gstr1.amounts import FIGURES, text
from loyalty_gst.gstr1.doc_issue import DocIssue
from loyalty_gst.gstr1.figures import Figures, Reconciliation, SummaryRow, Tally
from loyalty_gst.gstr1.hsn import Hsn
from loyalty_gst.ids.codes import UQC


@dataclass(frozen=True)
class Parts:
    """What the checks read of a builder: its tables and counters, not the builder."""

    tally: Mapping[str, Tally]
    written: Mapping[str, Tally]
    books: Mapping[str, Tally]
    hsn: Hsn
    docs: DocIssue
    b2cs_rows: Mapping[tuple[str, str, str], list[int]]
    hsn_digits: int
    irn_missing: Sequence[str]
    irn_missing_count: int
    duplicates: Sequence[str]
    skipped: Mapping[str, int]


def summary(b: Parts) -> tuple[SummaryRow, ...]:
    """Per section: documents and figures as the JSON holds them (notes positive)."""
    rows = [
        SummaryRow(name, t.documents, Figures.of(t.amounts))
        for name, t in b.tally.items()
        if t.documents or any(t.amounts)
    ]
    if b.hsn.rows:
        rows.append(SummaryRow("hsn", len(b.hsn.rows), Figures.of(b.hsn.totals())))
    issued = sum(s.count - s.cancelled for s in b.docs.series.values())
    if issued:
        rows.append(SummaryRow("doc_issue", issued, Figures.of([0, 0, 0, 0, 0])))
    return tuple(rows)


def _diff(where: str, got: list[int], want: list[int]) -> Iterator[Problem]:
    for name, g, w in zip(FIGURES, got, want, strict=True):
        if g != w:
            yield Problem(
                f"{where}.{name}", text(g), f"differs from the books ({text(w)}) by "
                f"{text(g - w)}", "RECON",
            )  # fmt: skip


def reconcile(b: Parts) -> Reconciliation:
    problems: list[Problem] = []
    sections = [0, 0, 0, 0, 0]
    books = [0, 0, 0, 0, 0]
    for cls, written in b.written.items():
        book = b.books[cls].amounts
        problems += _diff(cls, written.amounts, book)
        for i in range(5):
            sections[i] += written.amounts[i]
            books[i] += book[i]
    hsn = b.hsn.totals()
    problems += _diff("hsn", hsn, books)
    return Reconciliation(Figures.of(sections), Figures.of(hsn), Figures.of(books), tuple(problems))


def warnings(b: Parts) -> Iterator[Problem]:
    need = b.hsn_digits
    codes = sorted({k[1] for k in b.hsn.rows})
    bad = [c for c in codes if not c.isdigit() or len(c) not in (4, 6, 8)]
    if bad:
        yield Problem("hsn.hsn_sc", bad, "HSN/SAC must be 4, 6 or 8 digits", "HSN")
    short = [c for c in codes if c not in bad and len(c) < need]
    if short:
        yield Problem(
            "hsn.hsn_sc", short, f"HSN needs at least {need} digits for this turnover "
            "(AATO above ₹5 crore: 6; else 4)", "HSN_DIGITS",
        )  # fmt: skip
    for unit in sorted({k[2] for k in b.hsn.rows} - UQC - {"NA"}):
        yield Problem("hsn.uqc", unit, "not a GST unit quantity code (UQC)", "UQC")
    for (sply, pos, rate), a in sorted(b.b2cs_rows.items()):
        if a[0] < 0:
            yield Problem(
                f"b2cs.{sply}.{pos}.{rate}", text(a[0]),
                "negative taxable value: notes exceed this month's sales here", "B2CS_NEGATIVE",
            )  # fmt: skip
    if b.irn_missing_count:
        yield Problem(
            "irn", b.irn_missing, f"{b.irn_missing_count} registered/export document(s) "
            "without an IRN though e-invoicing applies (first ones shown)", "IRN",
        )  # fmt: skip
    if b.skipped["duplicate"]:
        yield Problem(
            "number", b.duplicates, f"{b.skipped['duplicate']} duplicate document number(s): "
            "the first of each was kept", "DUPLICATE",
        )  # fmt: skip
    for kind, s, missing, first in b.docs.gap_report():
        yield Problem(
            f"doc_issue.{kind}.{s.prefix}",
            [f"{s.prefix}{n:0{len(s.lo_text) - len(s.prefix)}d}" for n in first],
            f"{missing} number(s) between {s.lo_text} and {s.hi_text} neither issued nor "
            "listed as cancelled (a gap is not a cancellation: list them if cancelled)",
            "DOC_GAP",
        )  # fmt: skip
