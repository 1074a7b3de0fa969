"""Five-way reconciliation: the untouched demo month agrees; each injected difference is
found, by document, field and both values; a missing or empty source is a difference."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import reports_demo
import sqlalchemy as sa
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.reconcile import Reconciled, irn_side, reconcile
from loyalty_gst.reports.reconcile.books import Book
from loyalty_gst.reports.reconcile.differences import Difference, Differences
from loyalty_gst.store import open_store

G = "27AABCL4321K1ZL"  # Maharashtra: 156 documents, one B2B invoice with an IRN


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    reports_demo.build(out)
    return out


@pytest.fixture
def month(demo: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo's books, free to tamper with."""
    copy = tmp_path / "demo"
    shutil.copytree(demo, copy, ignore=shutil.ignore_patterns("*.pdf", "invoices"))
    yield copy


def run(month: Path, gstin: str = G, **sources: str | None) -> Reconciled:
    srcs = {
        "gstr1": str(month / "gstr1" / f"{gstin}_112025.json"),
        "tally": str(month / "tally"),
        "einvoice": str(month / "einvoice" / "einvoice_log.sqlite"),
    }
    srcs.update(sources)
    store = open_store(f"sqlite:///{month / 'ledger.sqlite'}")
    engine = sa.create_engine(f"sqlite:///{srcs['einvoice']}") if srcs["einvoice"] else None
    try:
        return reconcile(store, span_of(period="112025", gstin=gstin), gstr1=srcs["gstr1"],
                         tally=srcs["tally"], einvoice=engine)  # fmt: skip
    finally:
        store.dispose()
        if engine is not None:
            engine.dispose()


def test_untouched_demo_month_agrees_for_every_gstin(month: Path) -> None:
    for gstin in ("07AABCL4321K1ZN", "27AABCL4321K1ZL", "29AABCL4321K1ZH"):
        r = run(month, gstin)
        assert r.ok, [d.line() for d in r.differences]
        assert r.compared == ["ledger", "gstr1", "tally", "einvoice"]
        assert r.differences.checked["tally"] == r.documents - (gstin == "27AABCL4321K1ZL")


def test_a_deleted_gstr1_row(month: Path) -> None:
    path = month / "gstr1" / f"{G}_112025.json"
    ret = json.loads(path.read_text())
    gone = ret["b2cs"].pop(0)
    path.write_text(json.dumps(ret))
    r = run(month)
    key = f"b2cs {gone['sply_ty']} {gone['pos']} {gone['rt']}%"
    assert list(r.differences) == [Difference("gstr1", key, "row", "present", "missing")]


def test_a_tally_amount_changed_by_one_paisa(month: Path) -> None:
    path = month / "tally" / "vouchers-0001.xml"
    xml = path.read_text(encoding="utf-8")
    m = re.search(
        r"<VOUCHERNUMBER>(MUMBAN/2511/\d+)</VOUCHERNUMBER>.*?<LEDGERNAME>Output CGST</LEDGERNAME>"
        r".*?<AMOUNT>(\d+\.\d\d)</AMOUNT>", xml, re.S,
    )  # fmt: skip
    assert m is not None
    number, amount = m.group(1), m.group(2)
    cents = int(amount.replace(".", "")) + 1  # ₹0.01 more
    changed = f"{cents // 100}.{cents % 100:02d}"
    path.write_text(xml[: m.start(2)] + changed + xml[m.end(2) :], encoding="utf-8")
    r = run(month)
    assert list(r.differences) == [Difference("tally", number, "cgst", amount, changed)]


def test_a_missing_irn(month: Path) -> None:
    log = month / "einvoice" / "einvoice_log.sqlite"
    with sqlite3.connect(log) as db:
        (doc,) = db.execute(
            "SELECT doc_no FROM lgst_einvoice_log WHERE gstin = ? AND operation = 'generate'", (G,)
        ).fetchone()
        db.execute("DELETE FROM lgst_einvoice_log WHERE doc_no = ?", (doc,))
    r = run(month)
    assert Difference("einvoice", doc, "irn", "needed", "missing") in list(r.differences)
    # the log now holds no registration of this GSTIN at all: that is said as well
    assert Difference("einvoice", "-", "log", "registrations", f"none for {G}") in list(
        r.differences
    )


