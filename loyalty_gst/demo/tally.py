"""Demo step: the day's Tally masters and vouchers into out/tally/, and a summary line."""

from __future__ import annotations

from loyalty_gst.demo.context import DemoRun
from tally_export.config import TallySettings
from tally_export.export import write_masters, write_vouchers


def run_tally(run: DemoRun) -> None:
    out = run.out / "tally"
    settings = TallySettings(company=str(run.catalogue.company["name"]))
    _, masters = write_masters(run.invoices, settings, out)
    summary = write_vouchers(run.invoices, settings, out)
    run.notes.append(f"Tally: {masters.count} masters, {summary.line()} → {out}/")
