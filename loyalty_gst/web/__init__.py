"""The browser side of `loyalty-gst serve`: the sign-in page, the billing desk, the
member's page, the owner's dashboard and /docs — Jinja2 pages with plain scripts, every
asset shipped in this package (nothing from a CDN), a CSP on every answer."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from loyalty_gst.web import (
    approvals_api,
    dashboard_api,
    desk_api,
    member_api,
    pages,
    webhook_api,
)
from loyalty_gst.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"
DOC_PATHS = {"/docs", "/docs/oauth2-redirect", "/redoc"}


def install(app: FastAPI) -> None:
    """Add the pages and their endpoints to the API app (whose state holds the store,
    the program book, the presence key, the notifier and the live broadcaster)."""
    app.router.routes[:] = [
        r for r in app.router.routes if getattr(r, "path", None) not in DOC_PATHS
    ]  # FastAPI's own /docs load Swagger UI from a CDN
    app.docs_url = app.redoc_url = None
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in (
        pages.router,
        member_api.router,
        desk_api.router,
        dashboard_api.router,
        webhook_api.router,
        approvals_api.router,
    ):
        app.include_router(router)
    app.add_middleware(SecurityHeaders)
    notifier = app.state.notifier
    app.router.on_startup.append(notifier.start)
    app.router.on_shutdown.append(notifier.stop)
