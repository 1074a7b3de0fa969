"""Work that follows an acknowledged commit but is no part of it — the member's WhatsApp
receipt queued in the outbox — done by one thread per server process, so the till has
its answer as soon as the ledger has the sale (the receipt's consent and tier reads are
as many round-trips as the commit's own). A receipt is queued within milliseconds; a
process killed in between loses that receipt, never a ledger entry (the commit is
durable before its answer)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class AfterCommit:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], object]) -> None:
        self._jobs.put(job)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except Exception:  # a receipt that cannot be queued never stops the next
                log.exception("after-commit work failed")

    def drain(self, timeout: float = 10.0) -> None:
        """Finish what is queued (at shutdown)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None
