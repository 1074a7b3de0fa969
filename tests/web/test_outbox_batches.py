"""Receipts queued in batches (`messages.after_sales`, `Notifier.queue_many`) write what
one at a time (`after_sale`, `queue`) writes: the same messages for the same members,
only where they opted in (the latest decision), once per dedupe key — also when another
process queued a key between the batch's read and its insert."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from test_whatsapp import _account, _notifier, _opt_in, _sale
from web_helpers import FAR, OTHER, PHONE

from loyalty_gst import service
from loyalty_gst.company import db as company_db
from loyalty_gst.demo import company as demo_company
from loyalty_gst.notify import messages, outbox
from loyalty_gst.notify.outbox import Outgoing
from loyalty_gst.privacy import consent
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database

COLS = ("account_id", "to_number", "purpose", "template", "params", "dedupe", "status")


def _messages(st: Store) -> list[tuple[object, ...]]:
    with st.engine.connect() as conn:
        q = sa.select(*(s.messages.c[c] for c in COLS)).order_by(s.messages.c.id)
        return [tuple(r) for r in conn.execute(q)]


def _day(st: Store, tag: str) -> list[service.Committed]:
    """Five sales: two members, the second sale of the first moving Silver → Gold
    (₹30,000 + 5 % = ₹31,500 of the ₹25,000 Gold threshold)."""
    return [
        service.commit(st, _sale(f"{tag}/1"), key=f"{tag}1"),
        service.commit(st, _sale(f"{tag}/2", price="30000"), key=f"{tag}2"),
        service.commit(st, _sale(f"{tag}/3", phone=OTHER), key=f"{tag}3"),
        service.commit(st, _sale(f"{tag}/4", phone=OTHER), key=f"{tag}4"),
        service.commit(st, _sale(f"{tag}/1"), key=f"{tag}1"),  # a replay: no receipt
    ]


def _fresh() -> Store:
    """A second store as the `store` fixture makes it (the same members, same points)."""
    st = open_store(create_temp_database("sqlite"))
    demo_company.set_up(st)
    for p in (PHONE, OTHER):
        service.migrate_opening(st, phone=p, lots=[(2000, FAR)], key=f"opening:{p[-4:]}")
    return st


def test_a_batch_queues_what_one_at_a_time_queues(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    other = _fresh()
    try:
        for st in (store, other):
            a, b = _account(st), _account(st, OTHER)
            _opt_in(st, a, "receipts", "tier")
            _opt_in(st, b, "tier")  # OTHER: no receipts (and their tier does not move)
        done = _day(store, "A")
        assert done[1].tier == "Gold" and done[-1].replayed
        assert len([i for d in done for i in messages.after_sale(n, d)]) == 3
        one_by_one = _messages(store)
        gstin = done[0].invoice.seller.gstin
        # A/1 earn, A/2 earn + tier; nothing for OTHER, nothing for the replay
        assert [(m[0], m[2], m[5]) for m in one_by_one] == [
            (a, "receipts", f"earn:{gstin}:A/1"),
            (a, "receipts", f"earn:{gstin}:A/2"),
            (a, "tier", f"tier:{gstin}:A/2"),
        ]
        assert len(messages.after_sales(_notifier(other, wa), _day(other, "A"))) == 3
        assert _messages(other) == one_by_one
    finally:
        url = str(other.engine.url)
        other.dispose()
        drop_database(url)


def test_the_last_decision_counts_and_a_key_goes_in_once(store: Store, wa: WhatsAppStandIn) -> None:
    n = _notifier(store, wa)
    a, b = _account(store), _account(store, OTHER)
    _opt_in(store, a, "receipts")
    _opt_in(store, b, "receipts")
    with store.begin() as conn:  # OTHER then says STOP
        consent.withdraw_all(conn, b, channel="whatsapp")
    got = n.queue_many([
        Outgoing(a, "receipts", ("X/1", "40", "2080"), dedupe="k1", template="earn"),
        Outgoing(a, "receipts", ("X/1", "40", "2080"), dedupe="k1", template="earn"),
        Outgoing(b, "receipts", ("X/2", "40", "2080"), dedupe="k2", template="earn"),
        Outgoing(a, "reminders", ("150", "01/01/2099", "2080"), dedupe="k3"),  # not opted in
        Outgoing(999_999, "receipts", ("X/3",), dedupe="k4"),  # no such member
    ])  # fmt: skip
    assert got[0] is not None and got[1:] == [None, None, None, None]
    assert n.queue_many([Outgoing(a, "receipts", ("X/1",), dedupe="k1")]) == [None]
    (row,) = _messages(store)
    assert row[2:] == ("receipts", "acme_points_earned", '["X/1", "40", "2080"]', "k1", "queued")


def test_a_key_queued_meanwhile_by_another_process(
    store: Store, wa: WhatsAppStandIn, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The batch read no such key, yet the insert meets it (another node won the race):
    the batch falls back to one at a time, which skips that one and queues the rest."""
    n = _notifier(store, wa)
    a = _account(store)
    _opt_in(store, a, "receipts")
    assert n.queue(a, "receipts", ["R/1"], dedupe="won") is not None
    blind = sa.select(s.messages.c.dedupe).where(sa.false())
    monkeypatch.setattr(outbox, "_QUEUED", blind.where(s.messages.c.dedupe.in_(
        sa.bindparam("keys", expanding=True))))  # fmt: skip
    got = n.queue_many([Outgoing(a, "receipts", ("R/1",), dedupe="won"),
                        Outgoing(a, "receipts", ("R/2",), dedupe="new")])  # fmt: skip
    assert got[0] is None and got[1] is not None
    assert [m[5] for m in _messages(store)] == ["won", "new"]


def test_the_batch_never_waits_on_its_own_lock(store: Store, wa: WhatsAppStandIn) -> None:
    """The templates come from the company's setup, read on a connection of their own:
    inside the batch's transaction that read would wait on the batch's own write lock
    on SQLite (BEGIN IMMEDIATE) — a hang of the whole server, seen in the demo."""
    n = _notifier(store, wa)
    a = _account(store)
    _opt_in(store, a, "receipts")
    company_db._cache.clear()  # the setup is read again, as every 2 s on a server
    done: list[list[int | None]] = []
    t = threading.Thread(
        target=lambda: done.append(n.queue_many([Outgoing(a, "receipts", ("X/9",), dedupe="x9")]))
    )
    t.start()
    t.join(10)
    assert done and done[0][0] is not None
