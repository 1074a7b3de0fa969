"""Live balance changes per store, for displays: a fan-out of events to the
server-sent-event streams of the store where the change was committed (and to admin
streams).

`Broadcaster` fans out within one process (SQLite: one process; MariaDB). `Relay` makes
every server process and node one service: a commit's event goes out on a bus — Redis
pub/sub when configured (`live_redis`), else PostgreSQL LISTEN/NOTIFY (`live_pg`) — and
while a process has a stream open, one listening connection brings every process's
events back and fans them out there, its own included, so every stream sees every commit
once. Publishing never waits on the bus: events are queued and one sender thread sends
whatever has gathered in one round-trip, off the request's path; when the bus is away
they reach this process's own streams only. `live_bus.broadcaster` picks one."""

from __future__ import annotations

import abc
import asyncio
import json
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

BATCH = 500  # events per bus round-trip at most


class Broadcaster:
    def __init__(self) -> None:
        self._subs: list[tuple[str | None, asyncio.Queue[str], asyncio.AbstractEventLoop]] = []
        self._lock = threading.Lock()

    def publish(self, store_code: str | None, data: dict[str, Any]) -> None:
        """Called from worker threads after a commit; never blocks them."""
        self.fan_out(store_code, json.dumps(data, separators=(",", ":")))

    def fan_out(self, store_code: str | None, line: str) -> None:
        with self._lock:
            subs = list(self._subs)
        for want, q, loop in subs:
            if want is None or want == store_code:
                loop.call_soon_threadsafe(_offer, q, line)

    def close(self) -> None:
        """Nothing to release in one process."""

    async def stream(self, store_code: str | None, keepalive: float = 15.0) -> AsyncIterator[str]:
        q: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        entry = (store_code, q, asyncio.get_running_loop())
        with self._lock:
            self._subs.append(entry)
        self.subscribed()
        try:
            yield ": connected\n\n"
            while True:
                try:
                    line = await asyncio.wait_for(q.get(), timeout=keepalive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: balance\ndata: {line}\n\n"
        finally:
            with self._lock:
                self._subs.remove(entry)

    def subscribed(self) -> None:
        """A stream opened here (a shared relay starts listening)."""

    def has_streams(self) -> bool:
        with self._lock:
            return bool(self._subs)


def _offer(q: asyncio.Queue[str], line: str) -> None:
    if not q.full():  # a display too slow to read loses events, never the server
        q.put_nowait(line)


class Relay(Broadcaster, abc.ABC):
    """The fan-out shared through a bus; a subclass says how to send a batch of
    messages and how to listen (`send`, `listen`)."""

    def __init__(self) -> None:
        super().__init__()
        self._out: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._listening = False
        self._closed = False

    def publish(self, store_code: str | None, data: dict[str, Any]) -> None:
        self._out.put(json.dumps({"s": store_code, "d": data}, separators=(",", ":")))
        if self._sender is None:
            with self._lock:
                if self._sender is None:
                    self._sender = threading.Thread(target=self._send_loop, daemon=True)
                    self._sender.start()

    def _send_loop(self) -> None:
        while True:
            first = self._out.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH:
                try:
                    more = self._out.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._closed = True
                    break
                batch.append(more)
            try:
                self.send(batch)
            except Exception:  # the bus is away: this process's streams still see them
                for msg in batch:
                    self._deliver(msg)
            if self._closed:
                return

    def _deliver(self, payload: str) -> None:
        msg = json.loads(payload)
        self.fan_out(msg["s"], json.dumps(msg["d"], separators=(",", ":")))

    def subscribed(self) -> None:
        with self._lock:
            if self._listening:
                return
            self._listening = True
        threading.Thread(target=self._listen_loop, daemon=True).start()

    def _listen_loop(self) -> None:
        """Listen while any stream is open here; then the connection closes."""
        while True:
            with self._lock:
                if not self._subs or self._closed:
                    self._listening = False
                    return
            try:
                for payload in self.listen(self.has_streams):
                    self._deliver(payload)
            except Exception:
                time.sleep(0.5)  # the bus restarts: listen again

    def close(self) -> None:
        """Send what is queued, then stop the sender."""
        self._out.put(None)
        if self._sender is not None:
            self._sender.join(5)
        self._closed = True

    @abc.abstractmethod
    def send(self, payloads: list[str]) -> None:
        """Put one batch of payloads on the bus."""

    @abc.abstractmethod
    def listen(self, open_: Callable[[], bool]) -> Iterator[str]:
        """Payloads as they arrive, while `open_()` is true (checked at least every second)."""
