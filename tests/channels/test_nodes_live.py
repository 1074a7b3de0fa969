"""Two `loyalty-gst serve` nodes over one PostgreSQL: a sale committed on node A shows on
node B's live stream — through PostgreSQL NOTIFY, and through Redis with --redis."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from channel_helpers import seed, worked_sale

from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database


@pytest.fixture()
def url() -> Iterator[str]:
    u = create_temp_database("postgresql")
    yield u
    drop_database(u)


def _watch(base: str, token: str, seen: dict[str, float], ready: threading.Event,
           stop: threading.Event) -> None:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with (
        contextlib.suppress(httpx.HTTPError),
        httpx.stream(
            "GET",
            f"{base}/v1/stores/MUM-BAN/events",
            headers=headers,
            timeout=httpx.Timeout(5, read=None),
        ) as r,
    ):  # fmt: skip  (the server stopping ends the stream)
        for line in r.iter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: "):
                seen.setdefault(json.loads(line[6:]).get("number", "?"), time.monotonic())
            if stop.is_set():
                return


@pytest.mark.parametrize("bus", ["postgresql", "redis"])
def test_a_commit_on_node_a_shows_on_node_b_stream(url: str, bus: str) -> None:
    store = open_store(url)
    seed(store, ["+919876543210"])
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    extra = ("--redis", "redis://127.0.0.1:6379/0") if bus == "redis" else ()
    a = ServerProcess.start(url, args=extra)
    b = ServerProcess.start(url, args=extra)
    seen: dict[str, float] = {}
    ready, stop = threading.Event(), threading.Event()
    w = threading.Thread(target=_watch, args=(b.base, till, seen, ready, stop), daemon=True)
    w.start()
    try:
        assert ready.wait(10)
        time.sleep(0.5)  # node B listens
        took = []
        for i in range(5):
            number = f"BAN1/LV/{i:04d}"
            sent = time.monotonic()
            r = httpx.post(f"{a.base}/v1/commit", timeout=30,
                           json={"key": f"lv{i}", "sale": worked_sale(number)},
                           headers={"Authorization": f"Bearer {till}"})  # fmt: skip
            assert r.status_code == 200, r.text
            while number not in seen and time.monotonic() - sent < 5:
                time.sleep(0.005)
            assert number in seen, (bus, i)
            took.append(seen[number] - sent)
        assert max(took) < 2.0, took
        assert sorted(seen) == [f"BAN1/LV/{i:04d}" for i in range(5)]  # each once, no other
    finally:
        stop.set()
        a.stop()
        b.stop()
        store.dispose()
