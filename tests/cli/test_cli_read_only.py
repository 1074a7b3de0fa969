"""Commands that only read never create a database: a missing one is exit 2 naming the
URL, and nothing is written — not the database, not the output file. A real period with
no documents says "nil return" plainly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.store import open_store

GSTIN = "27AABCL4321K1ZL"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), env={"LOYALTY_GST_DB": None})
    return r.exit_code, r.stdout, r.stderr


def test_gstr1_from_a_missing_store_fails_and_creates_nothing(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    code, out, err = run("gstr1", "--from-store", "--db", "sqlite:///no-such.sqlite",
                         "--gstin", GSTIN, "--period", "112025", "-o", "gstr1.json")  # fmt: skip
    assert code == 2, (out, err)
    assert "--db: no database there" in err and "sqlite:///no-such.sqlite" in err
    assert list(tmp_path.iterdir()) == []  # neither no-such.sqlite nor gstr1.json
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "args",
    [
        ("ledger", "--db", "sqlite:///gone.sqlite", "balance", "+919812345678"),
        ("ledger", "--db", "sqlite:///gone.sqlite", "history", "+919812345678"),
        ("ledger", "--db", "sqlite:///gone.sqlite", "verify"),
        ("ledger", "--db", "sqlite:///gone.sqlite", "expire", "--dry-run"),
        ("ledger", "--db", "sqlite:///gone.sqlite", "expire"),
        ("ledger", "--db", "sqlite:///gone.sqlite", "cancel", "A/1", "--seller", GSTIN,
         "--reason", "x"),
        ("tokens", "--db", "sqlite:///gone.sqlite", "list"),
        ("tokens", "--db", "sqlite:///gone.sqlite", "revoke", "0123456789abcdef"),
        ("tally", "vouchers", "--company", "C", "--from-store", "--db", "sqlite:///gone.sqlite",
         "-o", "tally"),
    ],
    ids=lambda a: " ".join(a[:4]),
)
def test_no_command_that_reads_creates_a_database(args: tuple[str, ...], tmp_path: Path) -> None:
    os.chdir(tmp_path)
    code, out, err = run(*args)
    assert code == 2 and "sqlite:///gone.sqlite" in err, (out, err)
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_not_created_either(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    code, _, err = run("ledger", "balance", "+919812345678")
    assert code == 2 and "sqlite:///loyalty.sqlite" in err and "LOYALTY_GST_DB" in err
    assert not (tmp_path / "loyalty.sqlite").exists()


def test_a_file_that_is_not_a_loyalty_database(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    (tmp_path / "other.sqlite").write_bytes(b"")
    code, _, err = run("ledger", "--db", "sqlite:///other.sqlite", "verify")
    assert code == 2 and "not a loyalty-gst database" in err


def test_a_nil_period_says_so(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    open_store("sqlite:///books.sqlite").dispose()  # a real, empty ledger
    code, out, err = run("gstr1", "--from-store", "--db", "sqlite:///books.sqlite",
                         "--gstin", GSTIN, "--period", "112025", "-o", "g.json")  # fmt: skip
    assert code == 0, err
    assert f"nil return: 0 documents for GSTIN {GSTIN} in 112025" in out
    code, out, _ = run("gstr1", "--from-store", "--db", "sqlite:///books.sqlite", "--json",
                       "--gstin", GSTIN, "--period", "112025", "-o", "g.json")  # fmt: skip
    assert code == 0 and '"nil_return": true' in out and '"documents": 0' in out


def test_bad_gstin_and_period_are_named(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    code, _, err = run("gstr1", "--from-store", "--gstin", "27AABCL4321K1ZX", "--period",
                       "002025", "-o", "g.json")  # fmt: skip
    assert code == 2 and "period:" in err
    code, _, err = run("gstr1", "--from-store", "--gstin", "27AABCL4321K1ZX", "--period",
                       "112025", "-o", "g.json")  # fmt: skip
    assert code == 2 and "--gstin:" in err and "27AABCL4321K1ZX" in err
    assert list(tmp_path.iterdir()) == []
