"""The channel API (`loyalty-gst serve`'s app) on loopback inside the demo's process: a real
uvicorn server on a free port, in a thread, so that it runs on the demo's scripted clock
(one clock for the server, the tills and the web shop)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from loyalty_gst.api.app import create_app
from loyalty_gst.api.testing import free_port


@contextmanager
def serving(url: str, log_path: Path) -> Iterator[str]:
    """The base URL of the API on the store at `url` while the block runs; the app's own
    log lines (never requests, mobiles or tokens) go to `log_path`."""
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    app_log = logging.getLogger("loyalty_gst")
    app_log.addHandler(handler)
    port = free_port()
    app = create_app(url)
    # the demo sends no WhatsApp messages: the notifier's worker stays off, so its rounds
    # never contend with the schedule's writes for the SQLite file
    app.router.on_startup.remove(app.state.notifier.start)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, access_log=False, log_config=None,
        log_level="warning", lifespan="on",
    )  # fmt: skip
    server = uvicorn.Server(config)  # in a thread it leaves the signals to the demo
    thread = threading.Thread(target=server.run, name="demo-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the demo's API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        app_log.removeHandler(handler)
        handler.close()
