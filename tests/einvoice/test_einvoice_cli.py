"""`loyalty-gst einvoice …` end to end (the IRP is the stand-in on loopback)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from einvoice_helpers import Clock, new_standin, sale

from loyalty_gst.cli import main


@pytest.fixture
def sale_file(tmp_path):
    path = tmp_path / "sale.json"
    path.write_text(json.dumps(sale()), encoding="utf-8")
    return path


def test_build_prints_the_payload(sale_file):
    result = CliRunner().invoke(
        main, ["einvoice", "build", str(sale_file), "--today", "2025-11-21"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ItemList"][0]["Discount"] == 200.00 and data["ValDtls"]["TotInvVal"] == 2952.00


def test_build_of_an_invalid_payload_exits_2_with_codes(tmp_path):
    bad = tmp_path / "payload.json"
    doc = json.loads(
        CliRunner()
        .invoke(main, ["einvoice", "build", "-"], input=json.dumps(sale()), catch_exceptions=False)
        .output
    )
    doc["ValDtls"]["TotInvVal"] = 10
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["einvoice", "build", str(bad), "--today", "2025-11-21"])
    assert result.exit_code == 2 and "[2189]" in result.output


def test_build_of_a_b2c_sale_says_not_applicable(tmp_path):
    path = tmp_path / "b2c.json"
    path.write_text(json.dumps(sale(buyer=None)), encoding="utf-8")
    result = CliRunner().invoke(main, ["einvoice", "build", str(path)])
    assert result.exit_code == 1 and "B2C" in result.output


def test_submit_get_cancel_and_pdf(sale_file, tmp_path, monkeypatch):
    clock = Clock(dt.datetime(2025, 11, 21, 15, 0))
    irp, url = new_standin(clock)
    key = tmp_path / "irp.pem"
    key.write_bytes(irp.public_key_pem)
    cert = tmp_path / "sign.pem"
    cert.write_bytes(irp.certificate_pem)
    a = irp.account
    env = {
        "BASE_URL": url,
        "GSTIN": a.gstin,
        "USERNAME": a.username,
        "PASSWORD": a.password,
        "CLIENT_ID": a.client_id,
        "CLIENT_SECRET": a.client_secret,
        "PUBLIC_KEY": str(key),
    }
    for k, v in env.items():
        monkeypatch.setenv("LOYALTY_GST_IRP_" + k, v)
    db = f"sqlite:///{tmp_path / 'log.sqlite'}"
    run = CliRunner()
    try:
        out = run.invoke(
            main, ["einvoice", "submit", str(sale_file), "--today", "2025-11-21", "--db", db]
        )
        assert out.exit_code == 0, out.output
        reg = json.loads(out.output)
        (tmp_path / "reg.json").write_text(out.output, encoding="utf-8")
        got = run.invoke(
            main, ["einvoice", "get", "--doc", "INV", "INV/2025/0001", "21/11/2025", "--db", db]
        )
        assert json.loads(got.output)["irn"] == reg["irn"]
        pdf = tmp_path / "e.pdf"
        printed = run.invoke(
            main,
            [
                "einvoice",
                "pdf",
                str(sale_file),
                "-o",
                str(pdf),
                "--today",
                "2025-11-21",
                "--registration",
                str(tmp_path / "reg.json"),
                "--cert",
                str(cert),
            ],
        )
        assert printed.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
        gone = run.invoke(main, ["einvoice", "cancel", reg["irn"], "--reason", "2", "--db", db])
        assert gone.exit_code == 0 and "CancelDate" in gone.output
        late = run.invoke(main, ["einvoice", "cancel", reg["irn"], "--reason", "2", "--db", db])
        assert late.exit_code == 1 and "[9999]" in late.output
    finally:
        irp.stop()


def test_submit_without_settings_names_the_variables(sale_file, monkeypatch):
    for k in ("GSTIN", "USERNAME", "PASSWORD", "CLIENT_ID", "CLIENT_SECRET", "PUBLIC_KEY"):
        monkeypatch.delenv("LOYALTY_GST_IRP_" + k, raising=False)
    result = CliRunner().invoke(
        main, ["einvoice", "submit", str(sale_file), "--today", "2025-11-21"]
    )
    assert result.exit_code == 2 and "LOYALTY_GST_IRP_GSTIN" in result.output
