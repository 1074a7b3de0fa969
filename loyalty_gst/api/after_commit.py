"""Work that follows an acknowledged commit but is no part of it — the member's WhatsApp
receipt queued in the outbox — done by one thread per server process, so the till has
its answer as soon as the ledger has the sale. The receipts of the sales that came in
while the last ones were being queued go together (`messages.after_sales`: one
transaction for the lot), so under load a receipt costs a fraction of a round-trip.
A receipt is queued within milliseconds; a process killed in between loses that
receipt, never a ledger entry (the commit is durable before its answer)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from loyalty_gst.notify import Notifier, messages
from loyalty_gst.service import Committed

log = logging.getLogger(__name__)

BATCH = 200  # receipts queued in one transaction at most

Job = tuple[str, object]  # ("sale", Committed) | ("job", a callable)


class AfterCommit:
    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def receipts(self, done: Committed) -> None:
        """Queue a committed sale's receipts (with the next batch)."""
        self._put(("sale", done))

    def submit(self, job: Callable[[], object]) -> None:
        self._put(("job", job))

    def _put(self, job: Job) -> None:
        self._jobs.put(job)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while (first := self._jobs.get()) is not None:
            batch, stop = [first], False
            while len(batch) < BATCH:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._do(batch)
            if stop:
                return

    def _do(self, batch: list[Job]) -> None:
        sales = [p for k, p in batch if k == "sale" and isinstance(p, Committed)]
        try:
            if sales:
                messages.after_sales(self.notifier, sales)
        except Exception:  # receipts that cannot be queued never stop the next
            log.exception("queueing %d receipts failed", len(sales))
        for kind, job in batch:
            if kind == "job" and callable(job):
                try:
                    job()
                except Exception:
                    log.exception("after-commit work failed")

    def drain(self, timeout: float = 10.0) -> None:
        """Finish what is queued (at shutdown)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None
