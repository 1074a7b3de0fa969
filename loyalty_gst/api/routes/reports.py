"""Reports for the owner and the auditors (admin token): offline overdrafts, the
loyalty-discount register and the analytics charts."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from loyalty_gst.api.deps import Admin, Services, Svc
from loyalty_gst.api.schemas import OverdraftLine, Refusal
from loyalty_gst.reports.columns import as_json
from loyalty_gst.reports.period import Span, span_of
from loyalty_gst.reports.register import Register, scope, write_register
from loyalty_gst.reports.register_table import COLUMNS
from loyalty_gst.reports.totals import FIELDS
from loyalty_gst.service.offline import overdrafts, refusals

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get("/overdrafts", response_model=list[OverdraftLine])
def overdraft_report(c: Admin, svc: Svc) -> list[OverdraftLine]:
    return overdrafts(svc.store)


@router.get("/register")
def register(
    c: Admin,
    svc: Svc,
    period: Annotated[str | None, Query(pattern=r"^\d{6}$", description="MMYYYY")] = None,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    gstin: Annotated[str | None, Query(max_length=15)] = None,
    store: Annotated[str | None, Query(max_length=32)] = None,
    format: Annotated[Literal["json", "csv", "xlsx", "pdf"], Query()] = "json",
) -> Response:
    """The loyalty-discount register of a period (the figures `loyalty-gst report register`
    and the ERPNext Script Report show): JSON rows and totals, or the CSV / XLSX / PDF."""
    span = span_of(period=period, start=start, end=end, gstin=gstin, store=store)
    if format != "json":
        return _file(svc, span, format)
    reg = Register(svc.store, span)
    names = [col.name for col in COLUMNS]
    rows = [
        {n: as_json(col.kind, v) for n, col, v in zip(names, COLUMNS, r, strict=True)}
        for r in reg.rows()
    ]
    by = {
        group: {k: _figures(f) for k, f in keys.items()}
        for group, keys in reg.totals.groups.items()
    }
    body = {
        "scope": scope(span),
        "documents": reg.documents,
        "cancelled_left_out": reg.cancelled,
        "rows": rows,
        "totals": _figures(reg.totals.overall),
        "by": by,
    }
    return JSONResponse(body)


def _figures(figures: list[int]) -> dict[str, object]:
    """documents and points as numbers, money as text with 2 decimals."""
    return {
        name: as_json("int" if i < 2 else "money", v)
        for i, (name, v) in enumerate(zip(FIELDS, figures, strict=True))
    }


MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _file(svc: Services, span: Span, kind: str) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="lgst_register_"))
    path = folder / f"register.{kind}"
    write_register(svc.store, span, str(path))
    return FileResponse(
        path, media_type=MEDIA[kind], filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )  # fmt: skip


CHARTS = {"points": "points_by_month", "gst_foregone": "gst_foregone_by_store",
          "cohorts": "cohort_repeat"}  # fmt: skip


@router.get("/analytics/{chart}.png", response_class=Response)
def analytics_chart(
    c: Admin,
    svc: Svc,
    chart: Annotated[Literal["points", "gst_foregone", "cohorts"], PathParam()],
    period: Annotated[str | None, Query(pattern=r"^\d{6}$", description="MMYYYY")] = None,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    gstin: Annotated[str | None, Query(max_length=15)] = None,
    store: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """An analytics chart of the period as PNG (the same as `report analytics` draws)."""
    from loyalty_gst.reports import charts
    from loyalty_gst.reports.analytics_report import analytics

    span = span_of(period=period, start=start, end=end, gstin=gstin, store=store)
    result = analytics(svc.store, span)
    folder = Path(tempfile.mkdtemp(prefix="lgst_chart_"))
    try:
        png = getattr(charts, CHARTS[chart])(result, folder / f"{chart}.png")
        return Response(png.read_bytes(), media_type="image/png")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get("/refusals", response_model=list[Refusal])
def refusal_report(c: Admin, svc: Svc) -> list[Refusal]:
    """Every till event the ledger refused (offline allowance, presence, scope …)."""
    return [Refusal(**r) for r in refusals(svc.store)]
