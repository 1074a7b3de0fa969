"""Demo step: a PDF for every document of the day → out/print/<GSTIN>/<number>.pdf (A4)
and out/print/<GSTIN>/<number>.receipt.pdf for the sales billed at a store's till.

Each document prints as the ledger stored it (out/ledger.sqlite, with the member's
points balance after it and the company's letterhead where one is set up), else as the
day's invoice in memory.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from loyalty_gst.demo.context import DemoRun
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.printing import PrintJob, render, title_of


def _job(store: object, inv: TaxedInvoice) -> PrintJob:
    if store is None:
        return PrintJob(invoice=inv)
    from loyalty_gst.service.documents import print_job

    try:
        return print_job(store, inv.number, gstin=inv.seller.gstin)  # type: ignore[arg-type]
    except LoyaltyGstError:
        return PrintJob(invoice=inv)  # not stored (e.g. refused by the ledger)


def print_all(invoices: list[TaxedInvoice], out: Path, db: Path | None = None) -> Counter[str]:
    """Print every document; the count of each kind printed (and of receipts)."""
    from loyalty_gst.store import open_store

    store = open_store(f"sqlite:///{db}") if db and db.exists() else None
    made: Counter[str] = Counter()
    try:
        for inv in invoices:
            job = _job(store, inv)
            folder = out / inv.seller.gstin
            folder.mkdir(parents=True, exist_ok=True)
            name = inv.number.replace("/", "_")
            (folder / f"{name}.pdf").write_bytes(render(job))
            made[title_of(inv)] += 1
            if inv.channel == "store" and inv.kind == "invoice":
                (folder / f"{name}.receipt.pdf").write_bytes(render(job, "receipt"))
                made["receipt"] += 1
    finally:
        if store is not None:
            store.dispose()
    return made


def run_print(run: DemoRun) -> None:
    out = run.out / "print"
    made = print_all(run.invoices, out, run.out / "ledger.sqlite")
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(made.items()))
    run.notes.append(f"print: {counts} → {out}/<GSTIN>/*.pdf")
