"""Two demo runs with the same seed and day make the same files.

Every file is compared: text, JSON, XML and HTML byte for byte; PDFs byte for byte (the
demo prints in reportlab's invariant mode: no creation date, a fixed document id); SQLite
files table by table, row by row. The demo runs on its own clock (the business day of
--date), so every time it stamps is the same too: no timestamp needs masking.

Masked, and why (the README names the same):
- `lgst_einvoice_log.duration_ms`: how long an IRP call took, a timing;
- the port in `lgst_einvoice_log.url`: the loopback port the system gave the stand-in IRP;
- random by design, never the same twice — a demo that issued the same secret twice
  would be wrong: token ids and hashes (`lgst_tokens.id`, `secret_sha256`), member
  session ids (`lgst_member_sessions.id`), the presence signing key (`lgst_keys.pem`) and
  its public half in each till (`settings` row `presence_key`), app-code nonces
  (`lgst_nonces.nonce`) and the app codes tills keep with offline sales
  (`"presence_code"` in `outbox.event`).

`channels/server.log` is the server's log of incidents, compared only for what it must
not hold (a traceback): a transient "database unavailable" that the till retried may
appear in one run and not the other without changing any document.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent

# (table, column) whose values differ by design between runs; everything else must match
MASKED = {
    ("lgst_einvoice_log", "duration_ms"),
    ("lgst_tokens", "id"),
    ("lgst_tokens", "secret_sha256"),
    ("lgst_member_sessions", "id"),
    ("lgst_keys", "pem"),
    ("lgst_nonces", "nonce"),
}
MASKED_ROWS = {("settings", "presence_key")}  # (table, name) of a name/value row
IN_TEXT = (
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
    (re.compile(r'"presence_code":"[^"]*"'), '"presence_code":"<app code>"'),
)


def _demo(folder: Path) -> None:
    r = subprocess.run(
        [str(BIN / "loyalty-gst"), "demo", "--out", "out", "--sales", "300", "--seed", "7",
         "--date", "2025-11-21"],
        cwd=folder, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]


def _value(table: str, col: str, v: object) -> object:
    if (table, col) in MASKED:
        return "<masked>"
    if isinstance(v, str):
        for pattern, mask in IN_TEXT:
            v = pattern.sub(mask, v)
    return v


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        tables = [t for (t,) in conn.execute("select name from sqlite_master where type='table'")]
        out = {}
        for table in sorted(tables):
            cols = [c[1] for c in conn.execute(f"pragma table_info('{table}')")]
            rows = []
            for row in conn.execute(f"select * from '{table}' order by rowid"):
                if (table, row[0]) in MASKED_ROWS:
                    row = (row[0], "<masked>")
                rows.append(tuple(_value(table, c, v) for c, v in zip(cols, row, strict=True)))
            out[table] = rows
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("run_a"), tmp_path_factory.mktemp("run_b")
    _demo(a)
    _demo(b)
    return a / "out", b / "out"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_both_runs_make_the_same_files(runs: tuple[Path, Path]) -> None:
    a, b = runs
    assert _files(a) == _files(b)
    assert len(_files(a)) > 800 and "einvoice/BLRIND_2511_0023.pdf" in _files(a)


def test_every_file_is_the_same_but_for_the_named_fields(runs: tuple[Path, Path]) -> None:
    a, b = runs
    differ = []
    for rel in _files(a):
        if rel.endswith(".sqlite"):
            left, right = _rows(a / rel), _rows(b / rel)
            differ += [f"{rel}:{t}" for t in left if left[t] != right.get(t)]
        elif rel == "channels/server.log":
            assert "Traceback" not in (a / rel).read_text(encoding="utf-8")
        elif (a / rel).read_bytes() != (b / rel).read_bytes():
            differ.append(rel)
    assert differ == []


def test_the_channels_day_is_the_demo_day(runs: tuple[Path, Path]) -> None:
    a, _ = runs
    report = json.loads((a / "channels" / "reconciliation.json").read_text(encoding="utf-8"))
    assert report["missing_events"] == [] and report["verify"] == []
    conn = sqlite3.connect(a / "channels" / "server.sqlite")
    try:
        days = {d for (d,) in conn.execute("select distinct substr(at, 1, 10) from lgst_entries")}
        dates = {d for (d,) in conn.execute("select distinct date from lgst_invoices")}
    finally:
        conn.close()
    assert days == {"2025-11-21"}  # 10:00 IST onwards = 04:30 UTC onwards, the same day
    assert dates == {"2025-11-21"}
