"""Store ↔ e-invoice log: an IRN for every document that needs one, none live for a
cancelled invoice.

Documents that need an IRN (INV-01 applies): B2B, SEZ, deemed exports and exports —
invoices, credit and debit notes. The log (`lgst_einvoice_log`, written by
einvoice.client) gives each document's IRN from a successful `generate` (the IRN is in
the response's Data.Irn) or a lookup that returned one, and the IRNs a successful
`cancel` ended. A table that is missing, or that holds no registration while documents
need one, is a difference.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from einvoice.log import einvoice_log
from loyalty_gst.reports.reconcile.books import NEEDS_IRN, Book
from loyalty_gst.reports.reconcile.differences import Differences


def _irn_of(row: Any) -> str | None:
    if row.irn and row.operation != "cancel":
        return str(row.irn)
    try:
        data = json.loads(row.response or "null")
    except ValueError:
        return None
    inner = data.get("Data") if isinstance(data, dict) else None
    if isinstance(inner, dict) and inner.get("Irn"):
        return str(inner["Irn"])
    return None


def read(
    engine: sa.Engine, gstin: str, diffs: Differences, needed: int = 1
) -> tuple[dict[str, str], set[str]]:
    """(document number → IRN, cancelled IRNs) of the GSTIN's successful exchanges; a log
    with none while `needed` documents need an IRN is a difference of its own."""
    t = einvoice_log
    irns: dict[str, str] = {}
    cancelled: set[str] = set()
    if not sa.inspect(engine).has_table(t.name):
        diffs.add("einvoice", "-", "log", "an e-invoice log", f"no table {t.name}")
        return irns, cancelled
    query = (
        sa.select(t.c.operation, t.c.doc_no, t.c.irn, t.c.response, t.c.outcome)
        .where(t.c.gstin == gstin, t.c.outcome == "ok")
        .order_by(t.c.id)
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            if row.operation == "cancel":
                if row.irn:
                    cancelled.add(str(row.irn))
                continue
            irn = _irn_of(row)
            if irn and row.doc_no:
                irns[str(row.doc_no)] = irn
    if not irns and needed:
        diffs.add("einvoice", "-", "log", "registrations", f"none for {gstin}")
    return irns, cancelled


def needed(docs: dict[str, Book]) -> int:
    return sum(1 for b in docs.values() if b.category in NEEDS_IRN)


def compare(
    docs: dict[str, Book], irns: dict[str, str], cancelled: set[str], diffs: Differences
) -> None:
    checked = 0
    for number, b in docs.items():
        if b.category not in NEEDS_IRN:
            continue
        checked += 1
        irn = irns.get(number)
        if b.cancelled:
            if irn is not None and irn not in cancelled:
                diffs.add("einvoice", number, "irn", "cancelled", f"live {irn[:16]}…")
            continue
        if irn is None:
            diffs.add("einvoice", number, "irn", "needed", "missing")
        elif irn in cancelled:
            diffs.add("einvoice", number, "irn", "live", f"cancelled {irn[:16]}…")
    diffs.checked["einvoice"] = checked
