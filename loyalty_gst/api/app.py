"""The channel API (FastAPI) over the service: stores' terminals, the web shop and the app.

Every route is under /v1 and every error is a JSON problem with a stable `code`. Each
call is authenticated by its token (terminal, channel or admin) and scoped to the
token's store and GSTIN registration. Tax is never computed here: quote and commit
price the sale through `program.apply_caps` + `gst.compute` inside the service, from
the sale and the points asked for — never from an invoice a client sends.
"""

import datetime as dt
import logging
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from loyalty_gst import __version__, gst, identity, service
from loyalty_gst import program as pg
from loyalty_gst.api import presence, tokens
from loyalty_gst.api.live import Broadcaster
from loyalty_gst.api.schemas import (
    AccountSnapshot,
    AppCode,
    AppCodeRequest,
    CommitRequest,
    Health,
    HistoryEntry,
    HistoryResponse,
    LookupRequest,
    LookupResponse,
    LotOut,
    OtpChallenge,
    OtpRequest,
    OverdraftLine,
    PresenceProof,
    Problem,
    ProgramResponse,
    QuoteRequest,
    QuoteResponse,
    ReturnRequest,
    SyncRequest,
    SyncResponse,
    TokenIssued,
    TokenRequest,
    TokenView,
)
from loyalty_gst.errors import (
    Forbidden,
    InvalidInput,
    LoyaltyGstError,
    NotFound,
    PresenceRequired,
    UnknownCustomer,
)
from loyalty_gst.models import Loyalty, Sale
from loyalty_gst.notify import Notifier, WhatsAppConfig, config_from_env
from loyalty_gst.service.common import IST
from loyalty_gst.service.offline import EventResult, apply_event, overdrafts
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import entries as ent
from loyalty_gst.store.accounts import Account
from loyalty_gst.validation import check_sale

log = logging.getLogger("loyalty_gst.api")

STATUS = {
    "validation_error": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "unknown_customer": 404,
    "unknown_document": 404,
    "insufficient_points": 409,
    "hold_expired": 409,
    "duplicate_document": 409,
    "conflict": 409,
    "account_merged": 409,
    "approval_required": 409,
    "velocity_limit": 429,
    "presence_required": 403,
    "presence_invalid": 403,
    "otp_attempts_exceeded": 429,
    "otp_rate_limited": 429,
    "invoice_mismatch": 422,
    "ledger_error": 422,
}
PROBLEM_TYPE = "https://loyalty-gst.invalid/problems/"
_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {**_PROBLEM, "description": text}
    for code, text in (
        (400, "The body is not JSON"),
        (401, "No valid token"),
        (403, "Not allowed for this token, or the customer's presence is not proven"),
        (404, "Unknown customer or document"),
        (409, "The ledger refuses it (insufficient points, expired hold, duplicate …)"),
        (422, "Invalid input, with the field paths"),
        (429, "A limit was reached"),
        (500, "Server error"),
    )
}


def _problem(
    status: int, code: str, detail: str | None, errors: list[Any] | None = None
) -> Response:
    body = Problem(
        type=PROBLEM_TYPE + code,
        title=code.replace("_", " ").capitalize(),
        status=status,
        code=code,
        detail=detail,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type="application/problem+json",
    )


DOC_FIELDS = ("invoice", "note", "event", "terminal", "hold", "hold_key")


def _own_docs(body: dict[str, Any], c: tokens.Caller) -> dict[str, Any]:
    """A customer's history is theirs across stores, but another registration's documents
    are not this caller's to read: their numbers are withheld (admins see everything)."""
    if c.kind == "admin":
        return body
    theirs = str(body.get("invoice", "")).split(":", 1)[0]
    if not theirs or theirs == c.gstin:
        return body
    return {k: ("(another registration)" if k in DOC_FIELDS else v) for k, v in body.items()}


def _json(model: Any) -> Response:
    """The model's own JSON, once: the route's declared response_model documents it, and
    FastAPI does not validate it a second time (the hot paths: commit, lookup)."""
    return Response(model.model_dump_json(), media_type="application/json")


