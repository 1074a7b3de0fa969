"""Sales use cases: quote (caps → gst.compute → hold), commit (redeem + earn + stored
invoice in one transaction), return_ (credit note → restore and reverse pro rata).

Tax is never computed here: `quote` and `commit` fill the program's caps into the sale
and call `gst.compute`; `return_` calls `gst.credit_note`. Keyed requests store their
first result; a replay returns it and changes nothing. Entry keys come from the source
document (redeem:/earn:<seller GSTIN>:<invoice no>), so the same sale under another
request key is refused as a duplicate, never posted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from loyalty_gst import gst, identity
from loyalty_gst import program as pg
from loyalty_gst.errors import (
    DuplicateDocument,
    HoldExpired,
    InsufficientPoints,
    LedgerError,
    UnknownCustomer,
    UnknownDocument,
)
from loyalty_gst.ledger import AccountState, Take, available, postings
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.models import ReturnLine, Sale, TaxedInvoice
from loyalty_gst.money import ZERO, whole
from loyalty_gst.service.common import (
    Committed,
    Quote,
    Returned,
    Voided,
    _book,
    _first,
    _now,
    _replayed,
    _retry,
    _rolling_tier,
    _velocity,
)
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import invoices as docs

# --- quote: caps → gst.compute → hold ---


def quote(
    store: Store,
    sale: Sale,
    points: int,
    *,
    program: pg.ProgramBook | None = None,
    approver: str | None = None,
    now: dt.datetime | None = None,
) -> Quote:
    """The taxed invoice with `points` redeemed as far as the caps allow, and a hold on
    those points for the program's hold minutes. Re-quoting the same invoice number
    releases the earlier hold first."""
    at = _now(now)
    prog = _book(program).active(sale.date)
    invoice = gst.compute(pg.apply_caps(sale, prog, points))
    n = invoice.loyalty.points_redeemed
    if not sale.customer:
        if n:
            raise UnknownCustomer("points can only be redeemed by a known customer")
        return Quote(invoice=invoice)
    with store.begin() as conn:
        try:
            found = identity.resolve(conn, phone=sale.customer)
        except UnknownCustomer:
            if n:
                raise
            return Quote(invoice=invoice)
        if not n:
            return Quote(invoice=invoice, account_id=found.id)
        a = acc.lock(conn, found.id)
        state = a.state
        prefix = f"hold:{sale.seller.gstin}:{sale.number}:"
        prior = ent.holds_like(conn, prefix)
        for h in prior:
            if h.status == "open":  # type: ignore[attr-defined]
                plan = postings.release(state, key=f"release:{h.key}", hold_key=h.key, at=at)  # type: ignore[attr-defined]
                state = ent.apply(conn, plan, state)
                ent.set_hold(conn, h.key, "released")  # type: ignore[attr-defined]
        _velocity(conn, prog, a.id, n, at, approver)
        held = ent.open_holds(conn, a.id, stamp(at))
        have = available(ent.lots_of(conn, a.id), sale.date, held)
        if n > have:
            raise InsufficientPoints(n, have)
        key = f"{prefix}{len(prior) + 1}"
        until = at + dt.timedelta(minutes=prog.hold_minutes)
        state = ent.apply(conn, postings.hold(state, key=key, points=n, until=until, at=at), state)
        ent.add_hold(conn, account_id=a.id, key=key, points=n, until=stamp(until))
        return Quote(invoice=invoice, account_id=a.id, hold_key=key, hold_until=stamp(until))


def release(store: Store, hold_key: str, *, now: dt.datetime | None = None) -> None:
    """Give held points back (checkout abandoned); releasing twice changes nothing."""
    at = _now(now)
    with store.begin() as conn:
        h = ent.get_hold(conn, hold_key)
        if h is None:
            raise HoldExpired(f"no hold {hold_key}")
        a = acc.lock(conn, h.account_id)  # type: ignore[attr-defined]
        if h.status != "open":  # type: ignore[attr-defined]
            return
        plan = postings.release(a.state, key=f"release:{hold_key}", hold_key=hold_key, at=at)
        ent.apply(conn, plan, a.state)
        ent.set_hold(conn, hold_key, "released")


# --- commit: redeem + earn + stored invoice, one transaction ---


def commit(
    store: Store,
    source: Sale | Quote,
    *,
    key: str,
    program: pg.ProgramBook | None = None,
    approver: str | None = None,
    enrol: bool = True,
    now: dt.datetime | None = None,
) -> Committed:
    """Post the redemption (from the quote's hold, or directly for a sale) and the earn,
    store the TaxedInvoice, recompute the tier. `enrol` creates an account for a new
    customer's first purchase. A replayed key returns the first result."""
    at = _now(now)
    book = _book(program)
    if isinstance(source, Quote):
        invoice, hold_key = source.invoice, source.hold_key
    else:
        prog = book.active(source.date)
        pts = source.loyalty.points if source.loyalty else 0
        invoice, hold_key = gst.compute(pg.apply_caps(source, prog, pts)), None

    def work(conn: sa.Connection) -> Committed:
        prior: Committed | None = _first(conn, key, Committed)
        if prior is not None:
            return prior
        result = _commit(conn, invoice, hold_key, book, approver=approver, enrol=enrol, at=at)
        ent.put_request(conn, key, "commit", result.model_dump_json(), stamp(at))
        return result

    return _retry(store, work, lambda: _replayed(store, key, Committed))


def _commit(
    conn: sa.Connection,
    invoice: TaxedInvoice,
    hold_key: str | None,
    book: pg.ProgramBook,
    *,
    approver: str | None,
    enrol: bool,
    at: dt.datetime,
    offline: dict[str, object] | None = None,
) -> Committed:
    """`offline` (terminal, event, flags) marks a redemption a terminal already printed:
    posted even where the lots fall short (offline overdraft), without velocity checks."""
    prog = book.active(invoice.date)
    seller = invoice.seller.gstin
    if docs.get(conn, invoice.number, seller) is not None:
        raise DuplicateDocument(f"invoice {invoice.number} of {seller} is already committed")
    n = invoice.loyalty.points_redeemed
    found = None
    if invoice.customer:
        try:
            found = identity.resolve(conn, phone=invoice.customer)
        except UnknownCustomer:
            if n or not enrol:
                raise
            found = identity.enrol(
                conn, phone=invoice.customer, tier=prog.tiers[0].name, at=stamp(at)
            )
    if found is None:
        docs.add(conn, invoice, None)
        return Committed(invoice=invoice)
    referrer = None
    if found.purchases == 0 and found.referred_by and prog.referral_points:
        referrer = identity.resolve(conn, account_id=found.referred_by).id
    locked = {i: acc.lock(conn, i) for i in sorted({found.id, referrer or found.id})}
    a = locked[found.id]
    state = a.state
    doc = f"{seller}:{invoice.number}"
    if n and offline is not None:
        held = ent.open_holds(conn, a.id, stamp(at))
        body = {"invoice": doc, "day": invoice.date.isoformat(), **offline}
        plan = postings.redeem_offline(
            state, ent.lots_of(conn, a.id), key=f"redeem:{doc}", points=n, on=invoice.date,
            at=at, held=held, body=body,
        )  # fmt: skip
        state = ent.apply(conn, plan, state)
    elif n:
        if hold_key:
            h = ent.get_hold(conn, hold_key)
            if (
                h is None
                or h.status != "open"  # type: ignore[attr-defined]
                or h.until <= stamp(at)  # type: ignore[attr-defined]
                or h.points != n  # type: ignore[attr-defined]
                or h.account_id != a.id  # type: ignore[attr-defined]
            ):
                raise HoldExpired(f"the hold {hold_key} has lapsed or was used; quote again")
            ent.set_hold(conn, hold_key, "used")
        else:
            _velocity(conn, prog, a.id, n, at, approver)
        held = ent.open_holds(conn, a.id, stamp(at), but=hold_key)
        body = {"invoice": doc, "hold": hold_key, "approver": approver}
        plan = postings.redeem(
            state, ent.lots_of(conn, a.id), key=f"redeem:{doc}", points=n, on=invoice.date,
            at=at, held=held, body={k: v for k, v in body.items() if v},
        )  # fmt: skip
        state = ent.apply(conn, plan, state)
    tier = _rolling_tier(conn, prog, a.id, invoice.date)  # earned by spend before this sale
    mult = pg.multiplier(prog, tier, invoice.date, invoice.channel)
    base = pg.earn_base(invoice, prog)
    earned = pg.earn_points(base, prog, mult)
    expires = pg.add_months(invoice.date, prog.expiry_months)

    def credit(s: AccountState, key: str, points: int, body: dict[str, str]) -> AccountState:
        plan = postings.earn(
            s, key=key, points=points, on=invoice.date, expires_on=expires, at=at, body=body
        )
        return ent.apply(conn, plan, s)

    if earned:
        body = {"invoice": doc, "base": str(base), "multiplier": str(mult), "tier": tier.name}
        state = credit(state, f"earn:{doc}", earned, body)
    bonus = 0
    bday_key = f"birthday:{a.id}:{invoice.date.year}"
    if (
        prog.birthday_bonus
        and pg.is_birthday(invoice.date, a.birthday)
        and ent.find_entry(conn, bday_key) is None
    ):
        state = credit(state, bday_key, prog.birthday_bonus, {"invoice": doc, "bonus": "birthday"})
        bonus += prog.birthday_bonus
    if referrer is not None and a.purchases == 0:
        body = {"invoice": doc, "bonus": "referral"}
        state = credit(state, f"referral:{a.id}:referee", prog.referral_points, body)
        bonus += prog.referral_points
        r = locked[referrer]
        credit(r.state, f"referral:{a.id}:referrer", prog.referral_points, body)
    state = recover_overdraft(conn, state, on=invoice.date, at=at, key=f"recover:{doc}")
    ent.add_spend(conn, a.id, invoice.date, invoice.totals.grand_total, doc)
    new_tier = _rolling_tier(conn, prog, a.id, invoice.date).name
    acc.update(conn, a.id, purchases=a.purchases + 1, tier=new_tier)
    docs.add(conn, invoice, a.id)
    return Committed(
        invoice=invoice,
        account_id=a.id,
        points_redeemed=n,
        points_earned=earned,
        bonus_points=bonus,
        balance=state.balance,
        tier=new_tier,
    )


def recover_overdraft(
    conn: sa.Connection, state: AccountState, *, on: dt.date, at: dt.datetime, key: str
) -> AccountState:
    """Pay offline overdraft back from the account's usable points (new earnings first
    in effect: an overdrawn account has no other usable points)."""
    lots = ent.lots_of(conn, state.id)
    # balance = Σ lots − overdraft (the ledger's invariant; `verify` checks it from the
    # entries): the cheap way to know what is owed on the hot path
    owed = sum(lt.remaining for lt in lots) - state.balance
    if owed <= 0:
        return state
    pay = min(owed, available(lots, on, ent.open_holds(conn, state.id, stamp(at))))
    if pay <= 0:
        return state
    plan = postings.recover(state, lots, key=key, points=pay, on=on, at=at)
    return ent.apply(conn, plan, state)


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
) -> Returned:
    """A credit note (gst.credit_note, cumulative over earlier notes) with its points:
    redeemed points restored into their lots, earned points reversed, tier recomputed."""
    at = _now(now)
    book = _book(program)
    wanted = tuple(returns) if returns is not None else None

    def work(conn: sa.Connection) -> Returned:
        prior: Returned | None = _first(conn, key, Returned)
        if prior is not None:
            return prior
        stored = docs.get(conn, invoice_number, seller_gstin)
        if stored is None:
            raise UnknownDocument(f"no invoice {invoice_number} of {seller_gstin}")
        if docs.get(conn, number, seller_gstin) is not None:
            raise DuplicateDocument(f"document {number} of {seller_gstin} already exists")
        before: dict[int, Decimal] = {}
        for old in docs.notes_against(conn, invoice_number, seller_gstin):
            for ln in old.lines:
                before[ln.line_no] = before.get(ln.line_no, ZERO) + ln.qty
        note = gst.credit_note(
            stored.invoice, number=number, date=date, returns=wanted, previously_returned=before
        )
        result = _return(conn, stored, note, book, at=at)
        ent.put_request(conn, key, "return", result.model_dump_json(), stamp(at))
        return result

    return _retry(store, work, lambda: _replayed(store, key, Returned))


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
    mine = [e for e in mine if e.body.get("invoice") == doc]
    restored = forfeited = 0
    points = note.loyalty.points_redeemed
    redeem = ent.find_entry(conn, f"redeem:{doc}") if points else None
    if redeem is not None:
        room: dict[int, int] = {}
        for lot_id, n in redeem.body["lots"]:
            cur = _current_lot(conn, lot_id, a.id)
            room[cur] = room.get(cur, 0) + n
        for e in mine:
            if e.kind == "restore_redeem":
                for lot_id, n in [*e.body["lots"], *e.body["forfeited_lots"]]:
                    cur = _current_lot(conn, lot_id, a.id)
                    room[cur] = room.get(cur, 0) - n
        consumed = [Take(lid, n) for lid, n in room.items() if n > 0]
        lots = [lt for _, lt in ent.lots_by_id(conn, [t.lot_id for t in consumed]).values()]
        plan = postings.restore_redeem(
            state, lots, key=f"restore:{note_doc}", points=min(points, sum(room.values())),
            consumed=consumed, on=note.date, at=at, body={"invoice": doc, "note": note_doc},
        )  # fmt: skip
        state = ent.apply(conn, plan, state)
        restored, forfeited = plan.entry.points, plan.entry.body["forfeited"]
        if redeem.body.get("overdraft"):
            # the part no lot ever covered was overdraft: the return forgives it
            forgiven = sum(
                int(e.body.get("forgiven", 0))
                for e in ent.entries_of(conn, a.id, kinds=("recover",))
                if e.body.get("invoice") == doc
            )
            undone = min(
                points - min(points, sum(room.values())),
                int(redeem.body["overdraft"]) - forgiven,
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
        whole_base = Decimal(earn.body["base"])
        base_before = sum((Decimal(e.body["base"]) for e in mine if e.kind == "reverse_earn"), ZERO)
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
            reversed_, shortfall = -plan.entry.points, plan.entry.body["shortfall"]
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
) -> Voided:
    """Cancel an invoice: every redeemed point restored into its lots, every earned point
    reversed, the spend taken out of the tier, and the invoice marked cancelled (it stays
    stored; GSTR-1 lists it as cancelled in doc_issue). An invoice with credit notes
    against it cannot be cancelled; a replayed key returns the first result."""
    at = _now(now)
    book = _book(program)

    def work(conn: sa.Connection) -> Voided:
        prior: Voided | None = _first(conn, key, Voided)
        if prior is not None:
            return prior
        stored = docs.get(conn, invoice_number, seller_gstin)
        if stored is None:
            raise UnknownDocument(f"no invoice {invoice_number} of {seller_gstin}")
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
        ent.put_request(conn, key, "void", result.model_dump_json(), stamp(at))
        return result

    return _retry(store, work, lambda: _replayed(store, key, Voided))
