"""Demo step: the day's GSTR-1 for each of the demo's GSTINs → out/gstr1/<gstin>_<MMYYYY>.json.

Reads the ledger step's store (out/ledger.sqlite: committed sales and their credit
notes) when it is there, else the day's invoices in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from loyalty_gst.demo.context import DemoRun
from loyalty_gst.gstr1 import Builder, Period, Settings
from loyalty_gst.gstr1.view import DocView
from loyalty_gst.models import TaxedInvoice


def run_gstr1(run: DemoRun) -> None:
    period = Period.of(run.day)
    folder = run.out / "gstr1"
    folder.mkdir(parents=True, exist_ok=True)
    db = run.out / "ledger.sqlite"
    parts = []
    agree = True
    warnings = 0
    for seller in sorted(run.catalogue.sellers.values(), key=lambda s: s.gstin):
        builder = Builder(
            seller.gstin, period.fp, Settings(cancelled=_cancelled(db, seller.gstin, period))
        )
        for doc in _documents(run, db, seller.gstin, period):
            if isinstance(doc, DocView):
                builder.add_view(doc)
            else:
                builder.add(doc)
        result = builder.result()
        path = folder / f"{seller.gstin}_{period.fp}.json"
        with path.open("w", encoding="utf-8") as fh:
            result.write(fh)
        result.close()
        agree = agree and result.reconciliation.ok
        warnings += len(result.warnings)
        docs = sum(r.documents for r in result.summary if r.section == "doc_issue")
        parts.append(f"{seller.gstin[:2]}: {docs} docs")
    run.notes.append(
        f"gstr1 {period.fp}: {', '.join(parts)}; sections vs books "
        f"{'agree to the paisa' if agree else 'DIFFER'}, {warnings} warning(s) → {folder}"
    )


def _documents(
    run: DemoRun, db: Path, gstin: str, period: Period
) -> Iterable[TaxedInvoice | DocView]:
    if not db.exists():
        return run.invoices
    from loyalty_gst.gstr1 import stored
    from loyalty_gst.store import open_store

    store = open_store(f"sqlite:///{db}", migrate=False)
    try:
        return list(stored.iter_views(store, gstin, period.start, period.end))
    finally:
        store.dispose()


def _cancelled(db: Path, gstin: str, period: Period) -> frozenset[str]:
    if not db.exists():
        return frozenset()
    from loyalty_gst.gstr1 import stored
    from loyalty_gst.store import open_store

    store = open_store(f"sqlite:///{db}", migrate=False)
    try:
        return stored.cancelled(store, gstin, period.start, period.end)
    finally:
        store.dispose()
