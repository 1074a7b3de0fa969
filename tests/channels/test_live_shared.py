"""Live streams across server processes and nodes over one PostgreSQL (LISTEN/NOTIFY) or
through Redis pub/sub: a commit published by one process reaches a stream open on
another, once; with no stream open a process holds no listening connection."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from loyalty_gst.api.live import Broadcaster
from loyalty_gst.api.live_bus import broadcaster
from loyalty_gst.api.live_pg import SharedBroadcaster
from loyalty_gst.api.live_redis import RedisBroadcaster
from loyalty_gst.store.engine import make_engine
from loyalty_gst.store.testing import create_temp_database, drop_database


@pytest.fixture()
def engine() -> Iterator[sa.Engine]:
    url = create_temp_database("postgresql")
    eng = make_engine(url, pool_size=2, max_overflow=2)
    yield eng
    eng.dispose()
    drop_database(url)


def _collect(b: Broadcaster, store_code: str | None, got: list[dict[str, object]],
             ready: threading.Event, stop: threading.Event) -> None:  # fmt: skip
    async def run() -> None:
        stream = b.stream(store_code, keepalive=0.2)
        async for chunk in stream:
            if chunk.startswith(": connected"):
                ready.set()
            elif chunk.startswith("event: balance"):
                got.append(json.loads(chunk.split("data: ", 1)[1]))
            if stop.is_set():
                break
        await stream.aclose()

    asyncio.run(run())


def test_a_commit_on_one_process_reaches_a_stream_on_another(engine: sa.Engine) -> None:
    one, other = broadcaster(engine), broadcaster(engine)  # two server processes
    assert isinstance(one, SharedBroadcaster)
    got: list[dict[str, object]] = []
    ready, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=_collect, args=(other, "MUM-BAN", got, ready, stop))
    t.start()
    try:
        assert ready.wait(5)
        time.sleep(0.5)  # the listener's LISTEN is in place
        sent = time.monotonic()
        one.publish("MUM-BAN", {"account_id": 7, "balance": 120})
        one.publish("BLR-IND", {"account_id": 8, "balance": 5})  # another store's stream
        while not got and time.monotonic() - sent < 5:
            time.sleep(0.01)
        took = time.monotonic() - sent
        time.sleep(0.3)
        assert got == [{"account_id": 7, "balance": 120}]  # once, this store's only
        assert took < 1.0, took
    finally:
        stop.set()
        t.join(5)
    deadline = time.monotonic() + 5
    while other._listening and time.monotonic() < deadline:  # no stream: no LISTEN left
        time.sleep(0.1)
    assert not other._listening


REDIS = "redis://127.0.0.1:6379/0"


def test_through_redis_a_commit_on_one_process_reaches_a_stream_on_another() -> None:
    name = f"lgst_test_{secrets.token_hex(4)}"  # a database of its own: no other's events
    one, other = RedisBroadcaster(REDIS, name), RedisBroadcaster(REDIS, name)
    stranger = RedisBroadcaster(REDIS, name + "_other")  # another database on the same Redis
    got: list[dict[str, object]] = []
    ready, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=_collect, args=(other, "MUM-BAN", got, ready, stop))
    t.start()
    try:
        assert ready.wait(5)
        time.sleep(0.5)  # the subscription is in place
        sent = time.monotonic()
        stranger.publish("MUM-BAN", {"account_id": 9, "balance": 1})
        one.publish("MUM-BAN", {"account_id": 7, "balance": 120})
        one.publish("BLR-IND", {"account_id": 8, "balance": 5})  # another store's stream
        while not got and time.monotonic() - sent < 5:
            time.sleep(0.01)
        took = time.monotonic() - sent
        time.sleep(0.3)
        assert got == [{"account_id": 7, "balance": 120}]  # once, this store's, this database's
        assert took < 1.0, took
    finally:
        stop.set()
        t.join(5)
        for b in (one, other, stranger):
            b.close()


def test_redis_is_the_bus_when_configured(engine: sa.Engine) -> None:
    b = broadcaster(engine, REDIS)
    assert isinstance(b, RedisBroadcaster) and b.channel == f"lgst_live:{engine.url.database}"
    b.close()
    assert isinstance(broadcaster(engine), SharedBroadcaster)
