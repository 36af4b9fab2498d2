"""The retry policy: which failures are retried, and how long to wait. Pure functions, table-tested.

Retried:
* failures before the request was delivered (connect errors, pool timeouts): every operation;
* timeouts, dropped connections and HTTP 5xx: reads (TicketGet, TicketSearch, TicketHistoryGet,
  SessionGet) and SessionCreate;
* HTTP 429 (a proxy's rate limit; the request was not processed): every operation.

TicketCreate and TicketUpdate are never re-sent once they may have reached the server, unless the
caller opts in with ``retry_writes=True``: the GenericInterface has no idempotency header. A write
that carries an idempotency key (``client.idempotency``) is not re-sent by the engine at all, even
with ``retry_writes``: its flow looks for the key and re-sends only what did not happen, at most
``max_retries`` times.
Business errors (``OTOBOError``) are never retried; an expired session is renewed once instead.

A client takes its settings from ``retry_policy=RetryPolicy(...)``; ``max_retries=`` (constructor or
``with_options``) overrides only the count. ``client.retry_policy`` is the policy in force.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import Enum

from otobo_znuny.errors import ConfigurationError

__all__ = ["Delivery", "RetryPolicy", "retry_delay", "should_retry"]


class Delivery(str, Enum):
    """How far a failed attempt got."""

    NOT_SENT = "not_sent"
    """The request never left: connect error, pool timeout."""
    MAYBE_PROCESSED = "maybe_processed"
    """It may have reached the server: timeouts after sending, dropped connections."""
    SERVER_ERROR = "server_error"
    """The server answered HTTP 5xx (not GenericInterface JSON)."""
    RATE_LIMITED = "rate_limited"
    """HTTP 429: refused before processing."""


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings. ``max_retries`` counts retries after the first attempt (0 = never retry).

    Raises:
        ConfigurationError: a negative count or delay, or a ``jitter`` outside 0..1.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    """Up to this fraction of the delay is randomly taken off, so clients do not retry in lockstep."""
    max_retry_after: float = 60.0
    """A Retry-After longer than this is not waited for (the failure is raised)."""
    retry_writes: bool = False
    """Also re-send TicketCreate/TicketUpdate after an ambiguous failure (may create duplicates)."""

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be an int of at least 0, not {self.max_retries!r}")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ConfigurationError(f"{name} must be a number of seconds of at least 0, not {value!r}")
        if isinstance(self.jitter, bool) or not isinstance(self.jitter, (int, float)) or not 0 <= self.jitter <= 1:
            raise ConfigurationError(f"jitter must be a fraction from 0 to 1, not {self.jitter!r}")

    def with_changes(self, **changes: object) -> RetryPolicy:
        """A copy with some settings changed.

        Raises:
            ConfigurationError: a changed setting is out of range (see the class).
            TypeError: an unknown setting.
        """
        return replace(self, **changes)  # type: ignore[arg-type]


def should_retry(
    *, delivery: Delivery, is_write: bool, attempt: int, policy: RetryPolicy, retry_after: float | None = None
) -> bool:
    """Whether attempt number ``attempt`` (0-based) that failed this way should be tried again."""
    if attempt >= policy.max_retries:
        return False
    if retry_after is not None and retry_after > policy.max_retry_after:
        return False
    if delivery in (Delivery.NOT_SENT, Delivery.RATE_LIMITED):
        return True
    return not is_write or policy.retry_writes


def retry_delay(
    attempt: int, policy: RetryPolicy, retry_after: float | None = None, rand: float | None = None
) -> float:
    """Seconds to wait before retry number ``attempt + 1``.

    Retry-After wins when given (capped at ``max_retry_after``); otherwise exponential backoff
    ``initial_delay * 2**attempt`` capped at ``max_delay``, minus up to ``jitter`` of it.
    """
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, policy.max_retry_after)
    base = min(policy.initial_delay * (2**attempt), policy.max_delay)
    r = random.random() if rand is None else rand
    return float(base * (1 - policy.jitter * r))
