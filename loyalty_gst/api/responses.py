"""Answers written once: a route's model serialised by pydantic's own JSON encoder."""

from __future__ import annotations

from fastapi.responses import Response
from pydantic import BaseModel


def as_json(model: BaseModel) -> Response:
    """The model's own JSON, once: the route's declared response_model documents it, and
    FastAPI does not validate it a second time (the hot paths: commit, lookup)."""
    return Response(model.model_dump_json(), media_type="application/json")
