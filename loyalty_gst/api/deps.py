"""Who may call what: every permission and scope check of the API is a dependency here,
so a route states its check in its signature and cannot forget it.

- `Caller`: any valid token; `Staff`: a till, a channel or an admin; `Seller`: a terminal
  or a channel; `TerminalCaller`: a till;
  `ChannelCaller`: the web shop or the app; `Member`: a member's own session (the only
  caller that gets the member's app code); `Admin`: an admin token.
- `QuotedSale` / `CommittedSale`: the sale as this token may post it (its store and
  GSTIN, GST-checked, its channel), with the customer's presence proven when points are
  redeemed.
- `OwnSync`: a till syncs its own outbox; `StoreStream`: a store's live events.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from loyalty_gst import company, identity
from loyalty_gst import program as pg
from loyalty_gst.api import presence, tokens
from loyalty_gst.api.after_commit import AfterCommit
from loyalty_gst.api.live import Broadcaster
from loyalty_gst.api.schemas import (
    CommitRequest,
    PresenceProof,
    QuoteRequest,
    SyncRequest,
)
from loyalty_gst.errors import (
    Forbidden,
    InvalidInput,
    PointValueMismatch,
    PresenceRequired,
    UnknownCustomer,
)
from loyalty_gst.models import Loyalty, Sale, TaxedInvoice
from loyalty_gst.notify import Notifier
from loyalty_gst.store import Store
from loyalty_gst.store import entries as ent
from loyalty_gst.store.accounts import Account
from loyalty_gst.validation import check_sale


@dataclass(frozen=True)
class Services:
    """What the routes work with, made once per app by `create_app`."""

    store: Store
    program: pg.ProgramBook | None  # None: the program set up in the database
    notifier: Notifier
    live: Broadcaster
    key: Ed25519PrivateKey
    public_pem: str
    after: AfterCommit

    @property
    def book(self) -> pg.ProgramBook:
        return self.program or company.current(self.store).program

    def announce(
        self,
        c: tokens.Caller,
        account_id: int | None,
        balance: int | None,
        kind: str,
        doc: TaxedInvoice | None = None,
    ) -> None:
        if account_id is not None:
            event = {"account_id": account_id, "balance": balance, "store": c.store_code}
            event |= {"kind": kind, "at": round(time.time() * 1000)}
            if doc is not None:  # the document's number and total, never the member's number
                event |= {"number": doc.number, "total": str(doc.totals.grand_total)}
                event |= {"points": doc.loyalty.points_redeemed}
            self.live.publish(c.store_code, event)


# The cheap checks below are `async def`: FastAPI runs a plain `def` dependency in the
# thread pool, a hop (and a GIL hand-over) per dependency per request; these only read
# memory, and what touches the database goes to the pool itself (`run_in_threadpool`).


async def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


Svc = Annotated[Services, Depends(services)]

bearer = HTTPBearer(auto_error=False, description="lgst_<id>_<secret>")


async def caller(
    svc: Svc, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> tokens.Caller:
    """The token's caller: from the process's short cache when it is fresh (no database
    work, no thread), else read in the thread pool."""
    header = f"Bearer {cred.credentials}" if cred else None
    hit = tokens.cached(svc.store, header)
    if hit is not None:
        return hit
    return await run_in_threadpool(tokens.authenticate, svc.store, header)


Caller = Annotated[tokens.Caller, Depends(caller)]


async def seller(c: Caller) -> tokens.Caller:
    if c.kind not in ("terminal", "channel"):
        raise Forbidden("only a terminal or a channel token sells")
    return c


async def staff(c: Caller) -> tokens.Caller:
    """A till, a channel or an admin: the retailer's side, never a member's session."""
    if c.kind not in ("terminal", "channel", "admin"):
        raise Forbidden("a till, a channel or an admin token is needed")
    return c


async def terminal(c: Caller) -> tokens.Caller:
    if c.kind != "terminal":
        raise Forbidden("only a terminal token does this")
    return c


async def channel(c: Caller) -> tokens.Caller:
    if c.kind != "channel":
        raise Forbidden("members sign in through the web shop or the app")
    return c


async def member(c: Caller) -> tokens.Caller:
    if c.kind != "member" or c.account_id is None:
        raise Forbidden("only the member's own session does this")
    return c


async def admin(c: Caller) -> tokens.Caller:
    if c.kind != "admin":
        raise Forbidden("an admin token is needed")
    return c


Seller = Annotated[tokens.Caller, Depends(seller)]
Staff = Annotated[tokens.Caller, Depends(staff)]
TerminalCaller = Annotated[tokens.Caller, Depends(terminal)]
ChannelCaller = Annotated[tokens.Caller, Depends(channel)]
Member = Annotated[tokens.Caller, Depends(member)]
Admin = Annotated[tokens.Caller, Depends(admin)]


# --- sales: the sale as this caller may post it ---


def scoped_key(c: tokens.Caller, key: str) -> str:
    """An idempotency key (or event id) as the ledger keeps it: within the token's store
    and till, so two stores' tills of one name never meet on a key."""
    return f"{c.store_code or '-'}/{c.terminal or '-'}/{key}"


