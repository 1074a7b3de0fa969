"""Live streams shared through PostgreSQL: NOTIFY lgst_live, a batch of events in one
statement on the store's pooled connections; LISTEN on one connection of its own while a
stream is open in this process (the payload limit, 8000 bytes, is far above an event)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sqlalchemy as sa

from loyalty_gst.api.live import Relay

CHANNEL = "lgst_live"
_NOTIFY = sa.text("SELECT pg_notify(:c, p) FROM unnest(CAST(:ps AS text[])) AS p")


class SharedBroadcaster(Relay):
    """Every process and node over one PostgreSQL sees every commit."""

    CHANNEL = CHANNEL

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__()
        self._engine = engine
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def send(self, payloads: list[str]) -> None:
        with self._engine.begin() as conn:
            conn.execute(_NOTIFY, {"c": CHANNEL, "ps": payloads})

    def listen(self, open_: Callable[[], bool]) -> Iterator[str]:
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            while open_():
                for n in conn.notifies(timeout=1.0):
                    yield n.payload
