"""What a till or channel sells with: its store (tills, number series), the registration
it bills under, the company's particulars for the receipt, and the items — as set up."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from loyalty_gst import company
from loyalty_gst.api.deps import Seller, Svc
from loyalty_gst.api.schemas import CatalogueResponse

router = APIRouter(prefix="/v1", tags=["meta"])


@router.get("/catalogue", response_model=CatalogueResponse)
def catalogue(c: Seller, svc: Svc) -> CatalogueResponse:
    co = company.current(svc.store)
    assert c.store_code is not None
    items: list[dict[str, Any]] = [it.model_dump(mode="json", exclude_none=True) for it in co.items]
    return CatalogueResponse(
        revision=co.revision,
        store=co.store(c.store_code).model_dump(mode="json", exclude_none=True),
        seller=co.seller(c.store_code).model_dump(mode="json", exclude_none=True),
        company=co.particulars.model_dump(mode="json", exclude_none=True, exclude={"logo"}),
        items=items,
    )