def test_an_altered_ledger_row(month: Path) -> None:
    with sqlite3.connect(month / "ledger.sqlite") as db:
        key, points = db.execute(
            "SELECT key, points FROM lgst_entries WHERE kind = 'redeem' AND key LIKE ? "
            "ORDER BY id LIMIT 1", (f"redeem:{G}:%",),
        ).fetchone()  # fmt: skip
        db.execute("UPDATE lgst_entries SET points = points + 1 WHERE key = ?", (key,))
    r = run(month)
    number = key.split(":", 2)[2]
    assert list(r.differences) == [
        Difference("ledger", number, "redeem points", str(points), str(points + 1))
    ]


def test_an_invoice_missing_from_the_store(month: Path) -> None:
    with sqlite3.connect(month / "ledger.sqlite") as db:
        (key,) = db.execute(
            "SELECT key FROM lgst_entries WHERE kind = 'redeem' AND key LIKE ? ORDER BY id "
            "LIMIT 1 OFFSET 3", (f"redeem:{G}:%",),
        ).fetchone()  # fmt: skip
        number = key.split(":", 2)[2]
        db.execute("DELETE FROM lgst_invoices WHERE number = ?", (number,))
    r = run(month)
    diffs = list(r.differences)
    points = next(d for d in diffs if d.source == "ledger")
    assert points.document == number and points.field == "stored invoice"
    assert points.store == "(none)" and points.other.startswith("redeem -")
    assert Difference("tally", number, "voucher", "missing", "present (invoice)") in diffs
    assert any(d.source == "gstr1" for d in diffs)  # its b2cs row no longer adds up


def test_missing_and_empty_sources_are_differences(month: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    (tmp_path / "no_xml").mkdir()
    r = run(month, gstr1=str(empty), tally=str(tmp_path / "no_xml"),
            einvoice=str(tmp_path / "fresh.sqlite"))  # fmt: skip
    diffs = list(r.differences)
    assert Difference("gstr1", "-", "file", "a GSTR-1 JSON with rows", "empty") in diffs
    assert any(d.source == "tally" and d.field == "folder" for d in diffs)
    assert (
        Difference("einvoice", "-", "log", "an e-invoice log", "no table lgst_einvoice_log")
        in diffs
    )
    assert not r.ok
    missing = run(month, gstr1=str(tmp_path / "nope.json"))
    assert any(d.field == "file" and d.other.startswith("missing") for d in missing.differences)


def test_a_cancelled_invoice_whose_irn_is_still_live() -> None:
    def book(cancelled: bool) -> Book:
        return Book("invoice", "2025-11-21", "B2B", cancelled, 0, None, 0, 0, 0, 0, 0, 0, 0)

    diffs = Differences()
    irn_side.compare({"X/1": book(True), "X/2": book(True)}, {"X/1": "a" * 64, "X/2": "b" * 64},
                     {"b" * 64}, diffs)  # fmt: skip
    assert [(d.document, d.field, d.store) for d in diffs] == [("X/1", "irn", "cancelled")]


def test_cli_exit_codes(month: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{month / 'ledger.sqlite'}"
    args = ["reconcile", "--db", db, "--gstin", G, "--period", "112025",
            "--gstr1", str(month / "gstr1" / f"{G}_112025.json"), "--tally", str(month / "tally"),
            "--einvoice-log", str(month / "einvoice" / "einvoice_log.sqlite")]  # fmt: skip
    ok = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "r.json")])
    assert ok.exit_code == 0, ok.output
    assert json.loads((tmp_path / "r.json").read_text())["ok"] is True
    bad = CliRunner().invoke(main, [*args[:9], "--tally", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1 and "tally\t-\tfolder" in bad.output
    flag = CliRunner().invoke(main, [*args[:7], "--einvoice-log"])  # the log table in --db
    assert flag.exit_code == 1 and "no table lgst_einvoice_log" in flag.output
