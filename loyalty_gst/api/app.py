"""The channel API (FastAPI) over the service: stores' terminals, the web shop and the app.

Every route is under /v1 and every error is a JSON problem with a stable `code`
(`problems`). Each call is authenticated by its token (terminal, channel or admin) and
scoped to the token's store and GSTIN registration by the dependencies of `deps`; the
routes, one router per resource, live in `routes/`. Tax is never computed here: quote and
commit price the sale through `program.apply_caps` + `gst.compute` inside the service,
from the sale and the points asked for — never from an invoice a client sends.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from loyalty_gst import __version__, web
from loyalty_gst import program as pg
from loyalty_gst.api import presence, problems
from loyalty_gst.api.deps import Services
from loyalty_gst.api.live import broadcaster
from loyalty_gst.api.routes import ROUTERS
from loyalty_gst.notify import Notifier, WhatsAppConfig, config_from_env
from loyalty_gst.store import Store, open_store


def create_app(
    url: str | None = None,
    *,
    store: Store | None = None,
    program: pg.ProgramBook | None = None,
    whatsapp: WhatsAppConfig | None = None,
) -> FastAPI:
    st = store or open_store(url)
    key = presence.signing_key(st)
    svc = Services(
        store=st,
        program=program,
        notifier=Notifier(st, whatsapp),
        live=broadcaster(st.engine),
        key=key,
        public_pem=presence.public_pem(key),
    )
    app = FastAPI(
        title="loyalty-gst channel API",
        version=__version__,
        description="One loyalty ledger for stores, web and app; points as pre-tax discounts.",
        responses=problems.ERRORS,
    )
    app.state.services = svc
    app.state.store = st
    app.state.live = svc.live
    app.state.notifier = svc.notifier
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)
    return app


def from_env() -> FastAPI:
    """The app of one worker process of `loyalty-gst serve --workers N` ($LOYALTY_GST_DB;
    WhatsApp from $LOYALTY_GST_WHATSAPP_*)."""
    return create_app(os.environ.get("LOYALTY_GST_DB"), whatsapp=config_from_env())
