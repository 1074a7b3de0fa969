"""`serve --workers N`: N server processes, each listening on the same port through a
socket of its own (SO_REUSEPORT), so the kernel spreads connections over them by their
addresses. uvicorn's own workers share one socket: the process that wakes first accepts
a whole burst of connections (measured here with 50 tills: 4 to 1, one worker at its
limit while the other waited).

The supervisor starts another worker when one dies, and stops them all on SIGTERM or
SIGINT; a worker dies with its supervisor (kill -9 of the node is the whole node)."""

from __future__ import annotations

import ctypes
import errno
import gc
import logging
import multiprocessing as mp
import os
import signal
import socket
import sys
import threading
from multiprocessing.process import BaseProcess

log = logging.getLogger("loyalty_gst.serve")

_PR_SET_PDEATHSIG = 1


class PortTaken(OSError):
    pass


def listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A TCP socket bound to host:port; `shared`: one of a SO_REUSEPORT group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortTaken(exc.errno, f"{host}:{port} is already in use") from None
        raise
    return sock


def supervise(workers: int, host: str, port: int, *, access_log: bool) -> None:
    """Run `workers` processes of the app (`api.app:from_env`) on host:port until told
    to stop. A port another server holds is refused before any worker starts (a plain
    bind fails where a SO_REUSEPORT group, or anything else, listens)."""
    listening_socket(host, port, shared=False).close()
    ctx = mp.get_context("spawn")
    stop = threading.Event()
    procs: dict[int, BaseProcess] = {}

    def start(i: int) -> None:
        p = ctx.Process(target=_worker, args=(host, port, access_log), name=f"worker-{i}")
        p.start()
        procs[i] = p

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    for i in range(workers):
        start(i)
    while not stop.wait(0.5):
        for i, p in list(procs.items()):
            if not p.is_alive():
                log.warning("worker %d (pid %s) exited with %s; starting another", i, p.pid,
                            p.exitcode)  # fmt: skip
                start(i)
    for p in procs.values():
        if p.is_alive() and p.pid:
            os.kill(p.pid, signal.SIGTERM)  # uvicorn's graceful shutdown
    for p in procs.values():
        p.join(15)
        if p.is_alive():
            p.kill()
            p.join()


def settle_heap() -> None:
    """Before serving: what start-up made (modules, the app, its schemas, the company)
    moves out of the collector's sight (`gc.freeze`). Full collections walked all of it:
    pauses of 60-150 ms every few seconds in a busy worker, each one stalling every
    request in the process (after the freeze: about 20 ms)."""
    gc.collect()
    gc.freeze()


def _worker(host: str, port: int, access_log: bool) -> None:
    import uvicorn

    from loyalty_gst.api.app import from_env

    _die_with_parent()
    sock = listening_socket(host, port, shared=True)
    app = from_env()
    settle_heap()
    config = uvicorn.Config(app, access_log=access_log, log_level="info", backlog=2048)
    uvicorn.Server(config).run(sockets=[sock])


def _die_with_parent() -> None:
    """SIGKILL when the supervisor dies (Linux: PR_SET_PDEATHSIG), else a watch thread."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the call
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
