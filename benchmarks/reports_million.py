"""Auditor reports on a month of a million documents: time and peak memory.

    .venv/bin/python benchmarks/reports_million.py [--count 1000000] [--keep DIR]
        [--phases register-csv,register-xlsx,reconcile]

Setup (not timed as a phase): COUNT documents from gstr1_million's templates (B2C intra
and inter, B2CL, B2B, exports, credit notes; 35 % redeem points) loaded into a SQLite
store; a redemption entry in the ledger for each document that redeemed; the month's
GSTR-1 JSON built from the store; Tally XML vouchers of every document (validated
templates copied with fresh numbers, `vouchers.build`, the streaming writer). Then each
phase runs in a fresh process (its own peak RSS):
  register-csv   loyalty-gst report register → CSV    (goal: < 60 s, < 300 MB)
  register-xlsx  loyalty-gst report register → XLSX   (goal: < 60 s)
  reconcile      ledger ↔ store ↔ GSTR-1 ↔ Tally      (goal: < 120 s)
Single process, no multiprocessing. Prints one JSON line per phase: wall seconds, CPU
seconds (user + system: what the phase costs when the machine is shared), peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
GSTIN = "27AABCL4321K1ZL"
FP = "112025"


def _g1() -> object:
    spec = importlib.util.spec_from_file_location("gstr1_million", HERE / "gstr1_million.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ledger_entries(url: str) -> int:
    """A `redeem:` entry per stored invoice that redeemed points, a `restore:` per note."""
    import sqlalchemy as sa

    from loyalty_gst.store import open_store
    from loyalty_gst.store import schema as s

    store = open_store(url, migrate=False)
    t = s.invoices
    at = "2025-11-15T06:30:00.000000Z"
    wanted = []  # read everything first: SQLite cannot write while a read is streaming
    with store.engine.connect() as conn:
        q = sa.select(t.c.id, t.c.number, t.c.seller_gstin, t.c.kind, t.c.body)
        for i, number, gstin, kind, body in conn.execute(q):
            if '"points_redeemed":0' not in body:
                pts = json.loads(body)["loyalty"]["points_redeemed"]
                wanted.append((i, number, gstin, kind == "credit_note", pts))
    rows = [
        {"account_id": i, "seq": 1, "kind": "restore_redeem" if note else "redeem",
         "key": f"{'restore' if note else 'redeem'}:{gstin}:{number}",
         "points": pts if note else -pts, "at": at,
         "body": '{"forfeited":0}' if note else "{}", "prev_hash": "0" * 64, "hash": "0" * 64}
        for i, number, gstin, note, pts in wanted
    ]  # fmt: skip
    for k in range(0, len(rows), 20000):
        with store.begin() as w:
            w.execute(s.entries.insert(), rows[k : k + 20000])
    store.dispose()
    return len(rows)


def gstr1_file(url: str, out: Path) -> None:
    from loyalty_gst.gstr1 import Builder, Period, stored
    from loyalty_gst.store import open_store

    store = open_store(url, migrate=False)
    p = Period.parse(FP)
    b = Builder(GSTIN, FP)
    b.extend(stored.iter_views(store, GSTIN, p.start, p.end))
    res = b.result()
    with out.open("w", encoding="utf-8") as fh:
        res.write(fh)
    res.close()
    store.dispose()


def tally_files(jsonl: Path, out: Path) -> int:
    """Vouchers of every document: templates validated once, copied with their numbers."""
    from loyalty_gst.models import DocRef, TaxedInvoice
    from tally_export.config import TallySettings
    from tally_export.vouchers import build
    from tally_export.writer import ImportWriter

    settings = TallySettings(company="Benchmark Co")
    cache: dict[str, TaxedInvoice] = {}
    n = 0
    with ImportWriter(out, settings.company, chunk_size=200_000) as w, jsonl.open("rb") as fh:
        for raw in fh:
            d = json.loads(raw)
            if d["seller"]["gstin"] != GSTIN:
                continue
            shape = json.dumps({k: v for k, v in d.items() if k not in ("number", "date")})
            inv = cache.get(shape)
            if inv is None:
                inv = cache[shape] = TaxedInvoice.model_validate_json(raw)
            upd: dict[str, object] = {
                "number": d["number"],
                "date": dt.date.fromisoformat(d["date"]),
            }
            if d.get("against"):
                upd["against"] = DocRef(number=d["against"]["number"], date=d["against"]["date"])
            w.write(build(inv.model_copy(update=upd), settings))
            n += 1
    return n


def peak_mb() -> int:
    for ln in Path("/proc/self/status").read_text().splitlines():
        if ln.startswith("VmHWM:"):
            return int(ln.split()[1]) // 1024
    return 0


def phase(name: str, work: Path) -> None:
    from click.testing import CliRunner

    from loyalty_gst.cli import main

    url = f"sqlite:///{work / 'store.sqlite'}"
    start = time.perf_counter()
    if name.startswith("register"):
        ext = name.split("-")[1]
        out = work / f"register.{ext}"
        args = ["report", "register", "--db", url, "--period", FP, "--gstin", GSTIN, "-o", str(out)]
    else:
        out = work / "differences.json"
        args = [
            "reconcile",
            "--db",
            url,
            "--gstin",
            GSTIN,
            "--period",
            FP,
            "--gstr1",
            str(work / "gstr1.json"),
            "--tally",
            str(work / "tally"),
            "-o",
            str(out),
        ]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    secs = time.perf_counter() - start
    use = resource.getrusage(resource.RUSAGE_SELF)
    cpu = use.ru_utime + use.ru_stime  # float ok: timing, not money
    extra: dict[str, object] = {}
    if name == "reconcile":
        body = json.loads(out.read_text())
        extra = {"differences": len(body["differences"]), "summary": body["summary"]}
    figures = {
        "phase": name,
        "seconds": round(secs, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": peak_mb(),
        "exit_code": res.exit_code,
        "output_mb": out.stat().st_size >> 20,
        **extra,
    }
    print(json.dumps(figures))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="Work folder to keep / reuse.")
    ap.add_argument("--phases", default="register-csv,register-xlsx,reconcile")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        phase(a.phase, a.work)
        return
    work = a.keep or Path(tempfile.mkdtemp(prefix="lgst_reports_"))
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work / 'store.sqlite'}"
    t = time.perf_counter()
    steps = {
        "docs": lambda: g1.generate(work / "docs.jsonl", a.count),
        "store": lambda: g1.load_store(work / "docs.jsonl", url),
        "entries": lambda: ledger_entries(url),
        "gstr1": lambda: gstr1_file(url, work / "gstr1.json"),
        "tally": lambda: tally_files(work / "docs.jsonl", work / "tally"),
    }
    g1 = _g1()
    for step, run in steps.items():  # resumable: each step leaves a marker file
        mark = work / f"done-{step}"
        if not mark.exists():
            got = run()
            mark.write_text(json.dumps(got, default=str))
            secs = round(time.perf_counter() - t, 1)
            print(json.dumps({"setup": step, "result": got, "seconds": secs}), flush=True)
    for name in filter(None, a.phases.split(",")):
        subprocess.run(
            [sys.executable, __file__, "--phase", name, "--work", str(work)], check=False
        )


if __name__ == "__main__":
    main()
