"""The streaming reconciliation (one sorted merge by document number): every injected
difference kind is found at once, as each is alone; sources in any order — Tally
vouchers reversed and split over files, a GSTR-1 JSON with its lists reversed and its
keys reordered — agree, also when the sort spills to its scratch file; the merge's
parts (Sorted, ascending, merge) hold their order."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import reports_demo
import sqlalchemy as sa
from lxml import etree

from loyalty_gst.gstr1.jsonout import dumps
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.reconcile import Reconciled, ordered, reconcile
from loyalty_gst.reports.reconcile.differences import Difference
from loyalty_gst.store import open_store

G = "27AABCL4321K1ZL"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    reports_demo.build(out)
    return out


def copy(demo: Path, to: Path) -> Path:
    shutil.copytree(demo, to, ignore=shutil.ignore_patterns("*.pdf", "invoices"))
    return to


def run(month: Path) -> Reconciled:
    store = open_store(f"sqlite:///{month / 'ledger.sqlite'}")
    engine = sa.create_engine(f"sqlite:///{month / 'einvoice' / 'einvoice_log.sqlite'}")
    try:
        return reconcile(store, span_of(period="112025", gstin=G),
                         gstr1=str(month / "gstr1" / f"{G}_112025.json"),
                         tally=str(month / "tally"), einvoice=engine)  # fmt: skip
    finally:
        store.dispose()
        engine.dispose()


# -- the injections (each returns what it touched) ----------------------------------


def redeem_key(month: Path, offset: int) -> tuple[str, int]:
    with sqlite3.connect(month / "ledger.sqlite") as db:
        key, points = db.execute(
            "SELECT key, points FROM lgst_entries WHERE kind = 'redeem' AND key LIKE ? "
            "ORDER BY id LIMIT 1 OFFSET ?", (f"redeem:{G}:%", offset),
        ).fetchone()  # fmt: skip
    return key, points


def alter_ledger(month: Path) -> str:
    key, _ = redeem_key(month, 0)
    with sqlite3.connect(month / "ledger.sqlite") as db:
        db.execute("UPDATE lgst_entries SET points = points + 1 WHERE key = ?", (key,))
    return key.split(":", 2)[2]


def drop_invoice(month: Path) -> str:
    number = redeem_key(month, 3)[0].split(":", 2)[2]
    with sqlite3.connect(month / "ledger.sqlite") as db:
        db.execute("DELETE FROM lgst_invoices WHERE number = ?", (number,))
    return number


def delete_gstr1_row(month: Path) -> str:
    path = month / "gstr1" / f"{G}_112025.json"
    ret = json.loads(path.read_text(), parse_float=Decimal)
    gone = ret["b2cs"].pop(0)
    path.write_text(dumps(ret))  # numbers exactly as they were
    return f"b2cs {gone['sply_ty']} {gone['pos']} {gone['rt']}%"


def tally_paisa(month: Path, avoid: set[str]) -> tuple[str, str, str]:
    path = month / "tally" / "vouchers-0001.xml"
    xml = path.read_text(encoding="utf-8")
    pattern = re.compile(
        r"<VOUCHERNUMBER>(MUMBAN/2511/\d+)</VOUCHERNUMBER>.*?<LEDGERNAME>Output CGST</LEDGERNAME>"
        r".*?<AMOUNT>(\d+\.\d\d)</AMOUNT>", re.S,
    )  # fmt: skip
    m = next(m for m in pattern.finditer(xml) if m.group(1) not in avoid)
    number, amount = m.group(1), m.group(2)
    cents = int(amount.replace(".", "")) + 1
    changed = f"{cents // 100}.{cents % 100:02d}"
    path.write_text(xml[: m.start(2)] + changed + xml[m.end(2) :], encoding="utf-8")
    return number, amount, changed


def drop_irn(month: Path) -> str:
    with sqlite3.connect(month / "einvoice" / "einvoice_log.sqlite") as db:
        (doc,) = db.execute(
            "SELECT doc_no FROM lgst_einvoice_log WHERE gstin = ? AND operation = 'generate'", (G,)
        ).fetchone()
        db.execute("DELETE FROM lgst_einvoice_log WHERE doc_no = ?", (doc,))
    return str(doc)


# -- out of order ---------------------------------------------------------------------


def shuffle_tally(month: Path) -> None:
    """Vouchers reversed and split over two files, the later numbers in the first file."""
    folder = month / "tally"
    src = folder / "vouchers-0001.xml"
    tree = etree.parse(str(src))
    data = tree.find(".//DATA")
    assert data is not None
    messages = list(data)
    assert len(messages) > 10
    for m in messages:
        data.remove(m)
    half = len(messages) // 2
    for name, part in (("a-late.xml", messages[half:]), ("b-early.xml", messages[:half])):
        for m in reversed(part):
            data.append(m)
        tree.write(str(folder / name), encoding="utf-8", xml_declaration=True)
        for m in part:
            data.remove(m)
    src.unlink()


def shuffle_gstr1(month: Path) -> None:
    """Every list reversed; a group's list before its key (ctin / pos / exp_typ)."""
    path = month / "gstr1" / f"{G}_112025.json"

    def turn(v: Any) -> Any:
        if isinstance(v, list):
            return [turn(x) for x in reversed(v)]
        if isinstance(v, dict):
            return {k: turn(v[k]) for k in reversed(list(v))}
        return v

    ret = turn(json.loads(path.read_text(), parse_float=Decimal))
    assert list(ret)[-1] == "gstin"  # the header now comes last too
    path.write_text(dumps(ret))


