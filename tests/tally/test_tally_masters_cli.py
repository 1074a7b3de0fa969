"""Masters, the mapping file, the CLI (file and store sources, --post) and the demo step."""

from __future__ import annotations

import json

from click.testing import CliRunner
from tally_factories import BUYER_KA, parse, taxed, worked_credit_note

from loyalty_gst.cli import main
from loyalty_gst.standins.tally import StandInTally
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database
from tally_export.config import TallySettings, load_settings
from tally_export.export import write_masters
from tally_export.vouchers import build

S = TallySettings(company="Lakshmi Lifestyle Retail Pvt Ltd")


def by_name(env, tag):
    return {el.get("NAME"): el for el in env.iter(tag)}


def test_masters_for_the_worked_example(tmp_path):
    invs = [taxed(), taxed(number="INV/2025/0002", buyer=BUYER_KA), taxed(buyer=None)]
    _, summary = write_masters(invs, S, tmp_path)
    env = parse(summary.files[0])
    assert env.findtext("HEADER/ID") == "All Masters" and not summary.problems
    ledgers = by_name(env, "LEDGER")
    assert ledgers["Sahyadri Traders Pvt Ltd"].findtext("PARTYGSTIN") == "27AAPFU0939F1ZV"
    assert ledgers["Sahyadri Traders Pvt Ltd"].findtext("PARENT") == "Sundry Debtors"
    assert ledgers["Kaveri Hospitality Pvt Ltd"].findtext("LEDSTATENAME") == "Karnataka"
    assert ledgers["Cash Sales - MUM-BAN"].findtext("PARENT") == "Cash-in-Hand"
    heads = {n: ledgers[n].findtext("GSTDUTYHEAD") for n in ledgers if n.startswith("Output")}
    assert heads == {
        "Output CGST": "Central Tax",
        "Output SGST": "State Tax",
        "Output IGST": "Integrated Tax",
        "Output Cess": "Cess",
    }
    assert all(ledgers[n].findtext("PARENT") == "Duties & Taxes" for n in heads)
    disc = ledgers["Loyalty Redemption Discount"]
    assert disc.findtext("PARENT") == "Indirect Expenses"
    assert disc.findtext("APPROPRIATEFOR") == "GST"  # included in assessable value
    assert disc.findtext("GSTAPPROPRIATETO") == "Goods"
    assert disc.findtext("EXCISEALLOCTYPE") == "Based on Value"
    assert {"Sales GST 5%", "Sales GST 18%", "Round Off"} <= set(ledgers)
    shirt = by_name(env, "STOCKITEM")["SHIRT"]
    assert shirt.findtext("BASEUNITS") == "PCS"
    assert shirt.findtext("GSTDETAILS.LIST/HSNCODE") == "6105"
    rates = {
        r.findtext("GSTRATEDUTYHEAD"): r.findtext("GSTRATE") for r in shirt.iter("RATEDETAILS.LIST")
    }
    assert rates == {"Central Tax": "2.5", "State Tax": "2.5", "Integrated Tax": "5", "Cess": "0"}
    unit = by_name(env, "TAXUNIT")["Maharashtra Registration"]
    assert unit.findtext("GSTREGNUMBER") == "27AABCL4321K1ZL"
    # dependency order: registrations, units, ledgers, then stock items
    order = [el.tag for el in env.iter("TAXUNIT", "UNIT", "LEDGER", "STOCKITEM")]
    assert order == sorted(order, key=["TAXUNIT", "UNIT", "LEDGER", "STOCKITEM"].index)


def test_mapping_file_renames_and_skips_existing_ledgers(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "ledgers:\n  Output CGST: CGST Payable\n"
        "parties:\n  27AAPFU0939F1ZV: Sahyadri Traders\n"
        "settings:\n  view: accounting\n  chunk_size: 2\n",
        encoding="utf-8",
    )
    s = load_settings("Co", mapping)
    assert s.view == "accounting" and s.chunk_size == 2
    v = build(taxed(), s)
    assert v.party_ledger == "Sahyadri Traders"
    assert "CGST Payable" in [e.ledger for e in v.entries]
    _, summary = write_masters([taxed()], s, tmp_path / "m")
    names = set(by_name(parse(summary.files[0]), "LEDGER"))
    assert "CGST Payable" not in names and "Sahyadri Traders" not in names
    assert "Output SGST" in names


