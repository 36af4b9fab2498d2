"""What the feeds (``client.iter_changes``, ``client.iter_new_tickets``) deliver: one ``TicketChange`` each."""

from __future__ import annotations

from datetime import datetime

from otobo_znuny.models.base import DomainModel
from otobo_znuny.models.ticket import Ticket

__all__ = ["TicketChange"]


class TicketChange(DomainModel):
    """A ticket delivered by a feed (``iter_changes``: its ``Changed`` time moved; ``iter_new_tickets``:
    it was created), as read after that second was over on the server, with the feed's position.

    ``cursor`` is an opaque string: store it, and pass it as ``cursor=...`` to the same feed with the
    same search to continue right after this ticket (nothing repeated, nothing skipped).
    """

    ticket: Ticket
    cursor: str

    @property
    def changed_at(self) -> datetime | None:
        """The ticket's ``Changed`` time (the server's clock, one-second resolution)."""
        return self.ticket.changed_at
