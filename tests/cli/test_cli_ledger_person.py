"""The ledger commands as a person reads them: `expire --dry-run` lists and changes
nothing, `balance` marks expired and expiring-soon lots, `cancel` reports the earned
points already spent (the shortfall) and what it did."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from loyalty_gst import service
from loyalty_gst.cli import main
from loyalty_gst.demo import company as demo_company
from loyalty_gst.service.common import IST
from loyalty_gst.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))
from ledger_factories import NOW, SELLER, sale

PHONE = "+919812345678"


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    store = open_store(url)
    demo_company.set_up(store)
    return url, store


def run(url: str, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["ledger", "--db", url, *args])
    return r.exit_code, r.stdout, r.stderr


def test_expire_dry_run_lists_and_changes_nothing(db: tuple[str, Store]) -> None:
    url, store = db
    lots = [(120, dt.date(2026, 3, 31)), (80, dt.date(2026, 4, 30)), (50, dt.date(2099, 1, 1))]
    service.migrate_opening(store, phone=PHONE, lots=lots, key="o")
    code, out, _ = run(url, "expire", "--as-of", "2026-04-30", "--dry-run")
    # 120 + 80 due by 30 Apr; the 2099 lot is not
    assert code == 0 and "dry run: 200 points on 1 account(s) would expire as of 2026-04-30" in out
    assert "+91******5678" in out and PHONE not in out and "2026-03-31" in out
    assert service.lookup(store, PHONE).balance == 250  # nothing changed
    code, out, _ = run(url, "expire", "--as-of", "2026-04-30", "--dry-run", "--json")
    data = json.loads(out)
    assert data["points"] == 200 and [d["points"] for d in data["lots"]] == [120, 80]
    code, out, _ = run(url, "expire", "--as-of", "2026-04-30")
    assert code == 0 and "expired 200 points on 1 account(s)" in out
    assert service.lookup(store, PHONE).balance == 50  # the dry run said exactly this


def test_balance_marks_expired_and_expiring_soon_lots(db: tuple[str, Store]) -> None:
    url, store = db
    today = dt.datetime.now(IST).date()
    lots = [(30, today + dt.timedelta(days=400)), (20, today + dt.timedelta(days=10))]
    service.migrate_opening(store, phone=PHONE, lots=lots, key="o")
    # a lot whose day has come but the expiry job has not run yet
    service.migrate_opening(store, phone=PHONE, lots=[(7, today + dt.timedelta(days=1))],
                            key="o2")  # fmt: skip
    code, out, _ = run(url, "balance", PHONE)
    assert code == 0 and "expiring soon" in out and "expired" not in out.replace("expiring", "")
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    code, out, _ = run(url, "balance", PHONE, "--json")
    states = {(lot["points"], lot["state"]) for lot in json.loads(out)["lots"]}
    assert states == {(7, "expiring soon"), (20, "expiring soon"), (30, "valid")}
    assert tomorrow in out


def test_balance_marks_an_expired_lot(
    db: tuple[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = db
    service.migrate_opening(store, phone=PHONE, lots=[(40, dt.date(2099, 1, 1))], key="o")
    from loyalty_gst.cli import ledger as cli_ledger

    monkeypatch.setattr(cli_ledger, "_today", lambda: dt.date(2099, 1, 1))
    code, out, _ = run(url, "balance", PHONE)
    assert code == 0 and "expired" in out and "40 expired point(s) not usable" in out


def test_cancel_reports_the_shortfall(db: tuple[str, Store]) -> None:
    url, store = db
    service.migrate_opening(store, phone=PHONE, lots=[(100, dt.date(2099, 1, 31))], key="o",
                            now=NOW)  # fmt: skip
    first = service.commit(store, sale("INV/0001", phone=PHONE), key="k1", now=NOW)
    # earned ⌊3000.00 × 4 / 100⌋ = 120 on the first sale: balance 100 + 120 = 220
    assert (first.points_earned, first.balance) == (120, 220)
    spent = service.commit(store, sale("INV/0002", phone=PHONE, points=200), key="k2", now=NOW)
    assert spent.points_redeemed == 200
    code, out, _ = run(url, "cancel", "INV/0001", "--seller", SELLER.gstin, "--reason", "typo")
    done = json.loads(run(url, "cancel", "INV/0001", "--seller", SELLER.gstin, "--reason",
                          "typo", "--json")[1])  # fmt: skip
    assert code == 0
    # the 200 redeemed took the 120 earned first (first-expiring-first): most of what the
    # cancel should take back was already spent; what it took plus the shortfall is 120
    assert done["points_reversed"] + done["shortfall"] == 120 and done["shortfall"] > 0
    assert f"{done['points_reversed']} of 120 earned point(s) taken back" in out
    assert f"shortfall: {done['shortfall']} earned point(s) were already spent" in out
