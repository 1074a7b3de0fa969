"""Customer identity: one account per person, keyed by the Indian mobile number (E.164).

Email (lower-cased) and loyalty card number are further keys. Two accounts of one
person are merged: the merged account's lots move to the survivor with their own
expiry, its spend history is copied (tiers see all of it), both chains record the
merge with the actor, and every key of the merged account then finds the survivor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import sqlalchemy as sa

from loyalty_gst.errors import AccountMerged, InvalidInput, UnknownCustomer
from loyalty_gst.ids import mobile as mobile_id
from loyalty_gst.ledger import postings
from loyalty_gst.program import Program, add_months, tier_for
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import entries as ent

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CARD = re.compile(r"^[A-Z0-9]{6,32}$")


def normal_mobile(number: str) -> str:
    try:
        return mobile_id.validate(number)
    except mobile_id.InvalidMobile as exc:
        raise InvalidInput.one("mobile", mobile_id.mask(number), str(exc), "bad_mobile") from None


def phone_ref(number: str) -> str:
    """A stable pseudonym of a mobile number for keys and logs (never the number itself)."""
    return hashlib.sha256(normal_mobile(number).encode()).hexdigest()[:16]


def normal_email(email: str) -> str:
    e = email.strip().lower()
    if not _EMAIL.match(e) or len(e) > 254:
        raise InvalidInput.one("email", email, "not an email address")
    return e


def normal_card(card_no: str) -> str:
    c = re.sub(r"[\s-]", "", card_no).upper()
    if not _CARD.match(c):
        raise InvalidInput.one("card_no", card_no, "6-32 letters or digits")
    return c


def resolve(
    conn: sa.Connection,
    *,
    phone: str | None = None,
    email: str | None = None,
    card_no: str | None = None,
    account_id: int | None = None,
) -> acc.Account:
    """The live account for any key, following merges; UnknownCustomer if none."""
    found = acc.find(
        conn,
        id=account_id,
        mobile=normal_mobile(phone) if phone else None,
        email=normal_email(email) if email else None,
        card_no=normal_card(card_no) if card_no else None,
    )
    hops = 0
    while found is not None and found.status == "merged" and found.merged_into and hops < 50:
        found = acc.find(conn, id=found.merged_into)
        hops += 1
    if found is None:
        shown = mobile_id.mask(phone) if phone else (email or card_no or account_id)
        raise UnknownCustomer(f"no loyalty account for {shown}")
    return found


def enrol(
    conn: sa.Connection,
    *,
    phone: str,
    tier: str,
    at: str,
    email: str | None = None,
    card_no: str | None = None,
    name: str | None = None,
    birthday: dt.date | None = None,
    referred_by: str | None = None,
) -> acc.Account:
    """The account for `phone`, created if new (idempotent: a known number returns its account)."""
    number = normal_mobile(phone)
    existing = acc.find(conn, mobile=number)
    if existing is not None:
        return resolve(conn, account_id=existing.id)
    referrer = resolve(conn, phone=referred_by).id if referred_by else None
    new_id = acc.create(
        conn,
        tier=tier,
        at=at,
        mobile=number,
        email=normal_email(email) if email else None,
        card_no=normal_card(card_no) if card_no else None,
        name=name,
        birthday=birthday,
        referred_by=referrer,
    )
    found = acc.find(conn, id=new_id)
    assert found is not None
    return found


def merge(
    store: Store,
    *,
    source: int,
    into: int,
    actor: str,
    program: Program | None = None,
    now: dt.datetime | None = None,
) -> acc.Account:
    """Merge account `source` into `into`; replaying the same merge changes nothing."""
    if source == into:
        raise InvalidInput.one("into", into, "an account cannot be merged into itself")
    if not actor.strip():
        raise InvalidInput.one("actor", actor, "a merge names who did it")
    at = now or dt.datetime.now(dt.UTC)
    with store.begin() as conn:
        first, second = sorted((source, into))  # one lock order everywhere: no deadlock
        locked = {first: acc.lock(conn, first), second: acc.lock(conn, second)}
        src, dst = locked[source], locked[into]
        if src.status == "merged":
            if src.merged_into == into:
                return dst
            raise AccountMerged(f"account {source} was already merged into {src.merged_into}")
        if dst.status == "merged":
            raise AccountMerged(f"account {into} was merged into {dst.merged_into}")
        lots = ent.lots_of(conn, source)
        out = postings.merge_out(
            src.state, lots, key=f"merge:{source}:{into}:out", into=into, at=at
        )
        ent.apply(conn, out, src.state)
        key_in = f"merge:{source}:{into}:in"
        inn = postings.merge_in(dst.state, lots, key=key_in, source=source, at=at)
        inn = postings.post(
            dst.state,
            kind="merge",
            key=key_in,
            points=inn.entry.points,
            at=at,
            body={**inn.entry.body, "actor": actor},
            new_lots=inn.new_lots,
        )
        ent.apply(conn, inn, dst.state)
        ent.mark_carried(conn, into, key_in, [lt.id for lt in sorted(lots, key=lambda x: x.id)])
        ent.copy_spend(conn, source, into)
        acc.update(conn, source, status="merged", merged_into=into)
        acc.update(conn, into, purchases=dst.purchases + src.purchases)
        if program is not None:  # the survivor's tier now counts both spend histories
            day = at.date()
            spent = ent.spend_between(conn, into, add_months(day, -12), day)
            acc.update(conn, into, tier=tier_for(spent, program.tiers).name)
        merged = acc.find(conn, id=into)
        assert merged is not None
        return merged