def test_one_party_name_for_two_gstins_is_a_problem(tmp_path):
    other = {**BUYER_KA, "legal_name": "Sahyadri Traders Pvt Ltd"}
    _, summary = write_masters([taxed(), taxed(buyer=other)], S, tmp_path)
    assert [p.field for p in summary.problems] == ["buyer.legal_name"]


def _jsonl(tmp_path, invs):
    path = tmp_path / "invoices.jsonl"
    path.write_text("".join(i.model_dump_json() + "\n" for i in invs), encoding="utf-8")
    return path


def test_cli_writes_masters_and_vouchers_and_posts_them(tmp_path):
    invs = [taxed(), taxed(number="INV/2025/0002", buyer=BUYER_KA), worked_credit_note()]
    src = _jsonl(tmp_path, invs)
    out = tmp_path / "out"
    runner = CliRunner()
    with StandInTally() as tally:
        base = ["tally", "--company", "Lakshmi", str(src), "-o", str(out), "--post", tally.url]
        r1 = runner.invoke(main, ["tally", "masters", *base[1:]])
        assert r1.exit_code == 0, r1.output
        r2 = runner.invoke(main, ["tally", "vouchers", *base[1:], "--batch", "2"])
        assert r2.exit_code == 0, r2.output
        assert "3 vouchers (1 Credit Note, 2 Sales)" in r2.output
        assert "read back 3 of 3 vouchers" in r2.output and "0 dropped" in r2.output
        assert len(tally.vouchers) == 3
    env = parse(out / "vouchers-0001.xml")
    assert env.findtext("BODY/DESC/STATICVARIABLES/SVCURRENTCOMPANY") == "Lakshmi"
    assert (out / "masters-0001.xml").exists()


def test_cli_fails_when_tally_refuses(tmp_path):
    src = _jsonl(tmp_path, [taxed()])
    with StandInTally() as tally:  # no masters pushed: every ledger is unknown
        r = CliRunner().invoke(
            main,
            [
                *"tally vouchers --company C".split(),
                str(src),
                "-o",
                str(tmp_path),
                "--post",
                tally.url,
            ],
        )
    assert r.exit_code == 1 and "does not exist!" in r.output and "1 dropped" in r.output


def test_cli_reads_the_store(tmp_path):
    url = create_temp_database("sqlite")
    store = open_store(url)
    store.add_invoices([taxed(), taxed(number="INV/2025/0002", buyer=BUYER_KA)])
    store.dispose()
    r = CliRunner().invoke(
        main,
        [
            *"tally vouchers --company C --from-store --view accounting --db".split(),
            url,
            "-o",
            str(tmp_path),
        ],
    )
    assert r.exit_code == 0, r.output
    env = parse(tmp_path / "vouchers-0001.xml")
    numbers = [v.findtext("VOUCHERNUMBER") for v in env.iter("VOUCHER")]
    assert numbers == ["INV/2025/0001", "INV/2025/0002"]
    assert {v.get("OBJVIEW") for v in env.iter("VOUCHER")} == {"Accounting Voucher View"}


def test_cli_needs_exactly_one_source(tmp_path):
    r = CliRunner().invoke(main, ["tally", "vouchers", "--company", "C", "-o", str(tmp_path)])
    assert r.exit_code == 2 and "exactly one of FILE.jsonl or --from-store" in r.output


def test_demo_step_writes_the_days_tally_files(tmp_path):
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--sales", "40"])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    (note,) = [n for n in summary["notes"] if n.startswith("Tally:")]
    # the books of the day: 40 sales less the one the demo cancels (the 2nd) = 39, and the
    # demo's returns of every 25th sale (1st, 26th) = 2 credit notes
    assert "41 vouchers (2 Credit Note, 39 Sales)" in note
    env = parse(tmp_path / "tally" / "vouchers-0001.xml")
    assert len(env.findall("BODY/DATA/TALLYMESSAGE/VOUCHER")) == 41
    assert (tmp_path / "tally" / "masters-0001.xml").exists()
