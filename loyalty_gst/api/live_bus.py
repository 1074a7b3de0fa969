"""Which fan-out a server process uses for its live streams."""

from __future__ import annotations

import os

import sqlalchemy as sa

from loyalty_gst.api.live import Broadcaster

REDIS_ENV = "LOYALTY_GST_REDIS"


def redis_url(given: str | None = None) -> str | None:
    """The Redis URL for live streams: given (`serve --redis`), else $LOYALTY_GST_REDIS."""
    return given or os.environ.get(REDIS_ENV) or None


def broadcaster(engine: sa.Engine, redis: str | None = None) -> Broadcaster:
    """Redis pub/sub when configured; else shared through PostgreSQL (LISTEN/NOTIFY);
    in-process on SQLite (one process) and MariaDB (no NOTIFY: one process per node there,
    or Redis)."""
    url = redis_url(redis)
    if url:
        from loyalty_gst.api.live_redis import RedisBroadcaster

        return RedisBroadcaster(url, engine.url.database or "-")
    if engine.dialect.name == "postgresql":
        from loyalty_gst.api.live_pg import SharedBroadcaster

        return SharedBroadcaster(engine)
    return Broadcaster()
