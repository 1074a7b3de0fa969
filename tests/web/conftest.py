"""A real server on loopback with the WhatsApp stand-in, an admin and a till token, one
member with opening points; headless Chromium for the browser tests. `store` and `wa`:
a SQLite store of the demo company with two members, and the WhatsApp Cloud API stand-in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalty_gst import service
from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.demo import company as demo_company
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store, open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import FAR, OTHER, PHONE, Site, wa_env


def _shots(tmp: Path) -> Path:
    root = Path(__file__).resolve().parents[2] / "out" / "screenshots"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write"
        probe.write_text("")
        probe.unlink()
        return root
    except OSError:
        return tmp


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = create_temp_database("sqlite")
    store = open_store(url)
    demo_company.set_up(store)
    for p in (PHONE, OTHER):
        service.migrate_opening(store, phone=p, lots=[(2000, FAR)], key=f"opening:{p[-4:]}")
    admin = tokens.issue(store, kind="admin").token
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    shots = _shots(tmp_path_factory.mktemp("screenshots"))
    print(f"\nscreenshots: {shots}")
    with WhatsAppStandIn(token="wa-token", phone_number_id="555000") as wa:
        log = tmp_path_factory.mktemp("web") / "server.log"
        server = ServerProcess.start(url, env=wa_env(wa), log_path=log)
        try:
            yield Site(server, store, wa, admin, till, url, shots)
        finally:
            server.stop()
            store.dispose()
    drop_database(url)


@pytest.fixture
def wa() -> Iterator[WhatsAppStandIn]:
    with WhatsAppStandIn(token="wa-token", phone_number_id="555000") as standin:
        yield standin


@pytest.fixture
def store() -> Iterator[Store]:
    url = create_temp_database("sqlite")
    st = open_store(url)
    demo_company.set_up(st)
    for p in (PHONE, OTHER):
        service.migrate_opening(st, phone=p, lots=[(2000, FAR)], key=f"opening:{p[-4:]}")
    yield st
    st.dispose()
    drop_database(url)
