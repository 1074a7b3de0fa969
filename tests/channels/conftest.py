"""A real API server process on loopback (SQLite, or PostgreSQL for the end-to-end runs),
a WhatsApp Cloud API stand-in for OTPs, tokens for a few stores and the app, and members
with opening balances."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parent))

from channel_helpers import PHONES, Api, seed


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
        keys = tmp_path_factory.mktemp("keys")  # the server's secrets, outside the database
        env = {
            "LOYALTY_GST_KEYS": str(keys),
            "LOYALTY_GST_WHATSAPP_URL": wa.url,
            "LOYALTY_GST_WHATSAPP_PHONE_ID": "555000",
            "LOYALTY_GST_WHATSAPP_TOKEN": "wa-test-token",
        }
        log = tmp_path_factory.mktemp("api") / "server.log"
        server = ServerProcess.start(url, env=env, log_path=log)
        try:
            names = ("admin", "t1", "t2", "t3", "app", "web")
            yield Api(
                server, store, wa, *(issued[k].token for k in names), t3_id=issued["t3"].id,
                keys=keys,
            )  # fmt: skip
        finally:
            server.stop()
            store.dispose()
    drop_database(url)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    url = create_temp_database("postgresql")
    yield url
    drop_database(url)
