"""A stored document as PDF: GET /v1/documents/{number}.pdf (A4 or the 80 mm receipt).

The number may hold '/', sent as is or as %2F. A terminal or channel token reads its own
registration's and its own store's documents only; an admin token any (naming the
registration with ?gstin= where two registrations used the same number).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from loyalty_gst.api.deps import Caller, Svc
from loyalty_gst.errors import Forbidden
from loyalty_gst.printing import render
from loyalty_gst.printing.particulars import parse_copies
from loyalty_gst.service.documents import print_job

router = APIRouter(prefix="/v1/documents", tags=["documents"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "The document as PDF"}}


@router.get("/{number:path}.pdf", response_class=Response, responses=PDF)
def document_pdf(
    number: Annotated[str, Path(min_length=1, max_length=32)],
    c: Caller,
    svc: Svc,
    format: Annotated[Literal["a4", "receipt"], Query()] = "a4",
    copies: Annotated[str | None, Query(max_length=40, description="1-3 or names")] = None,
    gstin: Annotated[str | None, Query(min_length=15, max_length=15)] = None,
) -> Response:
    if c.kind == "admin":
        scope_gstin, scope_store = gstin, None
    elif c.kind in ("terminal", "channel") and c.gstin:
        if gstin and gstin.upper() != c.gstin:
            raise Forbidden(f"this token reads documents of {c.gstin} only")
        scope_gstin, scope_store = c.gstin, c.store_code
    else:
        raise Forbidden("this token reads no documents")
    job = print_job(
        svc.store, number, gstin=scope_gstin, store_code=scope_store, copies=parse_copies(copies)
    )
    name = number.replace("/", "_")
    return Response(
        render(job, format),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )
