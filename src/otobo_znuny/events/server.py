"""Serve an :class:`EventReceiver` with uvicorn: blocking (a receiver process), or in a background
thread (tests: the emulator posts its events to it over loopback HTTP). Needs the ``events`` extra."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from otobo_znuny.events.receiver import EventReceiver

__all__ = ["ReceiverHandle", "run_in_thread", "serve"]


def _uvicorn_missing(exc: ImportError) -> Exception:
    if (exc.name or "").split(".")[0] != "uvicorn":
        return exc
    from otobo_znuny.errors import MissingDependencyError

    return MissingDependencyError("serving the event receiver", module="uvicorn", package="uvicorn", extra="events")


@dataclass(frozen=True)
class ReceiverHandle:
    """A receiver running in a background thread."""

    host: str
    port: int
    receiver: EventReceiver
    scheme: str = "http"

    @property
    def base_url(self) -> str:
        """``http://host:port`` (no path)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL to give ``webservice render --events`` (base URL plus the receiver's path)."""
        return self.base_url + (self.receiver.path or "/")


def _tls(ssl_certfile: str | None, ssl_keyfile: str | None) -> dict[str, Any]:
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise ValueError("give both ssl_certfile and ssl_keyfile, or neither")
    return {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if ssl_certfile else {}


def serve(
    receiver: EventReceiver,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
) -> None:
    """Run the receiver until interrupted (blocking). With a certificate and key it speaks HTTPS.

    Raises:
        MissingDependencyError: uvicorn is not installed (``pip install 'otobo-znuny[events]'``).
        ValueError: only one of ``ssl_certfile`` and ``ssl_keyfile``.
    """
    tls = _tls(ssl_certfile, ssl_keyfile)
    try:
        import uvicorn

        from otobo_znuny._uvicorn import uvicorn_config
    except ImportError as exc:
        raise _uvicorn_missing(exc) from None
    uvicorn.Server(uvicorn_config(receiver, host, port, own_process=True, log_level=log_level, **tls)).run()


@contextmanager
def run_in_thread(
    receiver: EventReceiver,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "critical",
) -> Iterator[ReceiverHandle]:
    """Serve the receiver in a daemon thread (``port=0``: a free port) until the block ends.

    Logging is left as it was (records of ``otobo_znuny.events`` propagate as usual).

    Raises:
        MissingDependencyError: uvicorn is not installed.
        RuntimeError: the server did not start within 10 seconds.
    """
    tls = _tls(ssl_certfile, ssl_keyfile)
    try:
        import uvicorn  # noqa: F401 - the server below needs it
    except ImportError as exc:
        raise _uvicorn_missing(exc) from None
    from otobo_znuny._uvicorn import app_in_thread

    with app_in_thread(receiver, host, port, log_level=log_level, what="event receiver", **tls) as actual_port:
        yield ReceiverHandle(host, actual_port, receiver, "https" if tls else "http")
