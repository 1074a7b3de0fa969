"""The after-commit thread queues the receipts of the sales that piled up while it was busy
in one batch, runs other work in order, and goes on after a batch that failed."""

from __future__ import annotations

import threading

from test_whatsapp import _account, _notifier, _opt_in, _sale

from loyalty_gst import service
from loyalty_gst.api import after_commit
from loyalty_gst.api.after_commit import AfterCommit
from loyalty_gst.notify import messages
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store


def test_receipts_that_piled_up_go_in_one_batch(
    store: Store, wa: WhatsAppStandIn, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    n = _notifier(store, wa)
    _opt_in(store, _account(store), "receipts")
    batches: list[int] = []
    real = messages.after_sales

    def counted(notifier, done):  # type: ignore[no-untyped-def]
        batches.append(len(done))
        if len(batches) == 1:
            raise RuntimeError("the outbox is down")  # the first batch fails …
        return real(notifier, done)

    monkeypatch.setattr(after_commit.messages, "after_sales", counted)
    after = AfterCommit(n)
    busy, ran = threading.Event(), []
    after.submit(busy.wait)  # the thread is busy while 20 sales are answered
    lost = service.commit(store, _sale("L/1"), key="l1")
    after.receipts(lost)
    sales = [service.commit(store, _sale(f"B/{i}"), key=f"b{i}") for i in range(20)]
    after.submit(lambda: ran.append("first"))
    for done in sales:
        after.receipts(done)
    after.submit(lambda: ran.append("second"))
    busy.set()
    after.drain()
    # one batch of 21 (failed), then … nothing: all came in while it was busy
    assert batches == [21] and ran == ["first", "second"]
    # … the next sales are not stopped by it
    after.receipts(service.commit(store, _sale("N/1"), key="n1"))
    after.drain()
    assert batches == [21, 1]
    assert n.flush() == 1 and len(wa.messages) == 1
