"""`loyalty-gst ledger …` on each database: import (bad rows reported, good rows loaded
in one transaction), balance, history, verify, expire."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from loyalty_gst import service
from loyalty_gst.cli import main
from loyalty_gst.errors import UnknownCustomer
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

CSV = """phone,points,expiry
98765 43210,500,2099-01-31
+91-98765-43210,200,2098-12-31
12345,100,2099-01-01
9123456789,abc,2099-01-01
9123456789,300,2020-01-01
8123456789,700,2099-06-30
"""


def run(url: str, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["ledger", "--db", url, *args])
    return r.exit_code, r.stdout, r.stderr


def test_import_reports_bad_rows_and_loads_good_ones(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    src = tmp_path / "legacy.csv"
    src.write_text(CSV, encoding="utf-8")
    code, out, _ = run(db_url, "import", str(src))
    assert code == 2, out  # some rows rejected: bad input
    assert "imported 3 row(s), 1400 points, 2 customer(s); rejected 3 row(s)" in out
    with (tmp_path / "legacy.csv.errors.csv").open(encoding="utf-8") as fh:
        report = list(csv.DictReader(fh))
    assert [r["line"] for r in report] == ["4", "5", "6"]
    assert all("9123456789" not in r["phone"] for r in report)  # masked
    assert service.lookup(store, "9876543210").balance == 700
    assert service.lookup(store, "8123456789").balance == 700
    code, out, _ = run(db_url, "import", str(src))  # the same file again adds nothing
    assert "0 points" in out and service.lookup(store, "9876543210").balance == 700
    code, out, _ = run(db_url, "balance", "9876543210")
    assert code == 0 and "+91******3210" in out and "balance 700" in out
    assert "9876543210" not in out
    code, out, _ = run(db_url, "history", "9876543210")
    assert code == 0 and "migrate" in out and "9876543210" not in out
    assert run(db_url, "verify")[0] == 0
    code, out, _ = run(db_url, "expire", "--as-of", "2099-01-31")
    assert "expired 700 points on 1 account(s)" in out
    assert service.lookup(store, "9876543210").balance == 0


def test_import_is_all_or_nothing(
    store: Store, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "legacy.csv"
    src.write_text(CSV, encoding="utf-8")
    real = service.migrate_in
    calls = []

    def flaky(conn, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(conn, **kw)

    monkeypatch.setattr(service, "migrate_in", flaky)
    r = CliRunner().invoke(main, ["ledger", "--db", db_url, "import", str(src)])
    # one line, no traceback: the unforeseen error is named and nothing was loaded
    assert r.exit_code == 1 and "internal error (RuntimeError: disk full)" in r.stderr
    assert "Traceback" not in r.output
    with pytest.raises(UnknownCustomer):
        service.lookup(store, "9876543210")  # the first customer was rolled back too


def test_verify_exit_code_on_tampering(store: Store, db_url: str) -> None:
    service.migrate_opening(
        store, phone="9876543210", lots=[(100, dt.date(2099, 1, 1))], key="open"
    )
    assert run(db_url, "verify")[0] == 0
    e = s.entries
    with store.begin() as conn:
        conn.execute(sa.update(e).values(points=e.c.points + 1))
    code, _, err = run(db_url, "verify")
    assert code == 1 and "[altered]" in err and "[balance]" in err


def test_cancel_gives_points_back_and_is_idempotent(store: Store, db_url: str) -> None:
    from ledger_factories import NOW, PHONE, SELLER, sale

    service.migrate_opening(
        store, phone=PHONE, lots=[(1000, dt.date(2099, 1, 31))], key="o", now=NOW
    )
    done = service.commit(store, sale(points=400), key="k", now=NOW)
    # 1000 − 400 + earned 116 (⌊2900.00 × 4%⌋) = 716
    assert done.balance == 716
    code, out, _ = run(db_url, "cancel", "INV/0001", "--seller", SELLER.gstin, "--reason", "typo")
    assert code == 0 and "400 redeemed point(s) given back" in out
    assert "116 of 116 earned point(s) taken back; balance 1,000" in out
    code, out, _ = run(db_url, "cancel", "INV/0001", "--seller", SELLER.gstin, "--reason", "typo")
    assert code == 0 and "(already)" in out
    code, _, err = run(db_url, "cancel", "NOPE/1", "--seller", SELLER.gstin, "--reason", "x")
    assert code == 1 and "no invoice NOPE/1" in err
