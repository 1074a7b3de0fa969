"""Sales use cases: quote (caps → gst.compute → hold), commit (redeem + earn + stored
invoice in one transaction). Returns and cancellations are in `service.returns`.

Tax is never computed here: `quote` and `commit` fill the program's caps into the sale
and call `gst.compute`; returns call `gst.credit_note`. Keyed requests store their
first result; a replay returns it and changes nothing. Entry keys come from the source
document (redeem:/earn:<seller GSTIN>:<invoice no>), so the same sale under another
request key is refused as a duplicate, never posted twice.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from loyalty_gst import clock, gst, identity
from loyalty_gst import program as pg
from loyalty_gst.clock import stamp
from loyalty_gst.errors import DuplicateDocument, HoldExpired, InsufficientPoints, UnknownCustomer
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger import AccountState, available, postings
from loyalty_gst.models import Sale, TaxedInvoice
from loyalty_gst.service.common import (
    Committed,
    Quote,
    _answer,
    _book,
    _now,
    _replayed,
    _velocity,
    keyed,
    recover_overdraft,
    same_document,
    with_invoice,
)
from loyalty_gst.store import Store, reads
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent
from loyalty_gst.store import invoices as docs
from loyalty_gst.store.batch import Writes

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
    prog = _book(store, program).active(sale.date)
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
        held = _velocity(conn, prog, a.id, n, at, approver)
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
    book = _book(store, program)
    if isinstance(source, Quote):
        invoice, hold_key = source.invoice, source.hold_key
    else:
        prog = book.active(source.date)
        pts = source.loyalty.points if source.loyalty else 0
        invoice, hold_key = gst.compute(pg.apply_caps(source, prog, pts)), None

    def same(prior: Committed | None) -> Committed | None:
        """A replay only of the same sale: another body under the key is a 409."""
        if prior is not None:
            same_document(key, prior.invoice, invoice)
        return prior

    read: list[reads.CheckoutReads] = []
    writes = Writes()
    invoice_json = invoice.model_dump_json()  # once: for the stored invoice and answer

    def find(conn: sa.Connection) -> Committed | None:
        mobile = identity.normal_mobile(invoice.customer) if invoice.customer else None
        seen = reads.checkout(
            conn, key=key, number=invoice.number, seller_gstin=invoice.seller.gstin,
            mobile=mobile, but=hold_key, **_windows(invoice.date, at),
        )  # fmt: skip
        read[:] = [seen]
        return same(first_or_duplicate(seen.request, seen.stored, key, invoice, Committed))

    return keyed(
        store, key, "commit", at, find=find, writes=writes,
        dump=lambda done: with_invoice(done, invoice_json),
        run=lambda conn: _commit(
            conn, invoice, hold_key, book, approver=approver, enrol=enrol, at=at,
            checked=True, read=read[0], writes=writes, invoice_json=invoice_json,
        ),
        replay=lambda: same(_replayed(store, key, Committed)),
    )  # fmt: skip


def _windows(on: dt.date, at: dt.datetime) -> dict[str, object]:
    """The bounds of the figures a checkout reads: the 12-month spend window ending on
    the sale's day, and the velocity's day (from IST midnight) and hour, up to `at`."""
    return {
        "spend_after": pg.add_months(on, -12),
        "spend_upto": on,
        "day_start": stamp(clock.ist_midnight(at)),
        "hour_ago": stamp(at - dt.timedelta(hours=1)),
        "now": stamp(at),
    }


def first_or_duplicate(
    found: tuple[str, str] | None,
    stored: bool,
    key: str,
    invoice: TaxedInvoice,
    model: type[Committed],
) -> Committed | None:
    """The first result under `key` (a replay), else None — or DuplicateDocument when the
    seller already stored this invoice under another key (`found`, `stored`: what
    `reads.checkout` read for both checks in one query)."""
    if found is not None:
        return _answer(key, found, model)
    if stored:
        raise DuplicateDocument(
            f"invoice {invoice.number} of {invoice.seller.gstin} is already committed"
        )
    return None


def _customer(
    conn: sa.Connection,
    phone: str,
    *,
    redeeming: bool,
    enrol: bool,
    tier: str,
    at: dt.datetime,
    read: reads.CheckoutReads | None,
) -> acc.Account | None:
    """The customer's live account, found and locked in one statement (or as `read`
    already found and locked it; a merged number follows its survivor); enrolled when
    new and `enrol`; None for an unknown customer who neither redeems nor enrols...
    which raises instead when redeeming."""
    mobile = identity.normal_mobile(phone)
    a = read.account if read is not None else acc.lock_by_mobile(conn, mobile)
    if a is not None and a.status == "merged":
        a = acc.lock(conn, identity.resolve(conn, account_id=a.id).id)
    if a is not None:
        return a
    if redeeming or not enrol:
        raise UnknownCustomer(f"no loyalty account for {mask(phone)}")
    return acc.lock(conn, identity.enrol(conn, phone=phone, tier=tier, at=stamp(at)).id)


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
    checked: bool = False,
    read: reads.CheckoutReads | None = None,
    writes: Writes | None = None,
    invoice_json: str | None = None,
) -> Committed:
    """Named steps: (duplicate check unless `checked`) → lock the customer → read what
    the rules need (one query; or as `read` found them) → redeem → earn and bonuses →
    recover overdraft → spend, tier and the account row (one UPDATE) → the stored invoice.

    The writes go to `writes` (the caller sends them, with its own); without it they
    are gathered here and sent before returning. `invoice_json`: the invoice as JSON
    when the caller made it already.

    `offline` (terminal, event, flags) marks a redemption a terminal already printed:
    posted even where the lots fall short (offline overdraft), without velocity checks."""
    if writes is None:
        own = Writes()
        done = _commit(
            conn, invoice, hold_key, book, approver=approver, enrol=enrol, at=at,
            offline=offline, checked=checked, read=read, writes=own,
            invoice_json=invoice_json,
        )  # fmt: skip
        own.flush(conn)
        return done
    w = writes
    prog = book.active(invoice.date)
    seller = invoice.seller.gstin
    if not checked and docs.exists(conn, invoice.number, seller):
        raise DuplicateDocument(f"invoice {invoice.number} of {seller} is already committed")
    n = invoice.loyalty.points_redeemed
    a = None
    if invoice.customer:
        a = _customer(
            conn, invoice.customer, redeeming=bool(n), enrol=enrol, tier=prog.tiers[0].name,
            at=at, read=read,
        )  # fmt: skip
    if a is None:
        docs.add(w, invoice, None, body=invoice_json)
        return Committed(invoice=invoice)
    referrer = None
    if a.purchases == 0 and a.referred_by and prog.referral_points:
        referrer = acc.lock(conn, identity.resolve(conn, account_id=a.referred_by).id)
    now = stamp(at)
    if read is not None and read.seen is not None and read.account is not None \
            and read.account.id == a.id:
        seen = read.seen
    else:  # enrolled now, or a merged number's survivor
        seen = reads.account_reads(conn, a.id, but=hold_key, **_windows(invoice.date, at))
    state = a.state
    # balance = Σ lots − overdraft (the ledger's invariant): what is owed, kept up to
    # date from each plan below, so the lots are read once
    owed = sum(lt.remaining for lt in seen.lots) - state.balance
    doc = f"{seller}:{invoice.number}"

    def post(plan: postings.Plan) -> None:
        nonlocal state, owed
        state = ent.apply(w, plan, state, head=False)
        moved = sum(x.points for x in plan.gives) - sum(x.points for x in plan.takes)
        owed += moved + sum(x.points for x in plan.new_lots) - plan.entry.points

    if n and offline is not None:
        body = {"invoice": doc, "day": invoice.date.isoformat(), **offline}
        post(postings.redeem_offline(
            state, seen.lots, key=f"redeem:{doc}", points=n, on=invoice.date, at=at,
            held=seen.held, body=body,
        ))  # fmt: skip
    elif n:
        if hold_key:
            _use_hold(conn, w, hold_key, n, a.id, now)
        else:
            pg.check_velocity(
                prog, points=n, points_today=seen.redeemed_today + seen.held,
                redemptions_last_hour=seen.redemptions_last_hour, approver=approver,
            )  # fmt: skip
        body = {"invoice": doc, "hold": hold_key, "approver": approver}
        post(postings.redeem(
            state, seen.lots, key=f"redeem:{doc}", points=n, on=invoice.date, at=at,
            held=seen.held, body={k: v for k, v in body.items() if v},
        ))  # fmt: skip
    tier = pg.tier_for(seen.spent, prog.tiers)  # earned by spend before this sale
    mult = pg.multiplier(prog, tier, invoice.date, invoice.channel)
    base = pg.earn_base(invoice, prog)
    earned = pg.earn_points(base, prog, mult)
    expires = pg.add_months(invoice.date, prog.expiry_months)

    def earn(s: AccountState, key: str, points: int, body: dict[str, str]) -> postings.Plan:
        return postings.earn(
            s, key=key, points=points, on=invoice.date, expires_on=expires, at=at, body=body
        )

    if earned:
        body = {"invoice": doc, "base": str(base), "multiplier": str(mult), "tier": tier.name}
        post(earn(state, f"earn:{doc}", earned, body))
    bonus = 0
    bday_key = f"birthday:{a.id}:{invoice.date.year}"
    if (
        prog.birthday_bonus
        and pg.is_birthday(invoice.date, a.birthday)
        and ent.find_entry(conn, bday_key) is None
    ):
        post(earn(state, bday_key, prog.birthday_bonus, {"invoice": doc, "bonus": "birthday"}))
        bonus += prog.birthday_bonus
    if referrer is not None:
        body = {"invoice": doc, "bonus": "referral"}
        post(earn(state, f"referral:{a.id}:referee", prog.referral_points, body))
        bonus += prog.referral_points
        plan = earn(referrer.state, f"referral:{a.id}:referrer", prog.referral_points, body)
        ent.apply(w, plan, referrer.state)
    if owed > 0:  # offline overdraft to pay back (rare): only now are the lots read again
        w.flush(conn)  # the lots as this sale's postings left them
        state = recover_overdraft(
            conn, state, on=invoice.date, at=at, key=f"recover:{doc}", head=False
        )
    ent.add_spend(w, a.id, invoice.date, invoice.totals.grand_total, doc)
    # the window (on − 12 months, on] now holds this sale too
    new_tier = pg.tier_for(seen.spent + invoice.totals.grand_total, prog.tiers).name
    ent.write_head(w, state, purchases=a.purchases + 1, tier=new_tier)
    docs.add(w, invoice, a.id, body=invoice_json)
    return Committed(
        invoice=invoice,
        account_id=a.id,
        points_redeemed=n,
        points_earned=earned,
        bonus_points=bonus,
        balance=state.balance,
        tier=new_tier,
    )


def _use_hold(
    conn: sa.Connection, w: Writes, hold_key: str, points: int, account_id: int, now: str
) -> None:
    """Spend a quote's hold: it must be open, unexpired, this account's, for these points."""
    h = ent.get_hold(conn, hold_key, account_id=account_id)
    if (
        h is None
        or h.status != "open"  # type: ignore[attr-defined]
        or h.until <= now  # type: ignore[attr-defined]
        or h.points != points  # type: ignore[attr-defined]
        or h.account_id != account_id  # type: ignore[attr-defined]
    ):
        raise HoldExpired(f"the hold {hold_key} has lapsed or was used; quote again")
    ent.set_hold(w, hold_key, "used", account_id=account_id)
