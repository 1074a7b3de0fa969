"""Terminal events: what a POS terminal did (often offline) applied once each, in order.

An event's id is its idempotency key, shared with the online commit: a sale the terminal
committed online and later pushes again is answered `replayed` with the first result. A
sale made offline was already printed, so it is posted even when its points were spent
elsewhere meanwhile: the shortfall is offline overdraft (ledger.postings.redeem_offline),
flagged and recovered from later earnings. An `abandon` event (a sale the terminal never
printed because its online answer was lost) cancels the sale if the server had it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from loyalty_gst import gst, identity
from loyalty_gst import program as pg
from loyalty_gst.errors import (
    Forbidden,
    InvalidInput,
    InvoiceMismatch,
    LedgerError,
    LoyaltyGstError,
    PresenceRequired,
    UnknownCustomer,
)
from loyalty_gst.events import Event, EventResult, PresenceCheck, Status
from loyalty_gst.models import Sale
from loyalty_gst.service import allowance
from loyalty_gst.service.common import (
    Committed,
    Returned,
    Voided,
    _book,
    _now,
    keyed,
    same_document,
)
from loyalty_gst.service.overdrafts import OverdraftLine, overdrafts, refusals
from loyalty_gst.service.returns import return_, void
from loyalty_gst.service.sales import _commit
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent


def apply_event(
    store: Store,
    event: Event,
    *,
    gstin: str,
    store_code: str,
    terminal: str,
    program: pg.ProgramBook | None = None,
    now: dt.datetime | None = None,
    scope: str = "",
    presence: PresenceCheck | None = None,
) -> EventResult:
    """Apply one event in its own transaction (acknowledged only after it commits);
    a replay returns the first outcome, a rejection included. `scope` prefixes the
    event id into its idempotency key (the till's store and name: two stores' tills of
    one name never share a key); the answer names the event by its own id. `presence`
    checks an offline redemption's proof that the member was there."""
    at = _now(now)
    book = _book(store, program)
    key = scope + event.event_id
    try:
        result = _apply(store, event, key, gstin, store_code, terminal, book, at, presence)
    except LoyaltyGstError as exc:
        result = _reject(store, key, exc, at)
    return result.model_copy(update={"event_id": event.event_id})


def _apply(
    store: Store,
    event: Event,
    key: str,
    gstin: str,
    store_code: str,
    terminal: str,
    book: pg.ProgramBook,
    at: dt.datetime,
    presence: PresenceCheck | None,
) -> EventResult:
    if event.kind == "abandon":
        return _abandon(store, event, key, gstin, store_code, book, at)
    prior = _prior(store, key)
    if prior is not None:
        _same_event(store, event, key, book)
        return prior
    if event.kind == "sale":
        return _sale(store, event, key, gstin, store_code, terminal, book, at, presence)
    return _return(store, event, key, gstin, store_code, book, at)


def _same_event(store: Store, event: Event, key: str, book: pg.ProgramBook) -> None:
    """A replayed sale event must be the sale first posted under its id."""
    if event.kind != "sale" or event.sale is None:
        return
    with store.engine.connect() as conn:
        found = ent.get_request_kind(conn, key)
    if found is None or found[0] != "commit":
        return
    first = Committed.model_validate_json(found[1]).invoice
    prog = book.active(event.sale.date)
    sale = event.sale.model_copy(update={"store": first.store, "channel": first.channel})
    same_document(key, first, gst.compute(pg.apply_caps(sale, prog, event.points)))


def _prior(store: Store, key: str) -> EventResult | None:
    with store.engine.connect() as conn:
        found = ent.get_request_kind(conn, key)
        if found is None:
            return None
        kind, text = found
        if kind == "commit":
            c = Committed.model_validate_json(text)
            return _of_committed(key, c, "replayed", overdraft=_owed(conn, c.account_id))
        if kind == "return":
            r = Returned.model_validate_json(text)
            return EventResult(
                event_id=key, status="replayed", account_id=r.account_id, balance=r.balance,
                overdraft=_owed(conn, r.account_id),
            )  # fmt: skip
        return EventResult.model_validate_json(text)


def _owed(conn: sa.Connection, account_id: int | None) -> int:
    return ent.overdraft(conn, account_id) if account_id is not None else 0


def _of_committed(
    key: str, c: Committed, status: Status, *, overdraft: int = 0, flags: tuple[str, ...] = ()
) -> EventResult:
    return EventResult(
        event_id=key,
        status=status,
        account_id=c.account_id,
        balance=c.balance,
        overdraft=overdraft,
        points_redeemed=c.points_redeemed,
        points_earned=c.points_earned + c.bonus_points,
        flags=flags,
    )


def _own(sale: Sale, gstin: str, store_code: str) -> None:
    if sale.seller.gstin != gstin or (sale.store and sale.store != store_code):
        raise Forbidden(f"this terminal posts for store {store_code} ({gstin}) only")


