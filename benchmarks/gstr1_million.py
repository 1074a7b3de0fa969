"""GSTR-1 of a month of a million invoices: time and peak memory, from JSON Lines and the store.

    .venv/bin/python benchmarks/gstr1_million.py [--count 1000000] [--validated] [--keep DIR]
        [--paths jsonl,store,jsonl-pydantic,store-pydantic]

Generates COUNT documents (≈ 3 lines each; B2C intra/inter, B2CL, B2B to 20,000
buyers, exports, credit notes, nil-rated and service lines, 1 % another GSTIN) by
computing a few hundred distinct TaxedInvoices with gst.compute / gst.credit_note and
varying number, date and buyer GSTIN by string templating. Writes them as JSON Lines,
loads them into a SQLite store (the store's `invoices` table, bulk insert), then builds
the return in a fresh process per path (so peak RSS is that path's own):
  jsonl           reader.iter_views  (json.loads → DocView, no pydantic)
  store           stored.iter_views  (one streamed SELECT of body → DocView)
  --validated adds: jsonl-pydantic (reader.iter_invoices), store-pydantic
                    (Store.iter_invoices, the store's own interface)
Target (issue 5): under 60 s and under 500 MB per path. Single process: no multiprocessing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

GSTIN = "27AABCL4321K1ZL"
FP = "112025"
CTIN = "27ZZZZZ0000Z1ZZ"  # placeholder buyer GSTIN in the templates
NUM = "TPLNUMBER"  # placeholder document number
DAY = "2025-11-01"


def templates(k: int = 400) -> list[tuple[str, str, str]]:
    """(kind, prefix, JSON text with placeholders) for k distinct documents."""
    from loyalty_gst import gst
    from loyalty_gst.demo import company as demo_company
    from loyalty_gst.models import Buyer, Loyalty, ReturnLine, Sale, SaleLine

    cat = demo_company.load()
    rnd = random.Random(5)
    seller = cat.sellers["27"]
    other = cat.sellers["29"]
    items = list(cat.items)
    b2b = Buyer(gstin=CTIN, legal_name="Buyer Pvt Ltd", address="1 Road", city="Mumbai",
                pincode="400001", state_code="27")  # fmt: skip
    abroad = Buyer(legal_name="Overseas Buyer Inc", address="1 Main St", city="Boston",
                   pincode="999999", state_code="96", country="US")  # fmt: skip
    out = []
    for _ in range(k):
        roll = rnd.random()
        picks = rnd.sample(items, 3)
        qty = 1
        kw: dict[str, object] = {}
        prefix = rnd.choice(("MB", "MA", "PK", "NS", "WB", "AP"))
        if roll < 0.06:
            kw = {"buyer": b2b}
        elif roll < 0.07:
            kw = {"buyer": abroad, "category": "EXPWOP"}
        elif roll < 0.11:
            kw = {"place_of_supply": rnd.choice(("29", "07", "24", "33"))}
            if roll > 0.10:
                qty = 60  # inter-state and large: b2cl
        lines = tuple(
            SaleLine(sku=it["sku"], description=it["description"], hsn=it["hsn"],
                     qty=Decimal(qty * rnd.choice((1, 1, 2, 3))), unit=it["unit"],
                     unit_price=Decimal(it["price"]), gst_rate=Decimal(it["gst_rate"]),
                     is_service=it["is_service"])
            for it in picks
        )  # fmt: skip
        loyalty = Loyalty(points=rnd.choice((100, 400, 2000)), point_value=Decimal("0.25"))
        sale = Sale(
            number=NUM, date=dt.date.fromisoformat(DAY),
            seller=other if rnd.random() < 0.01 else seller, lines=lines,
            loyalty=loyalty if rnd.random() < 0.35 else None, **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        inv = gst.compute(sale)
        if rnd.random() < 0.04 and "category" not in kw:
            note = gst.credit_note(
                inv, number=NUM, date=inv.date,
                returns=[ReturnLine(line_no=1, qty=inv.lines[0].qty)],
            )  # fmt: skip
            out.append(("credit_note", "CN", note.model_dump_json()))
        else:
            out.append(("invoice", prefix, inv.model_dump_json()))
    return out


def generate(path: Path, count: int) -> dict[str, int]:
    temps = templates()
    serial: dict[str, int] = {}
    kinds: dict[str, int] = {}
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        for i in range(count):
            kind, prefix, text = temps[i % len(temps)]
            serial[prefix] = n = serial.get(prefix, 0) + 1
            day = f"2025-11-{1 + i * 30 // count:02d}"
            doc = text.replace(NUM, f"{prefix}/2511/{n:07d}", 1)
            doc = doc.replace(f'"date":"{DAY}"', f'"date":"{day}"', 1)
            if CTIN in doc:
                k = i % 20_000
                doc = doc.replace(CTIN, f"27AAPCB{k:04d}R1Z{k % 10}")
            fh.write(doc)
            fh.write("\n")
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def load_store(path: Path, url: str) -> int:
    """Bulk insert into the store's invoices table (the columns Store.add_invoices writes)."""
    from loyalty_gst.store import open_store
    from loyalty_gst.store import schema as s

    store = open_store(url)
    rows = []
    n = 0
    with path.open("rb") as fh:
        for raw in fh:
            d = json.loads(raw)
            rows.append({
                "number": d["number"], "kind": d["kind"],
                "date": dt.date.fromisoformat(d["date"]), "seller_gstin": d["seller"]["gstin"],
                "store": d.get("store"), "account_id": None,
                "grand_total": Decimal(d["totals"]["grand_total"]),
                "against_number": (d.get("against") or {}).get("number"),
                "body": raw.decode().rstrip("\n"),
            })  # fmt: skip
            if len(rows) == 20_000:
                with store.begin() as conn:
                    conn.execute(s.invoices.insert(), rows)
                n += len(rows)
                rows = []
    if rows:
        with store.begin() as conn:
            conn.execute(s.invoices.insert(), rows)
        n += len(rows)
    store.dispose()
    return n


