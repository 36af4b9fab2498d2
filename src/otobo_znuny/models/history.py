"""Ticket history entries (TicketHistoryGet)."""

from __future__ import annotations

from datetime import datetime

from otobo_znuny.models.base import DomainModel

__all__ = ["HistoryEntry"]


class HistoryEntry(DomainModel):
    """One line of a ticket's history. ``article_id`` is None for entries without an article."""

    ticket_id: int
    history_type: str
    history_type_id: int | None = None
    name: str = ""
    """The server's raw history text, e.g. ``%%new%%open%%`` (fields separated by ``%%``)."""
    article_id: int | None = None
    created_at: datetime | None = None
    created_by: int | None = None
    queue_id: int | None = None
    owner_id: int | None = None
    priority_id: int | None = None
    state_id: int | None = None
    type_id: int | None = None

    @property
    def text(self) -> str:
        """The entry as the agent interface shows it, e.g. ``Changed state from "new" to "open".``
        (see :mod:`otobo_znuny.models.history_text`)."""
        from otobo_znuny.models.history_text import history_text

        return history_text(self.history_type, self.name)

    @property
    def values(self) -> list[str]:
        """``name`` split on ``%%`` with the empty leading part dropped."""
        parts = self.name.split("%%")
        return parts[1:] if parts and parts[0] == "" else parts
