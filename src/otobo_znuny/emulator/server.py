"""Serve an :class:`Emulator` over real HTTP with uvicorn (blocking, or in a background thread)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from otobo_znuny.emulator.asgi import make_app
from otobo_znuny.emulator.core import Emulator

DEFAULT_SCRIPT = "/otrs/nph-genericinterface.pl"


@dataclass
class ServerHandle:
    """A running background server: ``base_url`` is ``http://host:port`` (no path)."""

    base_url: str
    host: str
    port: int
    emulator: Emulator

    @property
    def genericinterface_url(self) -> str:
        """``<base_url>/otrs/nph-genericinterface.pl`` (append ``/Webservice/<name>/...``)."""
        return self.base_url + DEFAULT_SCRIPT


def _config(emulator: Emulator, host: str, port: int, log_level: str) -> Any:
    import uvicorn

    return uvicorn.Config(
        make_app(emulator),
        host=host,
        port=port,
        http="h11",
        lifespan="off",
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=5,
    )


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    seed: str = "demo",
    db: str | Path | None = None,
    *,
    emulator: Emulator | None = None,
    log_level: str = "info",
) -> None:
    """Run the emulator until interrupted (blocking). Requires ``uvicorn``.

    ``db``: a SQLite file; the state is loaded from it if present and saved after every write.
    Raises ``ValueError`` for an unknown seed, ``StateFileError`` (a ``ValueError``) for a ``db``
    file that is not an emulator state of this version, ``ImportError`` without uvicorn.
    """
    import uvicorn

    emu = emulator if emulator is not None else Emulator.from_seed(seed, db=db)
    try:
        uvicorn.Server(_config(emu, host, port, log_level)).run()
    finally:
        if emulator is None:
            emu.close()


@contextmanager
def run_in_thread(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "critical"
) -> Iterator[ServerHandle]:
    """Start uvicorn in a daemon thread (``port=0``: a free port) and stop it on exit.

    Raises ``RuntimeError`` if the server does not start within 10 seconds.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(emulator, host, actual_port, log_level))
    # uvicorn installs signal handlers only in the main thread
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("emulator server did not start")
        time.sleep(0.01)
    try:
        yield ServerHandle(f"http://{host}:{actual_port}", host, actual_port, emulator)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
