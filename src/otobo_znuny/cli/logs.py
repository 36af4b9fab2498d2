"""``--verbose`` and ``--debug``: the library's log lines on stderr, with every known secret hidden.

The library logs no bodies and redacts URLs itself (see ``otobo_znuny.client.base.log_exchange``); the
filter here also replaces the password and any SessionID met on the way with ``***`` in whatever a
log line says, including the message of an exception it carries.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

__all__ = ["ScrubSecrets", "logging_to_stderr"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class ScrubSecrets(logging.Filter):
    """Replaces each of ``secrets`` (a list that may grow while the command runs) with ``***``."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        from otobo_znuny.errors import scrub

        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            record.exc_info = None  # a traceback could show local variables' values
        record.msg = scrub(message, self.secrets)
        record.args = None
        return True


@contextmanager
def logging_to_stderr(verbosity: int, secrets: Sequence[str]) -> Iterator[None]:
    """Log the ``otobo_znuny`` logger at INFO (1) or DEBUG (2, plus httpx's request lines) on stderr
    while the block runs; 0 leaves logging as it is (warnings are shown by the command itself)."""
    if verbosity <= 0:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(ScrubSecrets(secrets))
    loggers = [logging.getLogger("otobo_znuny")]
    if verbosity >= 2:
        loggers.append(logging.getLogger("httpx"))
    saved = [(logger, logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, level, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