def peak_mb() -> int:
    """This process's peak RSS in MB: VmHWM (Linux; reset at exec, unlike ru_maxrss, which
    keeps the parent's peak from before the fork), else ru_maxrss."""
    try:
        for ln in Path("/proc/self/status").read_text().splitlines():
            if ln.startswith("VmHWM:"):
                return int(ln.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def phase(name: str, path: Path, url: str) -> None:
    """One build in this process; prints a JSON line of figures."""
    from loyalty_gst.gstr1 import Builder, Period, reader, stored
    from loyalty_gst.store import open_store

    start = time.perf_counter()
    period = Period.parse(FP)
    builder = Builder(GSTIN, FP)
    add_view, add = builder.add_view, builder.add
    if name == "jsonl":
        for v in reader.iter_views(path):
            add_view(v)
    elif name == "jsonl-pydantic":
        for inv in reader.iter_invoices(path):
            add(inv)
    else:
        store = open_store(url, migrate=False)
        if name == "store":
            for v in stored.iter_views(store, GSTIN, period.start, period.end):
                add_view(v)
        else:
            for inv in stored.iter_invoices(store, GSTIN, period.start, period.end):
                add(inv)
        store.dispose()
    read_done = time.perf_counter()
    result = builder.result()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        result.write(fh)
        out = Path(fh.name)
    spilled = builder.spill.spilled
    result.close()
    end = time.perf_counter()
    print(json.dumps({
        "path": name, "seconds": round(end - start, 1),
        "read_and_group": round(read_done - start, 1),
        "result_and_write": round(end - read_done, 1),
        "peak_rss_mb": peak_mb(),
        "json_mb": out.stat().st_size // (1 << 20), "spilled": spilled,
        "documents": sum(r.documents for r in result.summary if r.section == "doc_issue"),
        "skipped": result.skipped, "reconciliation": result.reconciliation.line(),
        "sections": {r.section: r.documents for r in result.summary},
    }))  # fmt: skip
    out.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--validated", action="store_true", help="also the pydantic paths")
    ap.add_argument("--keep", help="directory for the JSONL and the store (default: temp)")
    ap.add_argument("--paths", help="comma-separated paths to run (default: all chosen)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        phase(args.phase, Path(args.file), args.url)
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="gstr1_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "invoices.jsonl"
    db = folder / "store.sqlite"
    url = f"sqlite:///{db}"
    t = time.perf_counter()
    kinds = generate(path, args.count)
    print(f"generated {args.count:,} documents {kinds} in {time.perf_counter() - t:.1f} s "
          f"→ {path} ({path.stat().st_size / (1 << 20):,.0f} MB)", flush=True)  # fmt: skip
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    n = load_store(path, url)
    print(f"loaded {n:,} rows into the store in {time.perf_counter() - t:.1f} s → {db}", flush=True)
    phases = ["jsonl", "store"] + (["jsonl-pydantic", "store-pydantic"] if args.validated else [])
    if args.paths:
        phases = args.paths.split(",")
    for name in phases:
        cmd = [sys.executable, __file__, "--phase", name, "--file", str(path), "--url", url]
        subprocess.run(cmd, check=True)
        sys.stdout.flush()
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
