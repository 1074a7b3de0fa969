"""`loyalty-gst setup`: a company from its file, every problem with its path, nothing
written on a problem, re-runs idempotent, program versions dated."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from loyalty_gst import company
from loyalty_gst.cli import main
from loyalty_gst.errors import InvalidInput
from loyalty_gst.store import open_store
from loyalty_gst.store import schema as s

HERE = Path(__file__).parent
KAVERI = HERE / "kaveri.yaml"


def _data() -> dict:
    return yaml.safe_load(KAVERI.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict, name: str = "co.yaml") -> Path:
    f = tmp_path / name
    f.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return f


def _counts(url: str) -> dict[str, int]:
    st = open_store(url)
    with st.engine.connect() as conn:
        out = {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) for t in s.V5_TABLES}
    st.dispose()
    return out


def test_setup_then_rerun_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    r = CliRunner().invoke(main, ["setup", str(KAVERI), "--db", url])
    assert r.exit_code == 0, r.output
    assert "revision 1" in r.output
    assert "items: 5 added" in r.output
    again = CliRunner().invoke(main, ["setup", str(KAVERI), "--db", url])
    assert again.exit_code == 0
    assert "already up to date (revision 1)" in again.output
    assert _counts(url) == {
        "lgst_company": 1,
        "lgst_registrations": 2,
        "lgst_stores": 4,
        "lgst_items": 5,
        "lgst_programs": 2,
        "lgst_series": 0,
    }
    st = open_store(url)
    co = company.current(st)
    assert co.seller("AMD-CG").gstin == "24AAKCK2468M1Z3"
    assert co.seller("AMD-CG").legal_name == "Kaveri Home Stores Pvt Ltd"  # from the company
    assert co.item("8901234500024").sku == "STEEL-TUMBLER"  # by barcode
    assert co.item("RICE-5").prices_include_tax is True  # an MRP
    # 0.5 in YAML is read from its text, not through a float
    assert co.program.active(dt.date(2025, 12, 31)).point_value == Decimal("0.5")
    assert co.program.active(dt.date(2026, 1, 1)).earn_per_100 == Decimal(3)
    assert co.particulars.upi_vpa == "kaveri.home@okicici"
    st.dispose()


def test_a_changed_file_updates_only_what_differs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    store = open_store(url)
    cf, logo = company.read(KAVERI)
    company.write(store, cf, logo, today=dt.date(2025, 12, 1))
    data = _data()
    data["items"][1]["price"] = "899.00"  # a new price
    data["items"].pop()  # an item withdrawn
    data["items"].append(
        {
            "sku": "LAMP",
            "description": "Brass lamp",
            "hsn": "7418",
            "unit": "NOS",
            "gst_rate": 18,
            "price": "1500.00",
            "barcode": "8901234500017",
        }  # barcode moves
    )
    data["items"][0].pop("barcode")
    data["program"][1]["earn_per_100"] = 4  # K2 is not in force yet: may change
    cf2, logo2 = company.read(_write(tmp_path, data))
    rep = company.write(store, cf2, logo2, today=dt.date(2025, 12, 1))
    assert rep.revision == 2
    assert rep.counts["items"] == {"added": 1, "changed": 2, "removed": 1}
    assert rep.counts["program"] == {"added": 0, "changed": 1, "removed": 0}
    co = company.current(store)
    assert co.item("8901234500017").sku == "LAMP"
    assert co.item("STEEL-TUMBLER").price == Decimal("899.00")
    # K1 is in force: invoices were made under it; changing it is refused, nothing written
    data["program"][0]["point_value"] = "1"
    cf3, _ = company.read(_write(tmp_path, data))
    with pytest.raises(InvalidInput) as exc:
        company.write(store, cf3, None, today=dt.date(2025, 12, 1))
    assert [p.field for p in exc.value.problems] == ["program.0"]
    assert company.current(store).revision == 2
    store.dispose()


def test_bad_file_every_problem_with_its_path_and_nothing_written(tmp_path: Path) -> None:
    data = _data()
    data["registrations"][0]["gstin"] = "33AAKCK2468M1Z5"  # check character broken
    data["registrations"][1]["state_code"] = "27"  # the GSTIN is Gujarat's (24)
    data["items"][3]["sku"] = "RICE-5"  # duplicate SKU
    data["stores"][0]["series"]["invoice"] = "TNAGAR{till}/{fy}/"  # 6+1+1+4+1+4 = 17
    data["stores"][1]["registration"] = "36AAKCK2468M1Z1"  # not in the file
    data["items"][2]["gst_rate"] = "0.5"  # shape fine, not a GST rate
    data["items"][4]["hsn"] = 401  # shape broken: read on its own, others still checked
    url = f"sqlite:///{tmp_path / 'bad.sqlite'}"
    r = CliRunner().invoke(main, ["setup", str(_write(tmp_path, data)), "--db", url])
    assert r.exit_code == 2
    err = r.output
    for path in (
        "registrations.0.gstin: GSTIN check character does not match",
        "registrations.1.state_code: the GSTIN 24AAKCK2468M1Z3 is of state 24, not 27",
        "items.3.sku: SKU used twice (also items.0)",
        "stores.0.series.invoice: makes numbers of 17 characters (TNAGARA/2526/9999)",
        "stores.1.registration: not a registration of this file",
        "items.2.gst_rate: a GST rate of the master set",
    ):
        assert path in err, err
    assert "items.4.hsn" in err
    assert not (tmp_path / "bad.sqlite").exists() or _counts(url)["lgst_company"] == 0


def test_the_json_schema_is_printed() -> None:
    r = CliRunner().invoke(main, ["schema", "company"])
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert set(doc["required"]) == {"company", "registrations", "stores", "program"}
    assert "StoreSpec" in doc["$defs"]


def test_the_demo_company_sets_up(tmp_path: Path) -> None:
    from loyalty_gst.demo.company import COMPANY_FILE

    cf, _logo = company.read(COMPANY_FILE)
    assert len(cf.stores) == 12 and len(cf.items) == 200


def test_the_readme_example_sets_up(tmp_path: Path) -> None:
    readme = (HERE.parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Your company", 1)[1].split("```yaml\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "co.yaml").write_text(block, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    r = CliRunner().invoke(main, ["setup", str(tmp_path / "co.yaml"), "--db", url])
    assert r.exit_code == 0, r.output
    st = open_store(url)
    assert company.current(st).logo.startswith(b"\x89PNG")
    st.dispose()
