"""``Call``: one GenericInterface operation, fully described and ready to send, with its reply parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from otobo_znuny.config import TicketOperation

__all__ = ["AuthMode", "Call"]

T = TypeVar("T")

AuthMode = Literal["auto", "password", "none"]
"""How a call authenticates: ``auto`` = the client's session or password; ``password`` = always the
login and password (SessionCreate, SessionRemove); ``none`` = no credentials (SessionGet)."""


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One operation call: what to send (``params``, without credentials) and how to read the reply.

    ``parse`` receives the raw JSON body of a 200 reply and raises typed errors (``OTOBOError`` for an
    ``Error`` object, ``UnexpectedReplyError`` for a wrong shape). ``write`` marks operations that
    change the helpdesk: they are never re-sent once they may have reached the server.
    ``idempotency_key``: the key a write carries (``client.idempotency``); such a write is never
    re-sent by the engine, not even with ``retry_writes``: its flow looks for the key first.
    """

    operation: TicketOperation
    params: dict[str, Any]
    parse: Callable[[bytes], T]
    write: bool = False
    auth: AuthMode = "auto"
    path_params: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None

    def __repr__(self) -> str:
        # params may hold a SessionID (SessionGet, SessionRemove) or customer data: names only
        return f"Call({self.operation.value}, params={sorted(self.params)}, write={self.write}, auth={self.auth!r})"