@pytest.fixture
def spill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sorts past 5 items go to their scratch file (a month of a million, in small)."""
    monkeypatch.setattr(ordered, "LIMIT", 5)
    monkeypatch.setattr(ordered, "BATCH", 7)


@pytest.mark.parametrize("spilled", [False, True])
def test_sources_out_of_order_still_agree(
    demo: Path, tmp_path: Path, spilled: bool, request: pytest.FixtureRequest
) -> None:
    if spilled:
        request.getfixturevalue("spill")
    month = copy(demo, tmp_path / "m")
    shuffle_tally(month)
    shuffle_gstr1(month)
    r = run(month)
    assert r.ok, [d.line() for d in r.differences]
    assert r.differences.checked["tally"] == r.documents - 1  # as the untouched demo's
    assert r.documents == 157  # the demo month of this GSTIN


def test_every_injected_kind_found_at_once_as_alone(
    demo: Path, tmp_path: Path, spill: None
) -> None:
    alone: dict[str, set[Difference]] = {}
    touched: dict[str, Any] = {}

    def single(name: str, inject: Callable[[Path], Any]) -> None:
        month = copy(demo, tmp_path / name)
        touched[name] = inject(month)
        alone[name] = set(run(month).differences)

    single("ledger", alter_ledger)
    single("store", drop_invoice)
    single("gstr1", delete_gstr1_row)
    single("einvoice", drop_irn)
    avoid = {touched["ledger"], touched["store"]}
    single("tally", lambda m: tally_paisa(m, avoid))
    number, amount, changed = touched["tally"]
    assert len({touched["ledger"], touched["store"], number, touched["einvoice"]}) == 4

    both = copy(demo, tmp_path / "all")
    alter_ledger(both)
    drop_invoice(both)
    delete_gstr1_row(both)
    drop_irn(both)
    tally_paisa(both, avoid)
    shuffle_tally(both)  # and every file source out of order
    shuffle_gstr1(both)
    found = list(run(both).differences)
    got = set(found)
    assert len(found) == len(got)  # each difference once
    _key, points = redeem_key(demo, 0)
    must = {
        Difference("ledger", touched["ledger"], "redeem points", str(points), str(points + 1)),
        Difference("tally", touched["store"], "voucher", "missing", "present (invoice)"),
        Difference("gstr1", touched["gstr1"], "row", "present", "missing"),
        Difference("einvoice", touched["einvoice"], "irn", "needed", "missing"),
        Difference("tally", number, "cgst", amount, changed),
    }
    assert must <= got
    stored = next(d for d in found if d.field == "stored invoice")
    assert stored.document == touched["store"] and stored.other.startswith("redeem -")
    # nothing the injections alone would not give
    assert got <= set().union(*alone.values())
    # listed source by source, each in document order
    sources = [d.source for d in found]
    assert sources == sorted(sources, key=["store", "ledger", "gstr1", "tally", "einvoice"].index)
    tally_docs = [d.document for d in found if d.source == "tally"]
    assert tally_docs == sorted(tally_docs)


# -- the merge's parts ----------------------------------------------------------------


def pairs(n: int) -> list[tuple[str, int]]:
    # keys out of order, with ties (their input order must be kept)
    return [(f"K{(i * 7919) % 13:03d}", i) for i in range(n)]


@pytest.mark.parametrize("limit", [1_000, 3])
def test_sorted_orders_by_key_keeping_ties_in_input_order(limit: int) -> None:
    s = ordered.Sorted(limit)
    for k, v in pairs(40):
        s.add(k, ("payload", v))
    got = list(s)
    s.close()
    assert got == [(k, ("payload", v)) for k, v in sorted(pairs(40), key=lambda p: p[0])]


def test_ascending_refuses_a_source_out_of_order() -> None:
    assert list(ordered.ascending([("A", 1), ("A", 2), ("B", 3)], "x")) == [
        ("A", 1), ("A", 2), ("B", 3),
    ]  # fmt: skip
    with pytest.raises(RuntimeError, match="x is not in document-number order: A after B"):
        list(ordered.ascending([("B", 1), ("A", 2)], "x"))


def test_merge_gives_every_number_once_with_each_source_s_items() -> None:
    def src(*items: tuple[str, int]) -> Iterator[tuple[str, list[int]]]:
        return ordered.grouped(iter(items))

    merged = list(ordered.merge(src(("A", 1), ("C", 2), ("C", 3)), src(("B", 9), ("C", 8)), src()))
    assert merged == [("A", ([1], [], [])), ("B", ([], [9], [])), ("C", ([2, 3], [8], []))]


def test_progress_ticks_while_tally_is_read_and_while_merged(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ordered, "TICK", 10)  # 1000 a tick in use; the demo has 157 docs
    month = copy(demo, tmp_path / "m")
    read: list[int] = []
    merged: list[int] = []
    store = open_store(f"sqlite:///{month / 'ledger.sqlite'}")
    try:
        r = reconcile(store, span_of(period="112025", gstin=G), tally=str(month / "tally"),
                      tick=merged.append, read_tick=read.append)  # fmt: skip
    finally:
        store.dispose()
    assert r.documents == 157 and r.differences.checked["tally"] == 156
    assert (sum(read), sum(merged)) == (150, 150)  # whole tens of 156 vouchers, 157 docs


def test_reconcile_shows_a_bar_per_stage_past_ten_thousand() -> None:
    from loyalty_gst.cli.report_options import progress_bars

    with progress_bars(10_000, ("Tally vouchers read", "reconcile")) as ticks:
        assert ticks is None
    with progress_bars(10_001, ("Tally vouchers read", "reconcile")) as ticks:
        assert ticks is not None and len(ticks) == 2
        for t in ticks:
            t(1000)
