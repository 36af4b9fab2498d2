"""Serve an :class:`Emulator` over real HTTP with uvicorn (blocking, or in a background thread)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from otobo_znuny._uvicorn import app_in_thread, uvicorn_config
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


def _config(emulator: Emulator, host: str, port: int, *, log_level: str) -> Any:
    """uvicorn's settings for ``serve`` (uvicorn may configure logging: it is the process's server)."""
    return uvicorn_config(make_app(emulator), host, port, own_process=True, log_level=log_level)


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
        uvicorn.Server(_config(emu, host, port, log_level=log_level)).run()
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
    with app_in_thread(make_app(emulator), host, port, log_level=log_level, what="emulator server") as actual_port:
        yield ServerHandle(f"http://{host}:{actual_port}", host, actual_port, emulator)
