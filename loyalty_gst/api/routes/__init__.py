"""The API's routers, one per resource; each route's permission is a dependency from
`loyalty_gst.api.deps` in its signature."""

from __future__ import annotations

from fastapi import APIRouter

from loyalty_gst.api.routes import (
    catalogue,
    customers,
    documents,
    live,
    members,
    meta,
    presence,
    reports,
    sales,
    terminals,
    tokens,
)

ROUTERS: tuple[APIRouter, ...] = (
    meta.router,
    customers.router,
    presence.router,
    members.router,
    sales.router,
    terminals.router,
    reports.router,
    documents.router,
    live.router,
    tokens.router,
    catalogue.router,
)
