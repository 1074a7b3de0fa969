"""Quote, commit and return: priced by the service from the sale and the points asked
for (`program.apply_caps` + `gst.compute`), never from an invoice a client sends."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from loyalty_gst import gst, service
from loyalty_gst import program as pg
from loyalty_gst.api import approvals
from loyalty_gst.api.deps import CommittedSale, QuotedSale, Seller, Svc, scoped_key
from loyalty_gst.api.responses import as_json
from loyalty_gst.api.schemas import QuoteResponse, ReturnRequest
from loyalty_gst.models import Sale
from loyalty_gst.notify import messages

router = APIRouter(prefix="/v1", tags=["sales"])


@router.post("/quote", response_model=QuoteResponse)
def quote(p: QuotedSale, svc: Svc) -> QuoteResponse:
    approver = approvals.approver_for(svc.store, p.caller, p.sale, p.req.points)
    q = service.quote(svc.store, p.sale, p.req.points, program=svc.book, approver=approver)
    return QuoteResponse(
        invoice=q.invoice, account_id=q.account_id, hold_key=q.hold_key, hold_until=q.hold_until
    )


@router.post("/commit", response_model=service.Committed)
def commit(p: CommittedSale, svc: Svc) -> Response:
    req = p.req
    source: Sale | service.Quote = p.sale
    if req.hold_key:
        prog = svc.book.active(p.sale.date)
        invoice = gst.compute(pg.apply_caps(p.sale, prog, req.points))
        source = service.Quote(invoice=invoice, hold_key=req.hold_key)
    done = service.commit(svc.store, source, key=p.key, program=svc.book)
    if not done.replayed:
        svc.announce(p.caller, done.account_id, done.balance, "commit", done.invoice)
        svc.after.submit(lambda: messages.after_sale(svc.notifier, done))
    return as_json(done)


@router.post("/returns", response_model=service.Returned)
def returns(req: ReturnRequest, c: Seller, svc: Svc) -> service.Returned:
    assert c.gstin is not None
    done = service.return_(
        svc.store,
        invoice_number=req.invoice_number,
        seller_gstin=c.gstin,
        number=req.number,
        date=req.date,
        key=scoped_key(c, req.key),
        returns=req.lines,
        program=svc.book,
        store_code=c.store_code,
    )
    if not done.replayed:
        svc.announce(c, done.account_id, done.balance, "return", done.note)
        svc.after.submit(lambda: messages.after_return(svc.notifier, done))
    return done
