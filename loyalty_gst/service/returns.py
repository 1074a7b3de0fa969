"""Returns and cancellations: a credit note (gst.credit_note, cumulative over earlier
notes) with its points — redeemed points restored into their lots, earned points
reversed pro rata, tier recomputed — and a cancellation, the whole invoice undone.
Keyed: a replay returns the first result (`common.keyed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from loyalty_gst import gst, identity
from loyalty_gst import program as pg
from loyalty_gst.clock import stamp
from loyalty_gst.errors import DuplicateDocument, KeyConflict, LedgerError, UnknownDocument
from loyalty_gst.ledger import Take, postings
from loyalty_gst.models import ReturnLine, TaxedInvoice
from loyalty_gst.money import ZERO, whole
from loyalty_gst.service.common import (
    Returned,
    Voided,
    _book,
    _first,
    _now,
    _replayed,
    _rolling_tier,
    keyed,
    recover_overdraft,
)
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import invoices as docs

# --- returns: restore redeemed points, reverse the earn, pro rata and cumulative ---


def return_(
    store: Store,
    *,
    invoice_number: str,
    seller_gstin: str,
    number: str,
    date: dt.date,
    key: str,
    returns: Iterable[ReturnLine] | None = None,
    program: pg.ProgramBook | None = None,
    now: dt.datetime | None = None,
    store_code: str | None = None,
) -> Returned:
    """A credit note (gst.credit_note, cumulative over earlier notes) with its points:
    redeemed points restored into their lots, earned points reversed, tier recomputed.
    `store_code`: the store asking, which may return only its own store's invoices."""
    at = _now(now)
    book = _book(store, program)
    wanted = tuple(returns) if returns is not None else None

    def run(conn: sa.Connection) -> Returned:
        stored = own_document(conn, invoice_number, seller_gstin, store_code)
        if docs.get(conn, number, seller_gstin) is not None:
            raise DuplicateDocument(f"document {number} of {seller_gstin} already exists")
        before: dict[int, Decimal] = {}
        for old in docs.notes_against(conn, invoice_number, seller_gstin):
            for ln in old.lines:
                before[ln.line_no] = before.get(ln.line_no, ZERO) + ln.qty
        note = gst.credit_note(
            stored.invoice, number=number, date=date, returns=wanted, previously_returned=before
        )
        return _return(conn, stored, note, book, at=at)

    def first(prior: Returned | None) -> Returned | None:
        if prior is not None:
            same_note(key, prior, invoice_number, number)
        return prior

    return keyed(
        store, key, "return", at, run=run,
        find=lambda conn: first(_first(conn, key, Returned)),
        replay=lambda: first(_replayed(store, key, Returned)),
    )  # fmt: skip


def own_document(
    conn: sa.Connection, number: str, seller_gstin: str, store_code: str | None
) -> docs.StoredInvoice:
    """The stored invoice, if it is the asking store's (None: any store of the seller):
    another store's invoice is not found, whatever the GSTIN they share."""
    stored = docs.get(conn, number, seller_gstin)
    if stored is None or (store_code is not None and stored.invoice.store != store_code):
        raise UnknownDocument(f"no invoice {number} of {seller_gstin} at this store")
    return stored


def same_note(key: str, prior: Returned, invoice_number: str, number: str) -> None:
    """A return key names one credit note against one invoice."""
    against = prior.note.against.number if prior.note.against else None
    if prior.note.number != number or against != invoice_number:
        raise KeyConflict(
            f"the key {key.rsplit('/', 1)[-1]!r} already posted credit note {prior.note.number}"
            f" against {against}; this request is credit note {number} against {invoice_number}"
        )


def _current_lot(conn: sa.Connection, lot_id: int, account_id: int) -> int:
    """Follow a lot through merges to the lot on the live account."""
    lot = lot_id
    for _ in range(50):
        owner = ent.lots_by_id(conn, [lot]).get(lot)
        if owner is None or owner[0] == account_id:
            return lot
        nxt = ent.carried(conn, lot)
        if nxt is None:
            return lot
        lot = nxt
    return lot


