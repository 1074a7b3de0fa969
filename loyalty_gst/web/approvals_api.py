"""Held redemptions over HTTP: a till asks, the owner (admin token) decides."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from loyalty_gst.api import approvals
from loyalty_gst.web import auth

router = APIRouter(prefix="/v1/approvals", tags=["approvals"])
ApprovalId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ApprovalAsk(BaseModel):
    invoice_number: str = Field(min_length=1, max_length=32)
    mobile: str = Field(min_length=10, max_length=20)
    points: int = Field(gt=0, le=10_000_000)
    total: str = Field(default="", max_length=20)


@router.post("")
def ask(req: ApprovalAsk, c: auth.Till, request: Request) -> dict[str, Any]:
    st = auth.store_of(request)
    i = approvals.ask(
        st, c, number=req.invoice_number, mobile=req.mobile, points=req.points, total=req.total
    )
    return approvals.get(st, c, i)


@router.get("")
def listing(
    c: auth.Admin,
    request: Request,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    return approvals.listing(auth.store_of(request), status)


@router.get("/{approval_id}")
def one(approval_id: ApprovalId, c: auth.Caller, request: Request) -> dict[str, Any]:
    return approvals.get(auth.store_of(request), c, approval_id)


@router.post("/{approval_id}/approve")
def approve(approval_id: ApprovalId, c: auth.Admin, request: Request) -> dict[str, Any]:
    return approvals.decide(
        auth.store_of(request), approval_id, approve=True, approver=f"admin:{c.id}"
    )


@router.post("/{approval_id}/reject")
def reject(approval_id: ApprovalId, c: auth.Admin, request: Request) -> dict[str, Any]:
    return approvals.decide(
        auth.store_of(request), approval_id, approve=False, approver=f"admin:{c.id}"
    )
