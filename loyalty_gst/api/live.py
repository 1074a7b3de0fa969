"""Live balance changes per store, for displays: an in-process fan-out of events to the
server-sent-event streams of the store where the change was committed (and to admin
streams). One server process sees its own commits; run one process, or put a broker in
front (the note says so)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any


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
