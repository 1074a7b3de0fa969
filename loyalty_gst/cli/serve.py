"""`loyalty-gst serve`: the channel API (FastAPI on uvicorn) on the store at --db
(SQLite by default; PostgreSQL/MariaDB with a DSN), migrated on start.

Live streams are shared by every process and node: through Redis pub/sub with --redis
URL (or $LOYALTY_GST_REDIS), else through PostgreSQL LISTEN/NOTIFY; on SQLite one process
serves them.

With --workers N (N > 1) each worker process listens on the port through a socket of its
own (SO_REUSEPORT: the kernel spreads the connections evenly; `api.workers`).

WhatsApp (for OTPs) comes from $LOYALTY_GST_WHATSAPP_URL, _PHONE_ID and _TOKEN; without
them OTP messages stay queued in the notifier's outbox.
"""

from __future__ import annotations

import os

import click

from loyalty_gst.store import default_url


@click.command()
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, type=int)
@click.option("--access-log/--no-access-log", default=True, show_default=True)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Server processes [default: the cores on PostgreSQL, where live streams are "
    "shared (LISTEN/NOTIFY); 1 on SQLite and MariaDB].",
)
@click.option(
    "--redis",
    "redis",
    default=None,
    metavar="URL",
    help="Redis for the live streams (redis://host:6379/0) [default: $LOYALTY_GST_REDIS, "
    "else the database's LISTEN/NOTIFY].",
)
def serve(
    url: str | None,
    host: str,
    port: int,
    access_log: bool,
    workers: int | None,
    redis: str | None,
) -> None:
    """Serve the /v1 API for terminals, the web shop and the app."""
    import uvicorn

    if redis is not None and not redis.startswith(("redis://", "rediss://", "unix://")):
        raise click.BadParameter("a redis://, rediss:// or unix:// URL", param_hint="--redis")

    from loyalty_gst.store.engine import kind_of

    if workers is None:
        shared = kind_of(url or default_url()) == "postgresql"
        workers = (os.cpu_count() or 1) if shared else 1

    from loyalty_gst.api.app import create_app
    from loyalty_gst.notify import config_from_env

    wa = config_from_env()
    click.echo(f"loyalty-gst API on http://{host}:{port}/v1 (OpenAPI: /openapi.json)", err=True)
    if workers > 1:
        from loyalty_gst.store import open_store

        open_store(url).dispose()  # migrate once, before the workers start
        os.environ["LOYALTY_GST_DB"] = url or default_url()
        if redis:
            os.environ["LOYALTY_GST_REDIS"] = redis
        from loyalty_gst.api.workers import PortTaken, supervise

        try:
            supervise(workers, host, port, access_log=access_log)
        except PortTaken as exc:
            raise click.ClickException(f"{exc.strerror}: is another server running?") from None
        return
    app = create_app(url, whatsapp=wa, redis=redis)
    from loyalty_gst.api.workers import settle_heap

    settle_heap()
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info")
