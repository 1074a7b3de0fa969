"""A real API server process on loopback (SQLite, or PostgreSQL for the end-to-end runs),
a WhatsApp Cloud API stand-in for OTPs, tokens for a few stores and the app, and members
with opening balances."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from loyalty_gst import fixtures, service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.notify.standin import WhatsAppStandIn
from loyalty_gst.store import Store, open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parent))

PHONES = ("+919876543210", "+919812345678", "+918123456789")
OPENING = 2000
FAR = dt.date(2099, 3, 31)


@dataclass
class Api:
    server: ServerProcess
    store: Store
    wa: WhatsAppStandIn
    admin: str
    t1: str  # MUM-BAN till T1 (GSTIN 27…)
    t2: str  # MUM-AND till T2 (same GSTIN, another store)
    t3: str  # BLR-IND till T3 (GSTIN 29…)
    app: str  # the customers' app
    web: str
    t3_id: str

    @property
    def base(self) -> str:
        return self.server.base

    def call(
        self, token: str | None, method: str, path: str, body: object = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + path, json=body, headers=headers, timeout=30)


def seller(code: str) -> dict[str, str]:
    cat = fixtures.load()
    s = cat.seller_for(next(st for st in cat.stores if st.code == code))
    return s.model_dump(mode="json", exclude_none=True)


def worked_sale(number: str, code: str = "MUM-BAN", phone: str | None = PHONES[0]) -> dict:
    """2 shirts @ ₹1000, 5% + a belt @ ₹1000, 18% (GST_RULES' worked example)."""
    return {
        "number": number,
        "date": dt.date.today().isoformat(),
        "seller": seller(code),
        "lines": [
            {
                "sku": "SHIRT",
                "hsn": "6105",
                "qty": "2",
                "unit": "PCS",
                "unit_price": "1000",
                "gst_rate": "5",
            },
            {
                "sku": "BELT",
                "hsn": "4203",
                "qty": "1",
                "unit": "NOS",
                "unit_price": "1000",
                "gst_rate": "18",
            },
        ],
        "customer": phone,
    }


def seed(store: Store, phones: tuple[str, ...] | list[str], points: int = OPENING) -> None:
    for p in phones:
        service.migrate_opening(store, phone=p, lots=[(points, FAR)], key=f"opening:{p}")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    url = create_temp_database("sqlite")
    store = open_store(url)
    seed(store, PHONES)
    issued = {
        "admin": tokens.issue(store, kind="admin"),
        "t1": tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1"),
        "t2": tokens.issue(store, kind="terminal", store_code="MUM-AND", terminal="T2"),
        "t3": tokens.issue(store, kind="terminal", store_code="BLR-IND", terminal="T3"),
        "app": tokens.issue(store, kind="channel", store_code="APP"),
        "web": tokens.issue(store, kind="channel", store_code="WEB"),
    }
    with WhatsAppStandIn(token="wa-test-token", phone_number_id="555000") as wa:
        env = {
            "LOYALTY_GST_WHATSAPP_URL": wa.url,
            "LOYALTY_GST_WHATSAPP_PHONE_ID": "555000",
            "LOYALTY_GST_WHATSAPP_TOKEN": "wa-test-token",
        }
        log = tmp_path_factory.mktemp("api") / "server.log"
        server = ServerProcess.start(url, env=env, log_path=log)
        try:
            names = ("admin", "t1", "t2", "t3", "app", "web")
            yield Api(server, store, wa, *(issued[k].token for k in names), t3_id=issued["t3"].id)
        finally:
            server.stop()
            store.dispose()
    drop_database(url)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    url = create_temp_database("postgresql")
    yield url
    drop_database(url)
