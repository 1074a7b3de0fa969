"""DPDP Act: consent by purpose, the member's export, and erasure that pseudonymises the
member while GSTR-1, the Tally vouchers and every stored invoice stay byte for byte
what they were and `ledger verify` still passes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from web_helpers import FAR, OTHER, PHONE

from loyalty_gst import service
from loyalty_gst.clock import ist_day
from loyalty_gst.demo import company as demo_company
from loyalty_gst.models import ReturnLine, Sale
from loyalty_gst.privacy import consent, erase, export, pseudonym
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

TODAY = ist_day(dt.datetime.now(dt.UTC))
SELLER = demo_company.load().seller_of("MUM-BAN")  # the demo company's Bandra store
NAME = "Priya Raghunathan"
EMAIL = "priya.r@example.in"


@pytest.fixture
def db() -> Iterator[tuple[str, Store]]:
    url = create_temp_database("sqlite")
    st = open_store(url)
    demo_company.set_up(st)
    yield url, st
    st.dispose()
    drop_database(url)


def _sale(number: str, phone: str, points: int = 0) -> Sale:
    return Sale.model_validate(
        {
            "number": number,
            "date": TODAY.isoformat(),
            "seller": SELLER.model_dump(mode="json", exclude_none=True),
            "lines": [
                {"sku": "SHIRT", "hsn": "6105", "qty": "2", "unit": "PCS", "unit_price": "1000",
                 "gst_rate": "5"},
                {"sku": "BELT", "hsn": "4203", "qty": "1", "unit": "NOS", "unit_price": "1000",
                 "gst_rate": "18"},
            ],
            "store": "MUM-BAN",
            "channel": "store",
            "customer": phone,
            "loyalty": {"points": points, "point_value": "0.25"} if points else None,
        }
    )  # fmt: skip


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loyalty_gst.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"LOYALTY_GST_DB": url, "PATH": "/usr/bin:/bin"},
    )


def _renderings(url: str, st: Store, out: Path) -> dict[str, bytes]:
    gstin = SELLER.gstin
    period = TODAY.strftime("%m%Y")
    r = _cli(url, "gstr1", "--gstin", gstin, "--period", period, "--from-store", "--db", url,
             "-o", str(out / "gstr1.json"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = _cli(url, "tally", "vouchers", "--company", "Lakshmi", "--from-store", "--db", url,
             "-o", str(out / "tally"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    files = {"gstr1.json": (out / "gstr1.json").read_bytes()}
    for f in sorted((out / "tally").rglob("*.xml")):
        files[f"tally/{f.name}"] = f.read_bytes()
    with st.engine.connect() as conn:
        for row in conn.execute(sa.select(s.invoices).order_by(s.invoices.c.id)):
            files[f"invoice/{row.number}"] = json.dumps(dict(row._mapping), default=str).encode()
    return files


def test_erasure_pseudonymises_and_keeps_the_books(db: tuple[str, Store], tmp_path: Path) -> None:
    url, st = db
    service.migrate_opening(st, phone=PHONE, lots=[(2000, FAR)], key="opening:a")
    service.migrate_opening(st, phone=OTHER, lots=[(2000, FAR)], key="opening:b")
    a = service.lookup(st, PHONE).account_id
    with st.begin() as conn:
        conn.execute(s.accounts.update().where(s.accounts.c.id == a).values(name=NAME, email=EMAIL))
        consent.record(conn, a, "receipts", True, channel="desk")
    service.commit(st, _sale("P/1", PHONE, points=400), key="p1")
    service.commit(st, _sale("P/2", PHONE), key="p2")
    service.commit(st, _sale("P/3", OTHER), key="p3")
    service.return_(
        st, invoice_number="P/2", seller_gstin=SELLER.gstin, number="P/2R",
        date=TODAY, key="r1", returns=[ReturnLine(line_no=2, qty=Decimal(1))],
    )  # fmt: skip

    before = export(st, account_id=a)
    text = json.dumps(before)
    assert PHONE in text and NAME in text and EMAIL in text
    assert [d["number"] for d in before["documents"]] == ["P/1", "P/2", "P/2R"]
    assert before["account"]["balance"] == service.lookup(st, PHONE).balance
    assert before["consents"][0]["purpose"] == "receipts"

    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    books = _renderings(url, st, tmp_path / "before")
    assert any(k.startswith("tally/") for k in books) and len(books) >= 6
    done = erase(st, account_id=a)
    assert erase(st, account_id=a).already  # twice changes nothing
    key = hmac.new(st_key(st), PHONE.encode(), hashlib.sha256).hexdigest()
    assert done.pseudonym == key == pseudonym(st, PHONE)

    after = export(st, account_id=a)
    # hashes and microsecond stamps are digits by design: a "3210" inside one is no mobile
    text = re.sub(r"[0-9a-f]{32,}|\d{4}-\d\d-\d\dT[\d:.]+Z?", "#", json.dumps(after))
    for personal in (PHONE, PHONE[3:], PHONE[-4:], NAME, "Priya", EMAIL):
        assert personal not in text, personal
    assert after["account"]["status"] == "erased"
    assert after["account"]["balance"] == before["account"]["balance"]  # the books still add up
    assert {c["purpose"]: c["granted"] for c in after["consents"][-1:]} == {"receipts": False}

    assert _renderings(url, st, tmp_path / "after") == books  # byte for byte
    r = _cli(url, "ledger", "--db", url, "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    with st.engine.connect() as conn:
        row = conn.execute(sa.select(s.accounts).where(s.accounts.c.id == a)).one()
        assert (row.mobile, row.name, row.email) == (None, None, None)
        assert conn.scalar(sa.select(s.erasures.c.mobile_hmac)) == key
        results = " ".join(conn.scalars(sa.select(s.requests.c.result)))
    assert PHONE not in results  # the replay caches keep a masked number only
    assert service.lookup(st, OTHER).balance > 0  # the other member is untouched


def st_key(st: Store) -> bytes:
    with st.engine.connect() as conn:
        text = conn.scalar(sa.select(s.keys.c.pem).where(s.keys.c.name == "pseudonym"))
    return bytes.fromhex(text)


def test_member_cli_exports_shows_consents_and_erases(db: tuple[str, Store]) -> None:
    url, st = db
    service.migrate_opening(st, phone=PHONE, lots=[(500, FAR)], key="opening:c")
    a = service.lookup(st, PHONE).account_id
    with st.begin() as conn:
        consent.record(conn, a, "reminders", True, channel="member_page")
    r = _cli(url, "member", "--db", url, "export", "--mobile", PHONE)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["account"]["mobile"] == PHONE
    r = _cli(url, "member", "--db", url, "consent", "--account", str(a))
    lines = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert lines["reminders"].startswith("yes ") and "member_page wa-1" in lines["reminders"]
    assert lines["otp"] == "no   never asked"
    r = _cli(url, "member", "--db", url, "erase", "--mobile", PHONE, "--yes")
    assert r.returncode == 0 and r.stdout.strip() == f"account {a} erased"
    r = _cli(url, "member", "--db", url, "export", "--account", str(a))
    assert PHONE not in r.stdout and PHONE[-10:] not in r.stdout
    r = _cli(url, "member", "--db", url, "export", "--mobile", PHONE)
    assert r.returncode != 0  # the number finds nobody any more
