"""Live balance changes per store, for displays: a fan-out of events to the
server-sent-event streams of the store where the change was committed (and to admin
streams). On PostgreSQL every server process and node sees every commit
(`SharedBroadcaster`: LISTEN/NOTIFY); on SQLite (one process) and MariaDB the fan-out is
in-process."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa


class Broadcaster:
    def __init__(self) -> None:
        self._subs: list[tuple[str | None, asyncio.Queue[str], asyncio.AbstractEventLoop]] = []
        self._lock = threading.Lock()

    def publish(self, store_code: str | None, data: dict[str, Any]) -> None:
        """Called from worker threads after a commit; never blocks them."""
        line = json.dumps(data, separators=(",", ":"))
        with self._lock:
            subs = list(self._subs)
        for want, queue, loop in subs:
            if want is None or want == store_code:
                loop.call_soon_threadsafe(_offer, queue, line)

    async def stream(self, store_code: str | None, keepalive: float = 15.0) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        entry = (store_code, queue, asyncio.get_running_loop())
        with self._lock:
            self._subs.append(entry)
        try:
            yield ": connected\n\n"
            while True:
                try:
                    line = await asyncio.wait_for(queue.get(), timeout=keepalive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: balance\ndata: {line}\n\n"
        finally:
            with self._lock:
                self._subs.remove(entry)


def _offer(queue: asyncio.Queue[str], line: str) -> None:
    if not queue.full():  # a display too slow to read loses events, never the server
        queue.put_nowait(line)


class SharedBroadcaster(Broadcaster):
    """The same streams across server processes and nodes over one PostgreSQL: a commit's
    event goes out as NOTIFY lgst_live (on the store's pooled connections), and while this
    process has a stream open, one LISTEN connection brings every process's events back
    and fans them out here — its own included, so every stream sees every commit once."""

    CHANNEL = "lgst_live"

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__()
        self._engine = engine
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._listening = False

    def publish(self, store_code: str | None, data: dict[str, Any]) -> None:
        payload = json.dumps({"s": store_code, "d": data}, separators=(",", ":"))
        try:
            with self._engine.begin() as conn:
                conn.execute(_NOTIFY, {"c": self.CHANNEL, "p": payload})
        except sa.exc.DBAPIError:
            super().publish(store_code, data)  # the database is away: this process's streams

    async def stream(self, store_code: str | None, keepalive: float = 15.0) -> AsyncIterator[str]:
        first = True
        async for chunk in super().stream(store_code, keepalive):
            if first:  # subscribed now: make sure this process listens
                first = False
                with self._lock:
                    if not self._listening:
                        self._listening = True
                        threading.Thread(target=self._listen, daemon=True).start()
            yield chunk

    def _listen(self) -> None:
        """LISTEN while any stream is open here; then the connection closes."""
        import psycopg

        while True:
            with self._lock:
                if not self._subs:
                    self._listening = False
                    return
            try:
                with psycopg.connect(self._dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self.CHANNEL}")
                    while self._subscribed():
                        for n in conn.notifies(timeout=1.0):
                            msg = json.loads(n.payload)
                            Broadcaster.publish(self, msg["s"], msg["d"])
            except psycopg.Error:
                time.sleep(0.5)  # the database restarts: listen again

    def _subscribed(self) -> bool:
        with self._lock:
            return bool(self._subs)


_NOTIFY = sa.text("SELECT pg_notify(:c, :p)")


def broadcaster(engine: sa.Engine) -> Broadcaster:
    """Shared across processes on PostgreSQL; in-process on SQLite (one process) and
    MariaDB (no NOTIFY: run one process per node there, or a broker in front)."""
    if engine.dialect.name == "postgresql":
        return SharedBroadcaster(engine)
    return Broadcaster()
