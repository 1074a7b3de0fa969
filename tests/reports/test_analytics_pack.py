"""Analytics on the hand-worked month (reports_month.py) by hand, its charts, and the
auditor pack with its manifest."""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import reports_month as month
from click.testing import CliRunner
from PIL import Image

from loyalty_gst.cli import main
from loyalty_gst.reports import charts
from loyalty_gst.reports.analytics_report import analytics
from loyalty_gst.reports.period import span_of
from loyalty_gst.store import Store

D = Decimal


def test_analytics_by_hand(month_store: Store) -> None:
    a = analytics(month_store, span_of(start="2025-10-01", end="2025-11-30"))
    oct_, nov = a.months["2025-10"], a.months["2025-11"]
    assert (oct_.issued, oct_.redeemed, oct_.rate) == (4000, 0, D("0.0000"))  # migrated in
    # November: earned 108 + 16, redeemed 1,200 + 400 − 400 given back: 1,200 ÷ 124
    assert (nov.issued, nov.redeemed, nov.expired) == (124, 1200, 0)
    assert nov.rate == D("9.6774")
    store = a.stores["MUM-BAN"]
    # invoices A, B, C; A and B redeemed: 2 ÷ 3
    assert (store.documents, store.redeeming, store.rate) == (3, 2, D("0.6667"))
    assert store.loyalty_discount == (300 + 100 - 100) * 100
    assert store.taxable_before == (3000 + 500 + 200 - 1000) * 100
    assert store.gst_foregone == (28 + 18 - 5) * 100
    assert a.channels["pos"] == store
    # both members first bought in November; neither has a second invoice yet
    assert (a.cohorts["2025-11"].members, a.cohorts["2025-11"].repeat) == (2, 0)
    # net value: M1 A 2,952.00 − note 945.00 = 2,007.00; M2 B 472.00 (400 + 72)
    assert a.top == [("+91******5678", 2, 2007_00, 0), ("+91******0001", 1, 472_00, 0)]


def test_charts_are_png(month_store: Store, tmp_path: Path) -> None:
    a = analytics(month_store, span_of(period="112025"))
    paths = charts.draw_all(a, tmp_path)
    assert [p.name for p in paths] == ["analytics_points.png", "analytics_gst_foregone.png",
                                       "analytics_cohorts.png"]  # fmt: skip
    for p in paths:
        with Image.open(p) as im:
            assert im.format == "PNG" and im.size[0] > 500


def test_pack_holds_every_report_and_its_hashes(month_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    res = CliRunner().invoke(main, ["report", "pack", "--db", month_store.url, "--period",
                                    "112025", "-o", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        for f in manifest["files"]:
            assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
        assert z.read("ledger_verify.txt").startswith(b"ok: every chain intact")
        rec = json.loads(z.read(f"reconciliation/{month.GSTIN}.json"))
        assert rec["ok"] is True
    expected = {"register.csv", "register.xlsx", "register.pdf", "liability.csv",
                "liability.xlsx", "liability.pdf", "analytics.pdf", "analytics.csv",
                "analytics_points.png", "ledger_verify.txt", f"gstr3b/{month.GSTIN}.json",
                f"reconciliation/{month.GSTIN}.json", "manifest.json"}  # fmt: skip
    assert expected <= names
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}
