"""Reports for the owner (admin token)."""

from __future__ import annotations

from fastapi import APIRouter

from loyalty_gst.api.deps import Admin, Svc
from loyalty_gst.api.schemas import OverdraftLine
from loyalty_gst.service.offline import overdrafts

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get("/overdrafts", response_model=list[OverdraftLine])
def overdraft_report(c: Admin, svc: Svc) -> list[OverdraftLine]:
    return overdrafts(svc.store)
