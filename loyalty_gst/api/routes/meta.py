"""Health and the active program (with the public key that checks app codes offline)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from loyalty_gst import __version__
from loyalty_gst.api.deps import Caller, Svc
from loyalty_gst.api.schemas import Health, ProgramResponse
from loyalty_gst.service.common import IST

router = APIRouter(prefix="/v1", tags=["meta"])


@router.get("/health", response_model=Health)
def health(svc: Svc) -> Health:
    with svc.store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return Health(status="ok", database="ok", version=__version__)


@router.get("/program", response_model=ProgramResponse)
def program_(c: Caller, svc: Svc) -> ProgramResponse:
    today = dt.datetime.now(IST).date()
    prog = svc.book.active(today)
    return ProgramResponse(
        version=prog.version,
        effective=prog.effective,
        program=prog.model_dump(mode="json"),
        presence_public_key=svc.public_pem,
    )