def scoped_sale(c: tokens.Caller, sale: Sale, points: int, book: pg.ProgramBook) -> Sale:
    """The sale as this caller may post it: its store and GSTIN only, GST-checked,
    the channel the token's; `points` asked for."""
    if sale.seller.gstin != c.gstin:
        raise Forbidden(f"this token sells for {c.store_code} ({c.gstin}) only")
    if sale.store not in (None, c.store_code):
        raise Forbidden(f"this token sells for store {c.store_code} only")
    prog = book.active(sale.date)
    # the company's limits first: the GST checks do arithmetic on the amounts
    problems = pg.check_limits(sale, prog, points) or check_sale(sale)
    if problems:
        raise InvalidInput(problems)
    asked = sale.loyalty.point_value if sale.loyalty is not None else None
    if asked is not None and asked != prog.point_value:
        raise PointValueMismatch(asked, prog.point_value, prog.version)
    loyalty = Loyalty(points=points, point_value=prog.point_value) if points else None
    return sale.model_copy(update={"store": c.store_code, "channel": c.channel, "loyalty": loyalty})


def account_of(store: Store, phone: str | None) -> Account:
    """The member of a mobile number; a number that is no mobile has no member (404)."""
    if not phone:
        raise UnknownCustomer("points can only be redeemed by a known customer")
    with store.engine.connect() as conn:
        try:
            return identity.resolve(conn, phone=phone)
        except InvalidInput as exc:
            raise UnknownCustomer(f"no member: {exc}") from None


def prove(store: Store, proof: PresenceProof | None, phone: str | None) -> None:
    """The customer is present: a valid OTP or app code for this account."""
    a = account_of(store, phone)
    assert phone is not None
    now = dt.datetime.now(dt.UTC)
    if proof is None or not (proof.app_code or (proof.challenge_id and proof.otp)):
        raise PresenceRequired("redeeming points needs an OTP or the app's code")
    if proof.app_code:
        presence.use_app_code(store, proof.app_code, phone=phone, account_id=a.id)
    else:
        presence.check_otp(
            store,
            challenge_id=proof.challenge_id or "",
            code=proof.otp or "",
            account_id=a.id,
            now=now,
        )


@dataclass(frozen=True)
class QuotePosting:
    """A quote request, its sale as the caller may post it, and the caller."""

    req: QuoteRequest
    sale: Sale
    caller: tokens.Caller


@dataclass(frozen=True)
class CommitPosting:
    """A commit request, its sale as the caller may post it, and the caller."""

    req: CommitRequest
    sale: Sale
    caller: tokens.Caller
    key: str  # the request's key within the caller's store and till


async def quoted_sale(req: QuoteRequest, c: Seller, svc: Svc) -> QuotePosting:
    sale = await run_in_threadpool(scoped_sale, c, req.sale, req.points, svc.book)
    if req.points:
        await run_in_threadpool(prove, svc.store, req.presence, sale.customer)
    return QuotePosting(req, sale, c)


async def committed_sale(req: CommitRequest, c: Seller, svc: Svc) -> CommitPosting:
    """A commit against a hold was proven at quote time (and the hold is this sale's); a
    replayed key was proven when it was first posted. A sale without points is checked
    in memory; presence needs the database (in the thread pool)."""
    fresh = company.cached(svc.store)
    book = svc.program or (fresh.program if fresh is not None else None)
    if book is None:
        sale = await run_in_threadpool(scoped_sale, c, req.sale, req.points, svc.book)
    else:
        sale = scoped_sale(c, req.sale, req.points, book)
    key = scoped_key(c, req.key)
    if req.hold_key and not req.hold_key.startswith(f"hold:{sale.seller.gstin}:{sale.number}:"):
        raise Forbidden("the hold belongs to another sale")
    if req.points and not req.hold_key:
        await run_in_threadpool(_prove_unless_replay, svc.store, req.presence, sale.customer, key)
    return CommitPosting(req, sale, c, key)


def _prove_unless_replay(
    store: Store, proof: PresenceProof | None, phone: str | None, key: str
) -> None:
    if not _replay(store, key):
        prove(store, proof, phone)


def _replay(store: Store, key: str) -> bool:
    with store.engine.connect() as conn:
        return ent.get_request_kind(conn, key) is not None


QuotedSale = Annotated[QuotePosting, Depends(quoted_sale)]
CommittedSale = Annotated[CommitPosting, Depends(committed_sale)]


# --- terminals and live streams ---


async def own_sync(req: SyncRequest, c: TerminalCaller) -> SyncRequest:
    if req.terminal != c.terminal:
        raise Forbidden("a terminal syncs its own outbox with its own token")
    return req


async def store_stream(code: str, c: Caller) -> str:
    if c.kind != "admin" and c.store_code != code:
        raise Forbidden("a token sees its own store's events only")
    return code


OwnSync = Annotated[SyncRequest, Depends(own_sync)]
StoreStream = Annotated[str, Depends(store_stream)]