def _sale(
    store: Store,
    event: Event,
    key: str,
    gstin: str,
    store_code: str,
    terminal: str,
    book: pg.ProgramBook,
    at: dt.datetime,
    presence: PresenceCheck | None = None,
) -> EventResult:
    if event.sale is None:
        raise LedgerError("a sale event carries its sale")
    sale = event.sale
    _own(sale, gstin, store_code)
    prog = book.active(sale.date)
    over = pg.check_limits(sale, prog, event.points)
    if over:
        raise InvalidInput(over)
    # the server prices it again from the sale and points: never the terminal's invoice
    invoice = gst.compute(pg.apply_caps(sale, prog, event.points))
    if event.grand_total is not None and invoice.totals.grand_total != event.grand_total:
        raise InvoiceMismatch(
            f"the receipt printed {event.grand_total}, the invoice comes to "
            f"{invoice.totals.grand_total}"
        )
    n = invoice.loyalty.points_redeemed
    if n and not event.offline:
        # an online sale was committed through /v1/commit with its presence, velocity and
        # approval checks: sync only replays it, never posts a new online redemption
        raise PresenceRequired(
            "an online redemption is committed with /v1/commit and the customer's presence"
        )
    flags: list[str] = []

    def run(conn: sa.Connection) -> Committed:
        flags.clear()  # a retried transaction starts again
        offline: dict[str, object] = {"terminal": terminal, "event": key.rsplit("/", 1)[-1]}
        if n:
            # the member was there (the app code they showed), and the till stays within
            # its part of the member's offline budget: else refused, nothing posted
            a = _redeemer(conn, invoice.customer)
            if presence is not None:
                presence(conn, event, a.id)
            allowance.spend(
                conn, account_id=a.id, store_code=store_code, terminal=terminal,
                day=invoice.date, points=n,
            )  # fmt: skip
        return _commit(conn, invoice, None, book, approver=None, enrol=True, at=at, offline=offline)

    def answer(conn: sa.Connection, done: Committed) -> EventResult:
        owed = _owed(conn, done.account_id)
        redeem = ent.find_entry(conn, f"redeem:{gstin}:{invoice.number}")
        if redeem is not None and redeem.details.overdraft:
            flags.append("overdraft")
        return _of_committed(key, done, "applied", overdraft=owed, flags=tuple(flags))

    return keyed(
        store, key, "commit", at, run=run, answer=answer,
        find=lambda conn: _prior_in(conn, key), replay=lambda: _prior(store, key),
    )  # fmt: skip


def _prior_in(conn: sa.Connection, key: str) -> EventResult | None:
    found = ent.get_request_kind(conn, key)
    if found is None:
        return None
    kind, text = found
    if kind == "commit":
        return _of_committed(key, Committed.model_validate_json(text), "replayed")
    return EventResult.model_validate_json(text).model_copy(update={"status": "replayed"})


def _redeemer(conn: sa.Connection, phone: str | None) -> acc.Account:
    if not phone:
        raise UnknownCustomer("points can only be redeemed by a known customer")
    return identity.resolve(conn, phone=phone)


def _return(
    store: Store,
    event: Event,
    key: str,
    gstin: str,
    store_code: str,
    book: pg.ProgramBook,
    at: dt.datetime,
) -> EventResult:
    if not (event.invoice_number and event.number and event.date):
        raise LedgerError("a return event names the invoice, the note's number and date")
    done = return_(
        store, invoice_number=event.invoice_number, seller_gstin=gstin, number=event.number,
        date=event.date, key=key, returns=event.lines, program=book, now=at,
        store_code=store_code,
    )  # fmt: skip
    with store.engine.connect() as conn:
        owed = _owed(conn, done.account_id)
    return EventResult(
        event_id=key,
        status="replayed" if done.replayed else "applied",
        account_id=done.account_id,
        balance=done.balance,
        overdraft=owed,
        points_redeemed=-done.points_restored,
        points_earned=-done.points_reversed,
    )


def _abandon(
    store: Store,
    event: Event,
    key: str,
    gstin: str,
    store_code: str,
    book: pg.ProgramBook,
    at: dt.datetime,
) -> EventResult:
    """The terminal never printed this sale. Had it reached us, cancel it — the invoice
    committed under this event's own key, never one the event names; either way record
    the key so a late copy of the sale is never posted."""
    if event.sale is None:
        raise LedgerError("an abandon event carries the sale it abandons")
    number = _committed(store, key)
    if number is not None:
        v: Voided = void(
            store, invoice_number=number, seller_gstin=gstin, key=f"abandon:{key}",
            reason="terminal abandoned the sale before printing", program=book, now=at,
            store_code=store_code,
        )  # fmt: skip
        return EventResult(
            event_id=key, status="voided", account_id=v.account_id, balance=v.balance
        )
    result = EventResult(event_id=key, status="abandoned")
    return keyed(
        store, key, "abandon", at, run=lambda conn: result,
        find=lambda conn: _prior_in(conn, key), replay=lambda: _prior(store, key),
    )  # fmt: skip


def _committed(store: Store, key: str) -> str | None:
    """The number of the invoice committed under `key`, if any."""
    with store.engine.connect() as conn:
        found = ent.get_request_kind(conn, key)
    if found is None or found[0] != "commit":
        return None
    return Committed.model_validate_json(found[1]).invoice.number


def _reject(store: Store, key: str, exc: LoyaltyGstError, at: dt.datetime) -> EventResult:
    """A rejected event stays rejected: its result is stored under its key."""
    result = EventResult(event_id=key, status="rejected", code=exc.code, detail=str(exc)[:500])
    return keyed(
        store, key, "reject", at, run=lambda conn: result,
        find=lambda conn: _prior_in(conn, key), replay=lambda: _prior(store, key),
    )  # fmt: skip


__all__ = [
    "Event",
    "EventResult",
    "OverdraftLine",
    "apply_event",
    "overdrafts",
    "refusals",
]
