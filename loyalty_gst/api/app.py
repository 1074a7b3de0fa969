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
from loyalty_gst.api.after_commit import AfterCommit
from loyalty_gst.api.deps import Services
from loyalty_gst.api.live_bus import broadcaster
from loyalty_gst.api.routes import ROUTERS
from loyalty_gst.notify import Notifier, WhatsAppConfig, config_from_env
from loyalty_gst.store import Store
from loyalty_gst.store.engine import make_engine

# Request threads per server process, and the database connections beside them: one per
# thread, plus the after-commit and live-stream senders and a margin. More threads than
# this only queue at the database and contend for the GIL (measured on 2 cores: 6 threads
# gave 271 commits/s flat out, 12 gave 232); per process the pool is
# bounded (THREADS + 4 + 2 overflow), so workers × nodes stay under PostgreSQL's
# max_connections (100 by default). $LOYALTY_GST_THREADS overrides.
THREADS = int(os.environ.get("LOYALTY_GST_THREADS") or 6)
POOL = THREADS + 4


def open_pooled(url: str | None) -> Store:
    """The store of one server process: its pool sized to the request threads."""
    st = Store(make_engine(url, pool_size=POOL, max_overflow=2))
    st.migrate()
    return st


async def _size_threads() -> None:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS


def create_app(
    url: str | None = None,
    *,
    store: Store | None = None,
    program: pg.ProgramBook | None = None,
    whatsapp: WhatsAppConfig | None = None,
    redis: str | None = None,
) -> FastAPI:
    """`redis`: the live streams' bus (else $LOYALTY_GST_REDIS, else the database's)."""
    st = store or open_pooled(url)
    key = presence.signing_key(st)
    svc = Services(
        store=st,
        program=program,
        notifier=Notifier(st, whatsapp),
        live=broadcaster(st.engine, redis),
        after=AfterCommit(),
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
    app.router.on_startup.append(_size_threads)
    app.router.on_shutdown.append(svc.after.drain)
    app.router.on_shutdown.append(svc.live.close)
    return app


def from_env() -> FastAPI:
    """The app of one worker process of `loyalty-gst serve --workers N` ($LOYALTY_GST_DB;
    WhatsApp from $LOYALTY_GST_WHATSAPP_*; live streams through $LOYALTY_GST_REDIS if set)."""
    return create_app(os.environ.get("LOYALTY_GST_DB"), whatsapp=config_from_env())
