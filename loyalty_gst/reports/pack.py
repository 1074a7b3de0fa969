"""The auditor pack: every report of a period in one ZIP, with a manifest of SHA-256s.

    register.csv / .xlsx / .pdf      the loyalty-discount register
    reconciliation/<GSTIN>.json      the reconciliation per GSTIN (a calendar month only)
    gstr3b/<GSTIN>.json              GSTR-3B per GSTIN (a calendar month only)
    liability.csv / .xlsx / .pdf     points liability, face value
    analytics.pdf / .csv, *.png      analytics and its charts
    ledger_verify.txt                `ledger verify`: every chain, balance and lot
    manifest.json                    each file's size and SHA-256, the scope, what differed
GSTINs are those with documents in the period (or the one given). The reconciliation
takes the other sources when given: a folder of GSTR-1 JSONs named <GSTIN>_<MMYYYY>.json,
the Tally XML folder, the e-invoice log engine.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from loyalty_gst import service
from loyalty_gst.reports import charts
from loyalty_gst.reports.analytics_report import analytics
from loyalty_gst.reports.analytics_report import table as analytics_table
from loyalty_gst.reports.gstr3b_report import build as build_3b
from loyalty_gst.reports.gstr3b_report import save as save_3b
from loyalty_gst.reports.liability_report import liability
from loyalty_gst.reports.liability_report import table as liability_table
from loyalty_gst.reports.period import Span
from loyalty_gst.reports.reconcile import reconcile
from loyalty_gst.reports.reconcile.output import save as save_reconciled
from loyalty_gst.reports.register import write_register
from loyalty_gst.reports.table import write
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s


@dataclass
class Packed:
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    differences: dict[str, int] = field(default_factory=dict)  # GSTIN -> count
    verify_problems: int = 0


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def gstins(store: Store, span: Span) -> list[str]:
    if span.gstin:
        return [span.gstin]
    t = s.invoices
    q = sa.select(t.c.seller_gstin).where(span.where().clause()).distinct()
    with store.engine.connect() as conn:
        return sorted(conn.scalars(q))


def build(
    store: Store,
    span: Span,
    out: str | Path,
    *,
    gstr1_dir: str | None = None,
    tally: str | None = None,
    einvoice: sa.Engine | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Packed:
    packed = Packed()
    with tempfile.TemporaryDirectory(prefix="lgst_pack_") as tmp:
        d = Path(tmp)
        for ext in ("csv", "xlsx", "pdf"):
            say(f"register.{ext}")
            write_register(store, span, str(d / f"register.{ext}"))
        if span.fp:
            (d / "reconciliation").mkdir()
            (d / "gstr3b").mkdir()
            for g in gstins(store, span):
                say(f"reconcile {g}")
                one = Span(span.start, span.end, g, span.store)
                g1 = str(Path(gstr1_dir) / f"{g}_{span.fp}.json") if gstr1_dir else None
                r = reconcile(store, one, gstr1=g1, tally=tally, einvoice=einvoice)
                packed.differences[g] = len(r.differences)
                save_reconciled(r, str(d / "reconciliation" / f"{g}.json"))
                save_3b(build_3b(store, one), str(d / "gstr3b" / f"{g}.json"))
        say("liability")
        lia = liability(store, span)
        for ext in ("csv", "xlsx", "pdf"):
            write(liability_table(store, lia, span), d / f"liability.{ext}")
        say("analytics")
        an = analytics(store, span)
        pngs = charts.draw_all(an, d, "analytics")
        write(analytics_table(an, span, pngs), d / "analytics.pdf")
        write(analytics_table(an, span), d / "analytics.csv")
        say("ledger verify")
        problems = service.verify(store)
        packed.verify_problems = len(problems)
        text = (
            "ok: every chain intact, balances agree with entries and lots\n"
            if not problems
            else "".join(f"  - {p}\n" for p in problems)
        )
        (d / "ledger_verify.txt").write_text(text, encoding="utf-8")
        files = sorted(p for p in d.rglob("*") if p.is_file())
        manifest = {
            "period": {
                "from": span.start.isoformat(),
                "to": span.end.isoformat(),
                "gstin": span.gstin,
                "store": span.store,
            },
            "files": [
                {
                    "name": p.relative_to(d).as_posix(),
                    "bytes": p.stat().st_size,
                    "sha256": sha256(p),
                }
                for p in files
            ],
            "reconciliation_differences": packed.differences,
            "ledger_verify_problems": packed.verify_problems,
        }
        packed.files = {f["name"]: f["sha256"] for f in manifest["files"]}  # type: ignore[index]
        (d / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for p in [*files, d / "manifest.json"]:
                z.write(p, p.relative_to(d).as_posix())
    return packed