def _return(
    conn: sa.Connection,
    stored: docs.StoredInvoice,
    note: TaxedInvoice,
    book: pg.ProgramBook,
    *,
    at: dt.datetime,
    record: bool = True,
) -> Returned:
    """The points of a credit note; `record` False for a cancellation, whose full
    "note" only measures what to give back and is not a document of its own."""
    original = stored.invoice
    if stored.account_id is None:
        if record:
            docs.add(conn, note, None)
        return Returned(note=note)
    a = acc.lock(conn, identity.resolve(conn, account_id=stored.account_id).id)
    state = a.state
    seller = original.seller.gstin
    doc, note_doc = f"{seller}:{original.number}", f"{seller}:{note.number}"
    mine = ent.entries_of(conn, a.id, kinds=("restore_redeem", "reverse_earn"))
    if stored.account_id != a.id:
        mine += ent.entries_of(conn, stored.account_id, kinds=("restore_redeem", "reverse_earn"))
    mine = [e for e in mine if e.details.invoice == doc]
    restored = forfeited = 0
    points = note.loyalty.points_redeemed
    redeem = ent.find_entry(conn, f"redeem:{doc}") if points else None
    if redeem is not None:
        room: dict[int, int] = {}
        for t in redeem.details.lots:
            cur = _current_lot(conn, t.lot_id, a.id)
            room[cur] = room.get(cur, 0) + t.points
        for e in mine:
            if e.kind == "restore_redeem":
                for t in (*e.details.lots, *e.details.forfeited_lots):
                    cur = _current_lot(conn, t.lot_id, a.id)
                    room[cur] = room.get(cur, 0) - t.points
        consumed = [Take(lid, n) for lid, n in room.items() if n > 0]
        lots = [lt for _, lt in ent.lots_by_id(conn, [t.lot_id for t in consumed]).values()]
        plan = postings.restore_redeem(
            state, lots, key=f"restore:{note_doc}", points=min(points, sum(room.values())),
            consumed=consumed, on=note.date, at=at, body={"invoice": doc, "note": note_doc},
        )  # fmt: skip
        state = ent.apply(conn, plan, state)
        restored, forfeited = plan.entry.points, plan.entry.details.forfeited
        if redeem.details.overdraft:
            # the part no lot ever covered was overdraft: the return forgives it
            forgiven = sum(
                e.details.forgiven
                for e in ent.entries_of(conn, a.id, kinds=("recover",))
                if e.details.invoice == doc
            )
            undone = min(
                points - min(points, sum(room.values())),
                redeem.details.overdraft - forgiven,
            )
            if undone > 0:
                prog_of = book.active(original.date)
                plan = postings.forgive(
                    state, key=f"forgive:{note_doc}", points=undone,
                    owed=ent.overdraft(conn, a.id), on=note.date,
                    expires_on=pg.add_months(original.date, prog_of.expiry_months),
                    at=at, body={"invoice": doc, "note": note_doc},
                )  # fmt: skip
                state = ent.apply(conn, plan, state)
                restored += undone
    reversed_, shortfall = 0, 0
    earn = ent.find_entry(conn, f"earn:{doc}")
    if earn is not None:
        prog = book.active(original.date)
        whole_base = earn.details.base or ZERO
        base_before = sum(
            (e.details.base or ZERO for e in mine if e.kind == "reverse_earn"), ZERO
        )
        base_now = pg.earn_base(note, prog)
        due = whole(earn.points * (base_before + base_now) / whole_base) - whole(
            earn.points * base_before / whole_base
        )
        if base_now > 0:  # posted even when 0 points are due: it records the base returned
            origin = ent.lot_of_entry(conn, earn.key)
            plan = postings.reverse_earn(
                state, ent.lots_of(conn, a.id), key=f"reverse:{note_doc}", points=due,
                origin_lot=_current_lot(conn, origin, a.id) if origin else None, on=note.date,
                at=at, body={"invoice": doc, "note": note_doc, "base": str(base_now)},
            )  # fmt: skip
            state = ent.apply(conn, plan, state)
            reversed_, shortfall = -plan.entry.points, plan.entry.details.shortfall
    state = recover_overdraft(conn, state, on=note.date, at=at, key=f"recover:{note_doc}")
    ent.add_spend(conn, a.id, note.date, -note.totals.grand_total, note_doc)
    tier = _rolling_tier(conn, book.active(note.date), a.id, note.date).name
    acc.update(conn, a.id, tier=tier)
    if record:
        docs.add(conn, note, a.id)
    return Returned(
        note=note,
        account_id=a.id,
        points_restored=restored,
        points_forfeited=forfeited,
        points_reversed=reversed_,
        shortfall=shortfall,
        balance=state.balance,
        tier=tier,
    )


# --- cancellation: the whole invoice undone, no credit note ---


def void(
    store: Store,
    *,
    invoice_number: str,
    seller_gstin: str,
    key: str,
    reason: str = "",
    program: pg.ProgramBook | None = None,
    now: dt.datetime | None = None,
    store_code: str | None = None,
) -> Voided:
    """Cancel an invoice: every redeemed point restored into its lots, every earned point
    reversed, the spend taken out of the tier, and the invoice marked cancelled (it stays
    stored; GSTR-1 lists it as cancelled in doc_issue). An invoice with credit notes
    against it cannot be cancelled; a replayed key returns the first result."""
    at = _now(now)
    book = _book(store, program)

    def run(conn: sa.Connection) -> Voided:
        stored = own_document(conn, invoice_number, seller_gstin, store_code)
        if stored.invoice.kind != "invoice":
            raise LedgerError(f"{invoice_number} is a {stored.invoice.kind}, not an invoice")
        if docs.is_cancelled(conn, invoice_number, seller_gstin):
            raise DuplicateDocument(f"invoice {invoice_number} of {seller_gstin} is cancelled")
        if docs.notes_against(conn, invoice_number, seller_gstin):
            raise LedgerError(
                f"invoice {invoice_number} has credit notes against it; it cannot be cancelled"
            )
        # the whole invoice as a (never issued) note: the same pro-rata arithmetic as returns
        whole_note = gst.credit_note(stored.invoice, number=f"{invoice_number}#X", date=at.date())
        back = _return(conn, stored, whole_note, book, at=at, record=False)
        docs.cancel(conn, stored.invoice, reason=reason, at=stamp(at))
        result = Voided(
            invoice_number=invoice_number,
            seller_gstin=seller_gstin,
            **back.model_dump(
                include={
                    "account_id", "points_restored", "points_forfeited", "points_reversed",
                    "shortfall", "balance", "tier",
                }
            ),
        )  # fmt: skip
        return result

    return keyed(
        store, key, "void", at, run=run,
        find=lambda conn: _first(conn, key, Voided),
        replay=lambda: _replayed(store, key, Voided),
    )  # fmt: skip
