"""uvicorn for the ASGI applications this package ships (the emulator, the event receiver): blocking,
or in a background thread of the caller's process with logging left as it was."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["app_in_thread", "uvicorn_config"]

_UVICORN_LOGGERS = ("uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def uvicorn_config(app: Any, host: str, port: int, *, own_process: bool, log_level: str, **options: Any) -> Any:
    """uvicorn's settings. ``own_process``: uvicorn may configure logging (a server command); in a
    thread of someone else's process it leaves logging alone. Raises ``ImportError`` without uvicorn."""
    import uvicorn

    logging_options: dict[str, Any] = (
        {"log_level": log_level, "access_log": False} if own_process else {"log_config": None, "log_level": None}
    )
    settings: dict[str, Any] = {"http": "h11", "lifespan": "off", "timeout_keep_alive": 5, **logging_options}
    settings.update(options)
    return uvicorn.Config(app, host=host, port=port, **settings)


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


@contextmanager
def app_in_thread(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "critical",
    what: str = "server",
    **options: Any,
) -> Iterator[int]:
    """Serve ``app`` with uvicorn in a daemon thread (``port=0``: a free port) and stop it on exit;
    yields the port.

    Logging is left as it was: uvicorn's loggers get ``log_level`` while the server runs and their
    previous levels back afterwards; no handler is added (records propagate to the root logger).
    ``options`` go to ``uvicorn.Config`` (e.g. ``ssl_certfile``).

    Raises ``RuntimeError`` if the server does not start within 10 seconds, ``ImportError`` without uvicorn.
    """
    import uvicorn

    sock = socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )  # proto TCP: asyncio sets TCP_NODELAY only on such sockets' connections (else 40 ms per keep-alive reply)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port: int = sock.getsockname()[1]
    with _uvicorn_log_level(log_level):
        # a client's idle keep-alive connection must not hold the shutdown for long
        options.setdefault("timeout_graceful_shutdown", 3)
        config = uvicorn_config(app, host, actual_port, own_process=False, log_level=log_level, **options)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.01)
        try:
            yield actual_port
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
