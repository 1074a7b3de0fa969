"""GSTR-1 of one GSTIN for one month, built by streaming its documents through once.

`Builder(gstin, fp).add(invoice)` for each TaxedInvoice (or `add_view` for a view read
without pydantic), then `result()`. Only the filing GSTIN's documents (seller GSTIN)
dated within the period are taken; documents listed as cancelled are counted in
doc_issue and left out of everything else; a number seen twice is kept once.

Where a document goes (GST_RULES §4):
- invoice to a registered buyer / SEZ / deemed export → b2b; its notes → cdnr;
- export invoice → exp (WPAY/WOPAY); its notes → cdnur (EXPWP/EXPWOP);
- B2C invoice, inter-state, above the B2CL limit of its date → b2cl; else → b2cs;
- note to an unregistered buyer against a B2CL-class invoice → cdnur (B2CL), else
  netted into b2cs (credit subtracts, debit adds);
- lines that are nil-rated, exempt or non-GST → nil (not for zero-rated SEZ/exports);
- every line → hsn; every document → doc_issue.
Rounding: none. Line amounts are 2 dp from gst.py; each document's lines are summed
per rate exactly (whole paise), so all groupings add up to the books to the paisa.
Memory: the group tables (b2cs, nil, hsn, doc_issue series) and a bounded buffer;
per-invoice rows spill to a temp file past `Settings.spill_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable

from loyalty_gst.gstr1 import b2b, b2cl, cdn, checks, exp
from loyalty_gst.gstr1 import view as views
from loyalty_gst.gstr1.b2cs import B2cs
from loyalty_gst.gstr1.doc_issue import DocIssue
from loyalty_gst.gstr1.figures import Tally
from loyalty_gst.gstr1.hsn import Hsn
from loyalty_gst.gstr1.items import Rows
from loyalty_gst.gstr1.nil import Nil
from loyalty_gst.gstr1.result import Gstr1Result
from loyalty_gst.gstr1.rules import EXPORTS, REGISTERED, ZERO_RATED, Period, Settings
from loyalty_gst.gstr1.spill import Spill
from loyalty_gst.gstr1.view import DocView
from loyalty_gst.models import TaxedInvoice

SHOW = 10  # document numbers kept per warning


class Builder:
    def __init__(self, gstin: str, fp: str, settings: Settings | None = None) -> None:
        self.gstin = gstin
        self.period = Period.parse(fp)
        self.settings = settings or Settings()
        self._start = self.period.start.isoformat()
        self._end = self.period.end.isoformat()
        self._cancelled = frozenset(self.settings.cancelled)
        self._irns = self.settings.irns if self.settings.einvoicing else None
        self.spill = Spill(self.settings.spill_rows)
        self.b2cs = B2cs()
        self.nil = Nil()
        self.hsn = Hsn()
        self.docs = DocIssue()
        # what each section's JSON holds (notes positive) and, per document class, the
        # signed sums of what was written (rows + nil lines) against the books' totals
        self.tally = {s: Tally() for s in ("b2b", "b2cl", "exp", "b2cs", "cdnr", "cdnur", "nil")}
        self.written = {s: Tally() for s in ("b2b", "b2cl", "exp", "b2cs", "cdnr", "cdnur")}
        self.books = {s: Tally() for s in ("b2b", "b2cl", "exp", "b2cs", "cdnr", "cdnur")}
        self.skipped = {"other_gstin": 0, "other_period": 0, "cancelled": 0, "duplicate": 0}
        self.duplicates: list[str] = []
        self.irn_missing: list[str] = []
        self.irn_missing_count = 0
        self._seen_cancelled: set[str] = set()
        self._b2cl_numbers: set[str] = set()

    # -- input ------------------------------------------------------------------------

    def add(self, invoice: TaxedInvoice) -> None:
        self.add_view(views.of_invoice(invoice))

    def extend(self, docs: Iterable[TaxedInvoice | DocView]) -> Builder:
        for d in docs:
            self.add_view(d if isinstance(d, DocView) else views.of_invoice(d))
        return self

    def add_view(self, doc: DocView) -> None:
        if doc.seller_gstin != self.gstin:
            self.skipped["other_gstin"] += 1
            return
        if not self._start <= doc.date <= self._end:
            self.skipped["other_period"] += 1
            return
        cancelled = doc.number in self._cancelled
        if not self.docs.record(doc.kind, doc.number, cancelled):
            self.skipped["duplicate"] += 1
            if len(self.duplicates) < SHOW:
                self.duplicates.append(doc.number)
            return
        if cancelled:
            self.skipped["cancelled"] += 1
            self._seen_cancelled.add(doc.number)
            return
        self._take(doc)

    # -- routing ----------------------------------------------------------------------

    def _take(self, doc: DocView) -> None:
        sign = -1 if doc.kind == "credit_note" else 1
        registered = doc.category in REGISTERED
        keep_all = doc.category in ZERO_RATED
        by_rate: dict[str, list[int]] = {}
        nil_taxable = 0
        hsn_add = self.hsn.add
        for ln in doc.lines:
            hsn_add(ln, registered, sign)
            a = ln.amounts
            if ln.tax_category != "taxable" and not keep_all:
                self.nil.add(doc.supply, registered, ln.tax_category, sign * a[0])
                nil_taxable += a[0]
                continue
            got = by_rate.get(ln.rate)
            if got is None:
                by_rate[ln.rate] = list(a)
            else:
                got[0] += a[0]
                got[1] += a[1]
                got[2] += a[2]
                got[3] += a[3]
                got[4] += a[4]
        rows = list(by_rate.items())
        cls = self._route(doc, registered, rows, sign)
        self.books[cls].add_amounts(doc.totals, sign)
        w = self.written[cls]
        for _, a in rows:
            w.add_amounts(a, sign)
        if nil_taxable:
            w.amounts[0] += sign * nil_taxable
            self.tally["nil"].documents += 1
            self.tally["nil"].amounts[0] += sign * nil_taxable
        irns = self._irns
        if irns is not None and (registered or doc.category in EXPORTS) and doc.number not in irns:
            self.irn_missing_count += 1
            if len(self.irn_missing) < SHOW:
                self.irn_missing.append(doc.number)

    def _route(self, doc: DocView, registered: bool, rows: Rows, sign: int) -> str:
        """Write the document into its section; return its class (the section's name)."""
        invoice = doc.kind == "invoice"
        if registered:
            if invoice:
                return self._row(b2b.SECTION, doc.buyer_gstin or "", doc, b2b.row(doc, rows), rows)
            return self._row(cdn.CDNR, doc.buyer_gstin or "", doc, cdn.cdnr_row(doc, rows), rows)
        if doc.category in EXPORTS:
            if invoice:
                return self._row(exp.SECTION, exp.exp_typ(doc), doc, exp.row(doc, rows), rows)
            return self._row(cdn.CDNUR, "", doc, cdn.cdnur_row(doc, doc.category, rows), rows)
        if invoice:
            if b2cl.is_large(doc):
                self._b2cl_numbers.add(doc.number)
                return self._row(b2cl.SECTION, doc.pos, doc, b2cl.row(doc, rows), rows)
        elif doc.supply == "inter" and self._against_large(doc):
            return self._row(cdn.CDNUR, "", doc, cdn.cdnur_row(doc, "B2CL", rows), rows)
        self.b2cs.add(doc.supply, doc.pos, rows, sign)
        t = self.tally["b2cs"]
        if rows:
            t.documents += 1
        for _, a in rows:
            t.add_amounts(a, sign)
        return "b2cs"

    def _row(self, section: str, group: str, doc: DocView, row: str, rows: Rows) -> str:
        if rows:
            self.spill.add(section, group, f"{doc.date}\x00{doc.number}", row)
            t = self.tally[section]
            t.documents += 1
            for _r, a in rows:
                t.add_amounts(a, 1)
        return section

    def _against_large(self, note: DocView) -> bool:
        """Was the note's original a B2CL-class invoice (inter-state, above its limit)?"""
        if note.against is None:
            return b2cl.is_large(note)
        if note.against in self._b2cl_numbers:
            return True
        lookup = self.settings.original_value
        found = lookup(note.against) if lookup else None
        if found is not None:
            value, iso_date = found
            return b2cl.is_large(note._replace(date=iso_date), value)
        # unknown original: a note worth more than the limit can only be against a large one
        return b2cl.is_large(note)

    # -- output -----------------------------------------------------------------------

    def result(self) -> Gstr1Result:
        self.docs.cancel_unseen(set(self._cancelled) - self._seen_cancelled)
        parts = checks.Parts(
            tally=self.tally,
            written=self.written,
            books=self.books,
            hsn=self.hsn,
            docs=self.docs,
            b2cs_rows=self.b2cs.rows,
            hsn_digits=self.settings.hsn_digits,
            irn_missing=self.irn_missing,
            irn_missing_count=self.irn_missing_count,
            duplicates=self.duplicates,
            skipped=self.skipped,
        )
        small = {
            "b2cs": self.b2cs.render(),
            "nil": self.nil.render(),
            "hsn": self.hsn.render(self.period.split_hsn),
            "doc_issue": self.docs.render(),
        }
        return Gstr1Result(
            gstin=self.gstin,
            fp=self.period.fp,
            small={k: v for k, v in small.items() if v},
            spill=self.spill,
            summary=checks.summary(parts),
            reconciliation=checks.reconcile(parts),
            warnings=tuple(checks.warnings(parts)),
            skipped=dict(self.skipped),
        )
