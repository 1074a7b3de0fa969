"""A company unlike the demo's, from its own file: set up, bill at two tills in two other
states (`pos sell`), return part of a sale (`pos return`), print, file GSTR-1 — and no
trace of the demo company anywhere."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pypdf
import requests
import sqlalchemy as sa
from click.testing import CliRunner

from loyalty_gst import company, service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.cli import main
from loyalty_gst.clock import IST
from loyalty_gst.pos.simulate import member_sessions
from loyalty_gst.store import open_store
from loyalty_gst.store import schema as s

HERE = Path(__file__).parent
TN, GJ = "33AAKCK2468M1Z4", "24AAKCK2468M1Z3"
MEMBER = "+919840012345"
DEMO_MARKS = ("AABCL4321K", "Lakshmi", "MUM-BAN", "27AABCL")


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_second_company_bills_returns_prints_and_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kaveri.sqlite'}"
    code, out, err = _cli("setup", str(HERE / "kaveri.yaml"), "--db", url)
    assert code == 0, err
    store = open_store(url)
    service.migrate_opening(store, phone=MEMBER, lots=[(500, dt.date(2099, 3, 31))], key="o:1")
    till_tn = tokens.issue(store, kind="terminal", store_code="CHN-TN", terminal="A").token
    till_gj = tokens.issue(store, kind="terminal", store_code="AMD-CG", terminal="G").token
    # the member signed in on their phone: only their own session shows their app code
    app = member_sessions(store, [MEMBER])[MEMBER]
    server = ServerProcess.start(url, log_path=tmp_path / "server.log")
    today = dt.datetime.now(IST).date()
    fy = company.financial_year(today)
    try:
        shown = requests.post(
            server.base + "/v1/presence/app-code",
            headers={"Authorization": f"Bearer {app}"},
            timeout=10,
        ).json()["code"]
        pos_tn = ["pos", "--server", server.base, "--db", str(tmp_path / "tn.sqlite"),
                  "--store", "CHN-TN", "--terminal", "A"]  # fmt: skip
        env_tn = {"LOYALTY_GST_POS_TOKEN": till_tn}
        # 2 × rice at MRP ₹420 (by SKU) + filter coffee at MRP ₹310 (by barcode), 5%:
        # taxable 840/1.05 + 310/1.05 = 800.00 + 295.24 = 1095.24; 100 points × ₹0.50 =
        # ₹50 off the taxable value → 1045.24, GST 5% 52.26 → 1097.50, to the rupee 1098
        code, out, err = _cli(*pos_tn, "sell", "RICE-5:2", "8901234500031", "--mobile", MEMBER,
                              "--points", "100", "--app-code", shown, "--json",
                              "--pdf", str(tmp_path / "r1.pdf"), env=env_tn)  # fmt: skip
        assert code == 0, err
        sale1 = json.loads(out)
        assert sale1["number"] == f"TNA/{fy}/0001"  # the store's series for till A
        assert sale1["offline"] is False and sale1["points_redeemed"] == 100
        assert Decimal(sale1["grand_total"]) == Decimal("1098.00")
        inv1 = sale1["invoice"]
        assert inv1["totals"]["taxable_value"] == "1045.24" and inv1["totals"]["tax"] == "52.26"
        # program K2 (in force from 1 Jan 2026): ⌊1045.24 × 3 / 100⌋ = 31 points earned
        assert sale1["balance"] == 500 - 100 + 31
        assert "Kaveri Home" in _pdf_text(tmp_path / "r1.pdf")
        # Gujarat: a steel tumbler set at ₹850 + 18% = ₹1,003.00, no member
        pos_gj = ["pos", "--server", server.base, "--db", str(tmp_path / "gj.sqlite"),
                  "--store", "AMD-CG", "--terminal", "G"]  # fmt: skip
        env_gj = {"LOYALTY_GST_POS_TOKEN": till_gj}
        code, out, err = _cli(*pos_gj, "sell", "STEEL-TUMBLER", "--json", env=env_gj)
        assert code == 0, err
        sale2 = json.loads(out)
        assert sale2["number"] == f"CG/{fy}/0001", sale2["invoice"]["seller"]
        assert sale2["invoice"]["seller"]["gstin"] == GJ
        assert sale2["invoice"]["totals"]["cgst"] == "76.50"  # 850 × 9%, intra-state
        assert Decimal(sale2["grand_total"]) == Decimal("1003.00")
        # a second sale at Chennai takes the next number; then one rice bag comes back
        code, out, err = _cli(*pos_tn, "sell", "MIXER", "--json", env=env_tn)
        assert code == 0 and json.loads(out)["number"] == f"TNA/{fy}/0002", err
        code, out, err = _cli(*pos_tn, "return", sale1["number"], "--line", "1:1", "--json",
                              env=env_tn)  # fmt: skip
        assert code == 0, err
        note = json.loads(out)
        assert note["credit_note"] == f"TNCRA/{fy}/0001" and note["pending"] == 0
        # printed from the books
        for number, gstin, name in ((sale1["number"], TN, "inv.pdf"),
                                    (note["credit_note"], TN, "cn.pdf"),
                                    (sale2["number"], GJ, "gj.pdf")):  # fmt: skip
            code, out, err = _cli("print", number, "--db", url, "--gstin", gstin,
                                  "-o", str(tmp_path / name))  # fmt: skip
            assert code == 0, err
        inv_text = _pdf_text(tmp_path / "inv.pdf")
        assert "Kaveri Home Stores Pvt Ltd" in inv_text and TN in inv_text
        assert "Tamil Nadu" in inv_text and "R. Meenakshi" in inv_text
        cn_text = _pdf_text(tmp_path / "cn.pdf")
        assert sale1["number"] in cn_text  # the credit note names its invoice
        # GSTR-1 per registration from the store
        period = f"{today:%m%Y}"
        returns = {}
        for gstin in (TN, GJ):
            out_file = tmp_path / f"{gstin}.json"
            code, out, err = _cli("gstr1", "--gstin", gstin, "--period", period,
                                  "--from-store", "--db", url, "-o", str(out_file))  # fmt: skip
            assert code == 0, err
            returns[gstin] = json.loads(out_file.read_text())
        docs = returns[TN]["doc_issue"]["doc_det"]
        series = {(d["doc_num"], s["from"], s["to"]) for d in docs for s in d["docs"]}
        assert series == {
            (1, f"TNA/{fy}/0001", f"TNA/{fy}/0002"),
            (5, f"TNCRA/{fy}/0001", f"TNCRA/{fy}/0001"),
        }
        assert returns[GJ]["gstin"] == GJ and returns[GJ]["b2cs"][0]["pos"] == "24"
        # no trace of the demo company: not in the database, the files or the prints
        with store.engine.connect() as conn:
            sellers = set(conn.scalars(sa.select(s.invoices.c.seller_gstin)))
            bodies = " ".join(conn.scalars(sa.select(s.invoices.c.body)))
        assert sellers == {TN, GJ}
        everything = (
            bodies + inv_text + cn_text + _pdf_text(tmp_path / "gj.pdf") + json.dumps(returns)
        )
        everything += _pdf_text(tmp_path / "r1.pdf")
        for mark in DEMO_MARKS:
            assert mark not in everything, mark
        assert not re.search(r"\b(27|29|07)AABCL", everything)
    finally:
        server.stop()
        store.dispose()
