"""An insider with write access to the database rewrites history with our own hash
function; `ledger verify` alone cannot tell, signed checkpoints kept outside can:
rewrite-and-rehash, truncation with the head rolled back, and a deleted account."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from ledger_factories import NOW, PHONE, RELAXED, book, sale

from loyalty_gst import service
from loyalty_gst.cli import main
from loyalty_gst.ledger import entry_hash
from loyalty_gst.ledger.chain import GENESIS
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

BOOK = book(velocity=RELAXED)
OTHER = "+919812345678"


@pytest.fixture
def signed(store: Store, db_url: str, tmp_path: Path) -> tuple[int, Path, str]:
    """Two accounts, the first with 4 entries; a checkpoint of both, signed with a key in
    tmp_path (outside the database). Returns (account id, checkpoint file, public key)."""
    service.migrate_opening(
        store, phone=PHONE, lots=[(1000, dt.date(2099, 12, 31))], key="o", program=BOOK, now=NOW
    )
    done = service.commit(store, sale(points=200), key="k", program=BOOK, now=NOW)
    service.adjust(store, phone=PHONE, points=5, reason="goodwill", actor="cs-1", key="a1", now=NOW)
    service.migrate_opening(
        store, phone=OTHER, lots=[(50, dt.date(2099, 12, 31))], key="o2", program=BOOK, now=NOW
    )
    out, key = tmp_path / "audit" / "checkpoints.jsonl", tmp_path / "keys" / "checkpoint.pem"
    r = CliRunner().invoke(
        main, ["ledger", "--db", db_url, "checkpoint", "--out", str(out), "--key", str(key)]
    )
    assert r.exit_code == 0, r.output
    public = r.stdout.split("public key: ")[1].split()[0]
    assert out.read_text().count("\n") == 1 and done.account_id is not None
    return done.account_id, out, public


def verify(db_url: str, out: Path, public: str) -> tuple[int, str]:
    args = ["ledger", "--db", db_url, "verify", "--checkpoints", str(out), "--public-key", public]
    r = CliRunner().invoke(main, args)
    return r.exit_code, r.output


def rehash(store: Store, account_id: int) -> None:
    """What the insider does after a change: every hash recomputed, the head moved."""
    e, a = s.entries, s.accounts
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(e).where(e.c.account_id == account_id).order_by(e.c.seq)
        ).all()
        prev, seq = GENESIS, 0
        for r in rows:
            content = {
                "account": r.account_id, "kind": r.kind, "key": r.key, "points": r.points,
                "at": r.at, "body": json.loads(r.body),
            }  # fmt: skip
            h = entry_hash(content, prev)
            conn.execute(e.update().where(e.c.id == r.id).values(prev_hash=prev, hash=h))
            prev, seq = h, r.seq
        total = sum(r.points for r in rows)
        conn.execute(
            a.update().where(a.c.id == account_id).values(seq=seq, head=prev, balance=total)
        )


def test_intact_ledger_matches_its_checkpoints(store: Store, db_url: str, signed) -> None:
    _, out, public = signed
    code, text = verify(db_url, out, public)
    assert code == 0 and "every signed checkpoint matches" in text


def test_rewrite_and_rehash_is_caught(store: Store, db_url: str, signed) -> None:
    account, out, public = signed
    e = s.entries
    with store.begin() as conn:  # 900,000 points added to the opening entry
        conn.execute(
            e.update()
            .where(e.c.account_id == account, e.c.seq == 1)
            .values(points=e.c.points + 900_000)
        )
    rehash(store, account)
    assert service.verify(store) == [] or all(p.code == "lots" for p in service.verify(store))
    code, text = verify(db_url, out, public)
    assert code == 1 and "rewritten" in text and f"account {account}" in text


def test_truncation_with_the_head_rolled_back_is_caught(store: Store, db_url: str, signed) -> None:
    account, out, public = signed
    e = s.entries
    with store.begin() as conn:
        conn.execute(sa.delete(e).where(e.c.account_id == account, e.c.seq > 2))
    rehash(store, account)  # head and balance rolled back to entry 2
    assert not [p for p in service.verify(store) if p.code in ("removed", "altered")]
    code, text = verify(db_url, out, public)
    assert code == 1 and "truncated" in text


def test_deleted_account_is_caught(store: Store, db_url: str, signed) -> None:
    _, out, public = signed
    a, e, lt = s.accounts, s.entries, s.lots
    with store.begin() as conn:
        gone = conn.scalar(sa.select(a.c.id).where(a.c.mobile == OTHER))
        for t in (e, lt):
            conn.execute(sa.delete(t).where(t.c.account_id == gone))
        conn.execute(sa.delete(a).where(a.c.id == gone))
    assert service.verify(store) == []
    code, text = verify(db_url, out, public)
    assert code == 1 and "deleted_account" in text and f"account {gone}" in text


def test_a_forged_checkpoint_file_is_caught(
    store: Store, db_url: str, signed, tmp_path: Path
) -> None:
    """The insider rewrites the file too, signing with a key of their own: the auditor's
    trusted key refuses it."""
    public = signed[2]
    forged = tmp_path / "forged.jsonl"
    r = CliRunner().invoke(
        main,
        [
            "ledger",
            "--db",
            db_url,
            "checkpoint",
            "--out",
            str(forged),
            "--key",
            str(tmp_path / "mine.pem"),
        ],
    )
    assert r.exit_code == 0
    code, text = verify(db_url, forged, public)
    assert code == 1 and "checkpoint_key" in text
