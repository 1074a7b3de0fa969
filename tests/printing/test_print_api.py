"""GET /v1/documents/{number}.pdf on a real server: a till prints its own store's
documents only; the letterhead comes from the company's setup; the PDF is the document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from printing_helpers import page_sizes_mm, pages_text, qr_codes, text_of

from loyalty_gst import company, service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo.company import COMPANY_FILE
from loyalty_gst.models import Loyalty, Sale, SaleLine
from loyalty_gst.store import Store, open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

COMPANY = COMPANY_FILE
PHONE = "+919876543210"
DAY = dt.date(2025, 11, 21)
NOW = dt.datetime(2025, 11, 21, 6, 0, tzinfo=dt.UTC)
SHIRTS = SaleLine(
    sku="SHIRT", description="Cotton shirt", hsn="6105", qty=Decimal(2), unit="PCS",
    unit_price=Decimal(1000), gst_rate=Decimal(5),
)  # fmt: skip


@dataclass
class World:
    server: ServerProcess
    store: Store
    tok: dict[str, str]
    balance_after: int

    def get(self, who: str | None, path: str, **params: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tok[who]}"} if who else {}
        return requests.get(
            self.server.base + path, headers=headers, params=params or None, timeout=30
        )


def _sell(store: Store, code: str, number: str, points: int = 0) -> service.Committed:
    co = company.current(store)
    sale = Sale(
        number=number, date=DAY, seller=co.seller(code), lines=(SHIRTS,), store=code,
        channel="store", customer=PHONE,
        loyalty=Loyalty(points=points, point_value=co.program.active(DAY).point_value)
        if points else None,
    )  # fmt: skip
    return service.commit(store, sale, key=f"{code}:{number}", program=co.program, now=NOW)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = create_temp_database("sqlite")
    store = open_store(url)
    cf, logo = company.read(COMPANY)
    company.write(store, cf, logo, today=DAY)
    service.migrate_opening(
        store, phone=PHONE, lots=[(2000, dt.date(2099, 3, 31))], key="opening",
        program=company.current(store).program, now=NOW - dt.timedelta(days=1),
    )  # fmt: skip
    first = _sell(store, "MUM-BAN", "MB/2025/0001", points=400)
    _sell(store, "MUM-BAN", "MB/2025/0002")  # changes the balance after MB/2025/0001
    _sell(store, "MUM-AND", "MA/2025/0001")  # same registration, another store
    _sell(store, "BLR-IND", "BI/2025/0001")  # another registration
    _sell(store, "BLR-IND", "MB/2025/0001")  # the same number in another registration
    issued = {
        "admin": tokens.issue(store, kind="admin"),
        "t1": tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1"),
        "t2": tokens.issue(store, kind="terminal", store_code="MUM-AND", terminal="T2"),
        "t3": tokens.issue(store, kind="terminal", store_code="BLR-IND", terminal="T3"),
    }
    server = ServerProcess.start(url, log_path=tmp_path_factory.mktemp("api") / "server.log")
    try:
        assert first.balance is not None
        yield World(server, store, {k: v.token for k, v in issued.items()}, first.balance)
    finally:
        server.stop()
        store.dispose()
        drop_database(url)


def test_a_till_prints_its_own_document_with_the_company_letterhead(world):
    r = world.get("t1", "/v1/documents/MB/2025/0001.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert 'filename="MB_2025_0001.pdf"' in r.headers["content-disposition"]
    text = " ".join(text_of(r.content).split())
    assert "MB/2025/0001" in text and "GSTIN: 27AABCL4321K1ZL" in text
    # trade name, phone from the setup; address as the invoice was issued
    assert "Lakshmi Lifestyle" in text and "+91 22 4000 1234" in text
    assert "14 Linking Road, Bandra West" in text
    assert f"balance after: {world.balance_after:,}" in text
    # the setup turns the B2C dynamic QR on: a UPI string for this invoice
    (upi,) = qr_codes(r.content)
    assert upi.startswith("upi://pay?pa=lakshmilifestyle@okaxis&") and "MB%2F2025%2F0001" in upi


def test_number_with_encoded_slashes_format_and_copies(world):
    r = world.get("t1", "/v1/documents/MB%2F2025%2F0001.pdf", format="receipt", copies="2")
    assert r.status_code == 200, r.text
    assert [w for w, _ in page_sizes_mm(r.content)] == [80.0, 80.0]
    assert "Duplicate for Transporter" in pages_text(r.content)[1]


def test_a_till_cannot_print_another_stores_or_registrations_documents(world):
    assert world.get("t1", "/v1/documents/MA/2025/0001.pdf").status_code == 403
    assert world.get("t1", "/v1/documents/BI/2025/0001.pdf").status_code == 404
    other = world.get("t1", "/v1/documents/BI/2025/0001.pdf", gstin="29AABCL4321K1ZH")
    assert other.status_code == 403
    assert world.get("t2", "/v1/documents/MA/2025/0001.pdf").status_code == 200
    # the BLR till asking for MB/2025/0001 gets its own registration's document
    r = world.get("t3", "/v1/documents/MB/2025/0001.pdf")
    assert r.status_code == 200 and "GSTIN: 29AABCL4321K1ZH" in text_of(r.content)
    assert world.get(None, "/v1/documents/MB/2025/0001.pdf").status_code == 401


def test_admin_names_the_registration_when_a_number_is_shared(world):
    r = world.get("admin", "/v1/documents/MB/2025/0001.pdf")
    assert r.status_code == 422 and "more than one registration" in r.text
    r = world.get("admin", "/v1/documents/MB/2025/0001.pdf", gstin="27AABCL4321K1ZL")
    assert r.status_code == 200 and "Bandra West" in text_of(r.content)
    assert world.get("admin", "/v1/documents/NOPE/1.pdf").status_code == 404


def test_bad_copies_and_format_are_422(world):
    assert world.get("t1", "/v1/documents/MB/2025/0001.pdf", copies="5").status_code == 422
    assert world.get("t1", "/v1/documents/MB/2025/0001.pdf", format="a5").status_code == 422
