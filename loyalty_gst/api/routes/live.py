"""A store's live balance changes as server-sent events (its own store, or any for admin)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from loyalty_gst.api.deps import StoreStream, Svc

router = APIRouter(prefix="/v1", tags=["live"])


@router.get(
    "/stores/{code}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE"}},
)
def events(code: StoreStream, svc: Svc) -> StreamingResponse:
    return StreamingResponse(svc.live.stream(code), media_type="text/event-stream")
