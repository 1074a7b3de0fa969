"""50 threads redeem from one account whose balance covers only half of them."""

from __future__ import annotations

import threading
from decimal import Decimal

from ledger_factories import DAY, NOW, PHONE, RELAXED, book, line, sale

from loyalty_gst import service
from loyalty_gst.errors import InsufficientPoints
from loyalty_gst.store import Store

THREADS = 50
OPENING = 2500
EACH = 100  # 25 of the 50 fit
NO_EARN = book(velocity=RELAXED, earn_per_100=Decimal(0))  # the balance only goes down


def test_no_overdraft_under_50_concurrent_redemptions(store: Store) -> None:
    service.migrate_opening(
        store, phone=PHONE, lots=[(1000, DAY.replace(year=2026)), (1500, DAY.replace(year=2027))],
        key="opening", program=NO_EARN, now=NOW,
    )  # fmt: skip
    gate = threading.Barrier(THREADS)
    accepted: list[int] = []
    refused: list[BaseException] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        s = sale(f"C/{i:03d}", points=EACH, lines=(line(qty="1", price="500"),))
        gate.wait()
        try:
            done = service.commit(store, s, key=f"c{i}", program=NO_EARN, now=NOW)
        except BaseException as exc:
            with lock:
                refused.append(exc)
        else:
            with lock:
                accepted.append(done.points_redeemed)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = service.lookup(store, PHONE, on=DAY).balance
    # opening 2500 − Σ accepted; 2500 / 100 = 25 accepted, 25 refused
    assert final == OPENING - sum(accepted)
    assert len(accepted) == OPENING // EACH and final == 0
    assert len(refused) == THREADS - len(accepted)
    assert all(isinstance(e, InsufficientPoints) for e in refused), refused[:3]
    assert all(e.code == "insufficient_points" for e in refused)  # type: ignore[attr-defined]
    assert all("insufficient points" in str(e) for e in refused)
    assert service.verify(store) == []
