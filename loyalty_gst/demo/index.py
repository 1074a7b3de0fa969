"""out/index.html: every file the demo made, linked, each with a one-line explanation."""

from __future__ import annotations

import fnmatch
import html
from pathlib import Path

# (pattern relative to out/, what it is) — the first match explains a file
EXPLAINED: tuple[tuple[str, str], ...] = (
    ("index.html", "this page"),
    ("summary.json", "the day in figures: invoices, points redeemed, loyalty discount, tax"),
    ("invoices.jsonl", "every invoice and credit note exactly as the books hold them, one a line"),
    ("invoices/*.json", "one TaxedInvoice (lines, loyalty discount, taxable value, GST)"),
    ("ledger.sqlite", "the points ledger: accounts, hash-chained entries, lots, stored invoices"),
    ("ledger.sqlite-*", "the ledger database's journal"),
    ("gstr1/*.json", "GSTR-1 of one GSTIN for the month, portal JSON, loyalty inside taxable"),
    ("tally/*masters*.xml", "Tally Prime masters: ledgers, stock items, units"),
    ("tally/*.xml", "Tally Prime vouchers: one per invoice or note, loyalty as a discount line"),
    ("einvoice/*.pdf", "a registered e-invoice printed with IRN, Ack No and the signed QR"),
    ("einvoice/*reply*.json", "the stand-in IRP's answer: IRN, Ack No, signed invoice and QR"),
    ("einvoice/*.sqlite", "the e-invoice log: every IRP request and answer, secrets removed"),
    ("einvoice/*.txt", "why documents were not e-invoiced (B2C) or were refused"),
    ("einvoice/*.json", "an INV-01 e-invoice payload, validated the IRP's way"),
    ("print/*receipt*.pdf", "an 80 mm till receipt"),
    ("print/*/CN_*.pdf", "a printed credit note naming its original invoice and date"),
    ("print/*.pdf", "the printed GST document (A4): every Rule 46 particular, points line"),
    ("channels/reconciliation.json", "the channels' day: events per till, offline, overdrafts"),
    ("channels/server.sqlite*", "the channel server's own ledger (loyalty-gst serve)"),
    ("channels/server.log", "the channel server's log (no mobile numbers, OTPs or tokens)"),
    ("channels/till*.sqlite*", "a till's local file: cached customers, outbox, its invoices"),
    ("channels/till*.json", "a till's summary: sales online and offline, syncs"),
    ("channels/customers.json", "the members the tills and the web shop sold to (masked)"),
    ("*", "made by the demo"),
)


def explain(rel: str) -> str:
    for pattern, what in EXPLAINED:
        if fnmatch.fnmatch(rel, pattern):
            return what
    return "made by the demo"


def write(out: Path) -> Path:
    """Write out/index.html linking every file under `out` (sorted, grouped by folder)."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "index.html")
    groups: dict[str, list[Path]] = {}
    for f in files:
        rel = f.relative_to(out)
        groups.setdefault(str(rel.parent) if rel.parent != Path(".") else "", []).append(rel)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>loyalty-gst demo</title><style>body{font-family:sans-serif;margin:2em}"
        "li{margin:.15em 0}span{color:#555}</style></head><body>",
        "<h1>loyalty-gst demo: what it made</h1>",
        f"<p>{len(files)} files. One TaxedInvoice per sale; every rendering comes from it.</p>",
    ]
    for folder, rels in groups.items():
        parts.append(f"<h2>{html.escape(folder or 'out/')}</h2><ul>")
        for rel in rels:
            href = html.escape(rel.as_posix(), quote=True)
            what = html.escape(explain(rel.as_posix()))
            parts.append(
                f"<li><a href='{href}'>{html.escape(rel.name)}</a> <span>— {what}</span></li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    page = out / "index.html"
    page.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return page
