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
from otobo_znuny.emulator.flavors import ZNUNY

DEFAULT_SCRIPT = ZNUNY.default_script
"""The Znuny flavour's ``/otrs/nph-genericinterface.pl`` (``ServerHandle.genericinterface_url`` follows the flavour)."""


@dataclass
class ServerHandle:
    """A running background server: ``base_url`` is ``http://host:port`` (no path)."""

    base_url: str
    host: str
    port: int
    emulator: Emulator

    @property
    def genericinterface_url(self) -> str:
        """``<base_url>/otrs/nph-genericinterface.pl`` (``/otobo/...`` for the OTOBO flavour; append
        ``/Webservice/<name>/...``)."""
        return self.base_url + self.emulator.script_path


_UVICORN_LOGGERS = ("uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def _config(emulator: Emulator, host: str, port: int, *, own_process: bool, log_level: str) -> Any:
    """uvicorn's settings. ``own_process``: uvicorn may configure logging (``serve``); in a thread
    of someone else's process (``run_in_thread``) it leaves logging alone."""
    import uvicorn

    options: dict[str, Any] = (
        {"log_level": log_level, "access_log": False} if own_process else {"log_config": None, "log_level": None}
    )
    return uvicorn.Config(
        make_app(emulator), host=host, port=port, http="h11", lifespan="off", timeout_keep_alive=5, **options
    )


@contextmanager
def _uvicorn_log_level(level: str) -> Iterator[None]:
    """Set the level of uvicorn's loggers for the block, then put the previous levels back."""
    previous = {name: logging.getLogger(name).level for name in _UVICORN_LOGGERS}
    for name in _UVICORN_LOGGERS:
        logging.getLogger(name).setLevel(level.upper())
    try:
        yield
    finally:
        for name, value in previous.items():
            logging.getLogger(name).setLevel(value)


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    seed: str = "demo",
    db: str | Path | None = None,
    *,
    emulator: Emulator | None = None,
    log_level: str = "info",
    flavor: str = "znuny",
) -> None:
    """Run the emulator until interrupted (blocking). Requires ``uvicorn``.

    ``db``: a SQLite file; the state is loaded from it if present and saved after every write.
    ``flavor``: ``znuny`` or ``otobo``, the server it answers like.
    Raises ``ValueError`` for an unknown seed or flavor, ``StateFileError`` (a ``ValueError``) for a
    ``db`` file that is not an emulator state of this version, ``ImportError`` without uvicorn.
    """
    import uvicorn

    emu = emulator if emulator is not None else Emulator.from_seed(seed, db=db, flavor=flavor)
    try:
        uvicorn.Server(_config(emu, host, port, own_process=True, log_level=log_level)).run()
    finally:
        if emulator is None:
            emu.close()


@contextmanager
def run_in_thread(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "critical"
) -> Iterator[ServerHandle]:
    """Start uvicorn in a daemon thread (``port=0``: a free port) and stop it on exit.

    Logging is left as it was: uvicorn's loggers get ``log_level`` while the server runs and their
    previous levels back afterwards; no handler is added (records propagate to the root logger).

    Raises ``RuntimeError`` if the server does not start within 10 seconds.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port = sock.getsockname()[1]
    with _uvicorn_log_level(log_level):
        server = uvicorn.Server(_config(emulator, host, actual_port, own_process=False, log_level=log_level))
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
