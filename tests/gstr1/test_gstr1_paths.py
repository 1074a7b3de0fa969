"""The fast paths give the same return as the validated ones; the spill as memory; CLI; demo."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from gstr1_factories import BUYER_KA, GSTIN, invoice, line

from loyalty_gst import gst
from loyalty_gst.cli import main
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.sales import sales_of_day
from loyalty_gst.gstr1 import Builder, Settings, build, reader, stored, view
from loyalty_gst.models import ReturnLine, TaxedInvoice
from loyalty_gst.store import open_store

DAY = dt.date(2025, 11, 21)


@pytest.fixture(scope="module")
def month() -> list[TaxedInvoice]:
    """A demo day of 300 sales plus a credit note for every tenth, and a B2CL sale."""
    invs = [gst.compute(s) for s in sales_of_day(demo_company.load(), DAY, count=300, seed=3)]
    notes = [
        gst.credit_note(inv, number=f"CN/2511/{n:05d}", date=DAY,
                        returns=[ReturnLine(line_no=1, qty=D(1))])
        for n, inv in enumerate(invs[::10], start=1)
    ]  # fmt: skip
    big = invoice("MUMBAN/2511/09999", "2025-11-21", [line("200000")], buyer=None,
                  place_of_supply="29")  # fmt: skip
    return [*invs, *notes, big]


@pytest.fixture(scope="module")
def jsonl(month: list[TaxedInvoice], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gstr1") / "invoices.jsonl"
    path.write_text("".join(i.model_dump_json() + "\n" for i in month), encoding="utf-8")
    return path


def test_json_view_equals_pydantic_view(month: list[TaxedInvoice]) -> None:
    for inv in month:
        assert view.of_json(json.loads(inv.model_dump_json(), parse_float=D)) == view.of_invoice(
            inv
        )


def test_fast_reader_gives_the_same_return_as_pydantic(jsonl: Path) -> None:
    for gstin in ("27AABCL4321K1ZL", "29AABCL4321K1ZH", "07AABCL4321K1ZN"):
        fast = build(gstin, "112025", reader.iter_views(jsonl)).to_json()
        slow = build(gstin, "112025", reader.iter_invoices(jsonl)).to_json()
        assert fast == slow
        assert '"b2cs"' in fast


def test_spilled_rows_give_the_same_json_as_memory(month: list[TaxedInvoice]) -> None:
    in_memory = build(GSTIN, "112025", month)
    spilled = build(GSTIN, "112025", month, Settings(spill_rows=1))
    assert spilled.spill.spilled and not in_memory.spill.spilled
    assert spilled.to_json() == in_memory.to_json()
    spilled.close()


def test_reader_names_the_bad_line(tmp_path: Path) -> None:
    from loyalty_gst.errors import InvalidInput

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"number": "X"}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="line 1"):
        list(reader.iter_views(bad))
    with pytest.raises(InvalidInput, match="line 1"):
        list(reader.iter_invoices(bad))


def test_store_fast_path_equals_the_store_interface(
    month: list[TaxedInvoice], tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.add_invoices(month)
    start, end = dt.date(2025, 11, 1), dt.date(2025, 11, 30)
    fast = Builder(GSTIN, "112025").extend(stored.iter_views(store, GSTIN, start, end))
    slow = Builder(GSTIN, "112025").extend(stored.iter_invoices(store, GSTIN, start, end))
    assert fast.result().to_json() == slow.result().to_json()
    assert stored.count(store, GSTIN, start, end) == sum(
        1 for i in month if i.seller.gstin == GSTIN
    )
    assert stored.original_lookup(store, GSTIN)("MUMBAN/2511/09999") == (21000000, "2025-11-21")
    store.dispose()


def test_cli_from_file_and_from_store_write_the_same_return(
    month: list[TaxedInvoice], jsonl: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    store = open_store(url)
    store.add_invoices(month)
    store.dispose()
    runner = CliRunner()
    args = ["gstr1", "--gstin", GSTIN, "--period", "112025"]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    r1 = runner.invoke(main, [*args, str(jsonl), "-o", str(a)])
    assert r1.exit_code == 0, r1.output
    assert "agree to the paisa" in r1.output and "b2cs" in r1.output
    r2 = runner.invoke(main, [*args, "--from-store", "--db", url, "-o", str(b)])
    assert r2.exit_code == 0, r2.output
    assert a.read_text() == b.read_text()
    assert json.loads(a.read_text())["fp"] == "112025"
    r3 = runner.invoke(main, [*args, "--validate", str(jsonl), "-o", str(tmp_path / "c.json")])
    assert r3.exit_code == 0 and (tmp_path / "c.json").read_text() == a.read_text()


def test_cli_refuses_both_or_neither_source_and_a_bad_period(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "x.json")
    r = runner.invoke(main, ["gstr1", "--gstin", GSTIN, "--period", "112025", "-o", out])
    assert r.exit_code == 2 and "either FILE.jsonl or --from-store" in r.output
    r = runner.invoke(main, ["gstr1", "--gstin", GSTIN, "--period", "132025", "x", "-o", out])
    assert r.exit_code == 2 and "MMYYYY" in r.output


def test_cli_exit_1_when_the_books_differ(tmp_path: Path) -> None:
    # a nil-rated line carrying cess (₹100 × 12 % = 12.00): nil has no cess column, so the
    # return is 12.00 short of the books and the CLI says so
    inv = invoice("S/1", "2025-11-02", [line("100", rate="0", cess_rate=D(12))], buyer=BUYER_KA)
    assert inv.totals.cess == D("12.00")
    path = tmp_path / "one.jsonl"
    path.write_text(inv.model_dump_json() + "\n", encoding="utf-8")
    r = CliRunner().invoke(
        main,
        ["gstr1", "--gstin", GSTIN, "--period", "112025", str(path), "-o", str(tmp_path / "o")],
    )
    assert r.exit_code == 1
    assert "b2b.csamt" in r.output and "-12.00" in r.output


@pytest.mark.parametrize("with_store", [False, True])
def test_demo_step_writes_a_return_per_gstin(
    month: list[TaxedInvoice], tmp_path: Path, with_store: bool
) -> None:
    from rich.console import Console

    from loyalty_gst.demo.context import DemoRun
    from loyalty_gst.demo.gstr1 import run_gstr1

    if with_store:  # the ledger step's store: the step reads it instead of the invoices
        store = open_store(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
        store.add_invoices(month)
        store.dispose()
    run = DemoRun(tmp_path, DAY, demo_company.load(), [], month, Console(file=None, quiet=True))
    run_gstr1(run)
    files = sorted(p.name for p in (tmp_path / "gstr1").iterdir())
    assert files == [
        "07AABCL4321K1ZN_112025.json",
        "27AABCL4321K1ZL_112025.json",
        "29AABCL4321K1ZH_112025.json",
    ]
    assert run.notes[0].startswith("gstr1 112025: 07: ")
    assert "agree to the paisa" in run.notes[0]
    mine = json.loads((tmp_path / "gstr1" / files[1]).read_text())
    assert mine["gstin"] == GSTIN and mine["b2cl"][0]["inv"][0]["inum"] == "MUMBAN/2511/09999"


def test_the_return_does_not_depend_on_the_order_documents_come_in(
    month: list[TaxedInvoice],
) -> None:
    forward = build(GSTIN, "112025", month).to_json()
    assert build(GSTIN, "112025", reversed(month)).to_json() == forward
    assert build(GSTIN, "112025", reversed(month), Settings(spill_rows=1)).to_json() == forward


def test_from_store_counts_a_cancelled_invoice_in_doc_issue(tmp_path: Path) -> None:
    from loyalty_gst import service

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    store = open_store(db)
    demo_company.set_up(store)
    # three B2C sales of ₹100 @5% intra-state; the second is cancelled in the ledger
    for n in (1, 2, 3):
        sale = invoice(f"MUMBAN/2511/{n:04d}", "2025-11-05", [line("100")], buyer=None)
        store.add_invoices([sale])
    service.void(store, invoice_number="MUMBAN/2511/0002", seller_gstin=GSTIN, key="x")
    store.dispose()
    out = tmp_path / "g.json"
    args = ["gstr1", "--gstin", GSTIN, "--period", "112025", "--from-store", "--db", db]
    r = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"), parse_float=D)
    (series,) = doc["doc_issue"]["doc_det"][0]["docs"]
    # known 3 (1, 2 cancelled, 3): totnum 3, cancel 1, net 2
    assert (series["totnum"], series["cancel"], series["net_issue"]) == (3, 1, 2)
    # supplies: 2 × 100.00 = 200.00 taxable in b2cs
    assert doc["b2cs"][0]["txval"] == D("200.00")