def create_app(
    url: str | None = None,
    *,
    store: Store | None = None,
    program: pg.ProgramBook | None = None,
    whatsapp: WhatsAppConfig | None = None,
) -> FastAPI:
    st = store or open_store(url)
    book = program or pg.load()
    notifier = Notifier(st, whatsapp)
    live = Broadcaster()
    key = presence.signing_key(st)
    public_pem = presence.public_pem(key)
    bearer = HTTPBearer(auto_error=False, description="lgst_<id>_<secret>")

    app = FastAPI(
        title="loyalty-gst channel API",
        version=__version__,
        description="One loyalty ledger for stores, web and app; points as pre-tax discounts.",
        responses=ERRORS,
    )
    app.state.store = st
    app.state.live = live
    app.state.notifier = notifier

    # --- errors: every one a problem ---

    @app.exception_handler(LoyaltyGstError)
    async def _domain(request: Request, exc: LoyaltyGstError) -> Response:
        errors = None
        if isinstance(exc, InvalidInput):
            errors = [{"loc": ["body", *p.field.split(".")], "msg": p.rule} for p in exc.problems]
        return _problem(STATUS.get(exc.code, 400), exc.code, str(exc)[:500], errors)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return _problem(422, "validation_error", f"{len(errors)} problem(s) in the request", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        reply = _problem(exc.status_code, code, str(exc.detail))
        reply.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not just the first route's
            allowed = set()
            for route in app.routes:
                match, _ = route.matches(request.scope)
                if match != Match.NONE:
                    allowed |= set(getattr(route, "methods", None) or ())
            reply.headers["Allow"] = ", ".join(sorted(allowed))
        return reply

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # the type only: an exception's text may hold a customer's data
        log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
        return _problem(500, "internal_error", "internal error")

    # --- who is calling ---

    def caller(
        cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> tokens.Caller:
        header = f"Bearer {cred.credentials}" if cred else None
        return tokens.authenticate(st, header)

    Caller = Annotated[tokens.Caller, Depends(caller)]

    def selling(c: tokens.Caller) -> None:
        if c.kind not in ("terminal", "channel"):
            raise Forbidden("only a terminal or a channel token sells")

    def admin(c: tokens.Caller) -> None:
        if c.kind != "admin":
            raise Forbidden("an admin token is needed")

    def own_sale(c: tokens.Caller, sale: Sale, points: int) -> Sale:
        """The sale as this caller may post it: its store and GSTIN only, GST-checked,
        the channel the token's; `points` asked for."""
        selling(c)
        if sale.seller.gstin != c.gstin:
            raise Forbidden(f"this token sells for {c.store_code} ({c.gstin}) only")
        if sale.store not in (None, c.store_code):
            raise Forbidden(f"this token sells for store {c.store_code} only")
        problems = check_sale(sale)
        if problems:
            raise InvalidInput(problems)
        prog = book.active(sale.date)
        loyalty = Loyalty(points=points, point_value=prog.point_value) if points else None
        return sale.model_copy(
            update={"store": c.store_code, "channel": c.channel, "loyalty": loyalty}
        )

    def account_of(phone: str | None) -> Account:
        if not phone:
            raise UnknownCustomer("points can only be redeemed by a known customer")
        with st.engine.connect() as conn:
            return identity.resolve(conn, phone=phone)

    def prove(proof: PresenceProof | None, phone: str | None) -> None:
        """The customer is present: a valid OTP or app code for this account."""
        a = account_of(phone)
        assert phone is not None
        now = dt.datetime.now(dt.UTC)
        if proof is None or not (proof.app_code or (proof.challenge_id and proof.otp)):
            raise PresenceRequired("redeeming points needs an OTP or the app's code")
        if proof.app_code:
            presence.use_app_code(st, proof.app_code, phone=phone, account_id=a.id)
        else:
            presence.check_otp(
                st,
                challenge_id=proof.challenge_id or "",
                code=proof.otp or "",
                account_id=a.id,
                now=now,
            )

    def announce(c: tokens.Caller, account_id: int | None, balance: int | None, kind: str) -> None:
        if account_id is not None:
            live.publish(
                c.store_code,
                {"account_id": account_id, "balance": balance, "store": c.store_code, "kind": kind},
            )

    # --- routes ---

    @app.get("/v1/health", response_model=Health, tags=["meta"])
    def health() -> Health:
        with st.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return Health(status="ok", database="ok", version=__version__)

    @app.get("/v1/program", response_model=ProgramResponse, tags=["meta"])
    def program_(c: Caller) -> ProgramResponse:
        today = dt.datetime.now(IST).date()
        prog = book.active(today)
        return ProgramResponse(
            version=prog.version,
            effective=prog.effective,
            program=prog.model_dump(mode="json"),
            presence_public_key=public_pem,
        )

    @app.post("/v1/customers/lookup", response_model=LookupResponse, tags=["customers"])
    def lookup(req: LookupRequest, c: Caller) -> Response:
        today = dt.datetime.now(IST).date()
        b = service.lookup(st, req.mobile, on=today)
        lots = [LotOut(points=lt.points, expires_on=lt.expires_on) for lt in b.lots]
        soon = [lt for lt in lots if lt.points and lt.expires_on <= today + dt.timedelta(days=30)]
        return _json(
            LookupResponse(
                account_id=b.account_id,
                mobile=b.mobile,
                tier=b.tier,
                balance=b.balance,
                available=b.available,
                held=b.held,
                overdraft=b.overdraft,
                lots=lots,
                expiring_soon=soon,
            )
        )

    @app.get(
        "/v1/accounts/{account_id}/history", response_model=HistoryResponse, tags=["customers"]
    )
    def history(
        account_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        c: Caller,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> HistoryResponse:
        with st.engine.connect() as conn:
            try:
                a = identity.resolve(conn, account_id=account_id)
            except UnknownCustomer as exc:
                raise NotFound(str(exc)) from None
            rows = ent.entries_of(conn, a.id)[-limit:]
        return HistoryResponse(
            account_id=a.id,
            entries=[
                HistoryEntry(
                    seq=e.seq, kind=e.kind, points=e.points, at=e.at, body=_own_docs(e.body, c)
                )
                for e in rows
            ],
        )

    @app.post("/v1/presence/otp", response_model=OtpChallenge, tags=["presence"])
    def otp(req: OtpRequest, c: Caller) -> OtpChallenge:
        selling(c)
        a = account_of(req.mobile)
        phone = identity.normal_mobile(req.mobile)
        challenge, code, until = presence.new_otp(
            st, account_id=a.id, phone=phone, now=dt.datetime.now(dt.UTC)
        )
        notifier.otp(phone, code)
        return OtpChallenge(challenge_id=challenge, expires_at=until)

    @app.post("/v1/presence/app-code", response_model=AppCode, tags=["presence"])
    def app_code(req: AppCodeRequest, c: Caller) -> AppCode:
        if c.kind != "channel" or c.channel != "app":
            raise Forbidden("app codes are issued to the customer's app only")
        a = account_of(req.mobile)
        code, exp = presence.app_code(
            key, account_id=a.id, phone=identity.normal_mobile(req.mobile), now=time.time()
        )
        return AppCode(code=code, expires_at=dt.datetime.fromtimestamp(exp, dt.UTC).isoformat())

    @app.post("/v1/quote", response_model=QuoteResponse, tags=["sales"])
    def quote(req: QuoteRequest, c: Caller) -> QuoteResponse:
        sale = own_sale(c, req.sale, req.points)
        if req.points:
            prove(req.presence, sale.customer)
        q = service.quote(st, sale, req.points, program=book)
        return QuoteResponse(
            invoice=q.invoice, account_id=q.account_id, hold_key=q.hold_key, hold_until=q.hold_until
        )

    @app.post("/v1/commit", response_model=service.Committed, tags=["sales"])
    def commit(req: CommitRequest, c: Caller) -> Response:
        sale = own_sale(c, req.sale, req.points)
        if req.hold_key:
            prog = book.active(sale.date)
            invoice = gst.compute(pg.apply_caps(sale, prog, req.points))
            source: Sale | service.Quote = service.Quote(invoice=invoice, hold_key=req.hold_key)
        else:
            source = sale
            if req.points and not _replay(req.key):
                prove(req.presence, sale.customer)
        done = service.commit(st, source, key=req.key, program=book)
        if not done.replayed:
            announce(c, done.account_id, done.balance, "commit")
        return _json(done)

    def _replay(key: str) -> bool:
        with st.engine.connect() as conn:
            return ent.get_request_kind(conn, key) is not None

    @app.post("/v1/returns", response_model=service.Returned, tags=["sales"])
    def returns(req: ReturnRequest, c: Caller) -> service.Returned:
        selling(c)
        assert c.gstin is not None
        done = service.return_(
            st,
            invoice_number=req.invoice_number,
            seller_gstin=c.gstin,
            number=req.number,
            date=req.date,
            key=req.key,
            returns=req.lines,
            program=book,
        )
        if not done.replayed:
            announce(c, done.account_id, done.balance, "return")
        return done

    @app.post("/v1/sync", response_model=SyncResponse, tags=["terminals"])
    def sync(req: SyncRequest, c: Caller) -> SyncResponse:
        if c.kind != "terminal" or req.terminal != c.terminal:
            raise Forbidden("a terminal syncs its own outbox with its own token")
        assert c.gstin and c.store_code and c.terminal
        results: list[EventResult] = []
        for ev in sorted(req.events, key=lambda e: e.seq):
            if not ev.event_id.startswith(f"{c.terminal}:"):
                results.append(
                    EventResult(
                        event_id=ev.event_id,
                        status="rejected",
                        code="forbidden",
                        detail="an event id starts with its terminal's name",
                    )
                )
                continue
            r = apply_event(
                st, ev, gstin=c.gstin, store_code=c.store_code, terminal=c.terminal, program=book
            )
            results.append(r)
            if r.status == "applied":
                announce(c, r.account_id, r.balance, "sync")
        today = dt.datetime.now(IST).date()
        ids = sorted({r.account_id for r in results if r.account_id is not None})
        accounts = []
        for i in ids:
            b = service.balance_of(st, i, on=today)
            accounts.append(
                AccountSnapshot(
                    account_id=i,
                    balance=b.balance,
                    available=b.available,
                    overdraft=b.overdraft,
                    tier=b.tier,
                    lots=[LotOut(points=lt.points, expires_on=lt.expires_on) for lt in b.lots],
                )
            )
        return SyncResponse(results=results, accounts=accounts)

    @app.get(
        "/v1/reports/overdrafts",
        response_model=list[OverdraftLine],
        tags=["reports"],
    )
    def overdraft_report(c: Caller) -> list[OverdraftLine]:
        admin(c)
        return overdrafts(st)

    @app.get(
        "/v1/stores/{code}/events",
        tags=["live"],
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}, "description": "SSE"}},
    )
    def events(code: str, c: Caller) -> StreamingResponse:
        if c.kind != "admin" and c.store_code != code:
            raise Forbidden("a token sees its own store's events only")
        return StreamingResponse(live.stream(code), media_type="text/event-stream")

    @app.post("/v1/tokens", response_model=TokenIssued, tags=["admin"])
    def new_token(req: TokenRequest, c: Caller) -> TokenIssued:
        admin(c)
        t = tokens.issue(st, kind=req.kind, store_code=req.store, terminal=req.terminal)
        return TokenIssued(
            id=t.id,
            kind=t.kind,
            store=t.store_code,
            gstin=t.gstin,
            terminal=t.terminal,
            created_at=dt.datetime.now(dt.UTC).isoformat(),
            revoked_at=None,
            token=t.token,
        )

    @app.get("/v1/tokens", response_model=list[TokenView], tags=["admin"])
    def list_tokens(c: Caller) -> list[TokenView]:
        admin(c)
        return [
            TokenView(
                id=r.id,
                kind=r.kind,
                store=r.store_code,
                gstin=r.gstin,
                terminal=r.terminal,
                created_at=r.created_at,
                revoked_at=r.revoked_at,
            )
            for r in tokens.listing(st)
        ]

    @app.delete("/v1/tokens/{token_id}", status_code=204, tags=["admin"])
    def revoke_token(token_id: str, c: Caller) -> Response:
        admin(c)
        if not tokens.revoke(st, token_id):
            raise NotFound("no such live token")
        return Response(status_code=204)

    return app


def from_env() -> FastAPI:
    """The app of one worker process of `loyalty-gst serve --workers N` ($LOYALTY_GST_DB;
    WhatsApp from $LOYALTY_GST_WHATSAPP_*)."""
    import os

    return create_app(os.environ.get("LOYALTY_GST_DB"), whatsapp=config_from_env())
