"""The ticket-system interface automations program against: ``TicketSystemAdapter`` and ``SystemConfig``.

An adapter is built from one ``SystemConfig`` (``__init__(self, config)``), so a dependency-injection
container can supply it. Queries and data are plain dicts in the target system's own vocabulary;
tickets come back in the one documented shape of ``otobo_znuny.adapter.shapes.TicketDict``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from typing_extensions import Self

from otobo_znuny.adapter.shapes import FeedItemDict, TicketDict

__all__ = ["SystemConfig", "TicketSystemAdapter"]


class SystemConfig(BaseModel):
    """One configured ticket system: an ``id`` of your choice, the ``provider_key`` naming the adapter
    (``otobo``, ``znuny``, see ``create_adapter``), and the adapter's ``params``.

    ``params`` hold settings, never secrets: adapters read passwords from the environment or a file.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    provider_key: str
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", "provider_key")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class TicketSystemAdapter(ABC):
    """Base class of ticket-system adapters: the operations automations need, as coroutines.

    Subclasses implement the abstract methods; ``tests/adapter/conformance.py`` holds the tests every
    implementation must pass. Use an adapter as an async context manager (``async with adapter:``),
    or call ``await adapter.aclose()`` when done.

    Args:
        config: the system configuration; kept as ``self.config``.
    """

    def __init__(self, config: SystemConfig) -> None:
        self.config = config

    @abstractmethod
    async def update_ticket(self, ticket_id: str, data: Mapping[str, Any]) -> TicketDict | None:
        """Change the fields named in ``data`` (a partial update) and return the updated ticket.

        Returns None when the ticket does not exist or this login may not change it.

        Raises:
            RequestValidationError: ``data`` was refused before anything was sent.
        """

    @abstractmethod
    async def find_tickets(self, query: Mapping[str, Any]) -> list[TicketDict]:
        """The tickets matching ``query`` (an empty list when none match).

        Raises:
            RequestValidationError: ``query`` was refused before anything was sent.
        """

    @abstractmethod
    async def find_first_ticket(self, query: Mapping[str, Any]) -> TicketDict | None:
        """The first ticket matching ``query``, or None. Asks the system for one result only.

        Raises:
            RequestValidationError: ``query`` was refused before anything was sent.
        """

    @abstractmethod
    async def get_ticket(self, ticket_id: str) -> TicketDict | None:
        """One ticket with its articles, or None when it does not exist or is not readable.

        Raises:
            RequestValidationError: ``ticket_id`` is not an ID of this system.
        """

    @abstractmethod
    async def create_ticket(self, data: Mapping[str, Any]) -> TicketDict:
        """Create a ticket (with its first article) from ``data`` and return it.

        Raises:
            RequestValidationError: ``data`` was refused before anything was sent.
        """

    @abstractmethod
    async def add_note(self, ticket_id: str, body: str, *, subject: str = "Note", internal: bool = True) -> str | None:
        """Add a note to a ticket; ``internal=False`` makes it visible to the customer.

        Returns the new article's ID, or None when the ticket does not exist or is not writable.

        Raises:
            RequestValidationError: an empty body or subject.
        """

    def iter_new_tickets(
        self,
        query: Mapping[str, Any],
        *,
        cursor: str | None = None,
        since: datetime | Literal["now"] | None = None,
        follow: bool = False,
        poll_interval: float = 10.0,
    ) -> AsyncIterator[FeedItemDict]:
        """Optional: each ticket matching ``query`` created after ``cursor`` once, oldest first, with the
        cursor to store (``async for item in adapter.iter_new_tickets(...)``). Without a cursor: from
        ``since`` (a time, or ``"now"``: only tickets created from now on), else from the beginning.
        ``follow=True`` keeps watching every ``poll_interval`` seconds.

        Raises:
            NotImplementedError: the adapter has no feed (this default).
            RequestValidationError: ``query`` or ``cursor`` was refused before anything was sent.
        """
        raise NotImplementedError(f"{type(self).__name__} does not offer iter_new_tickets")

    async def aclose(self) -> None:  # noqa: B027 - optional hook: adapters without resources keep it
        """Release connections and sessions. The adapter may be used again afterwards."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
