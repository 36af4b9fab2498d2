"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.models.base import CLEAR, UNSET, IdName
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import DynamicFieldFilter, SortField, SortOrder, TicketSearch, TimeFilter
from otobo_znuny.models.ticket import (
    Article,
    Attachment,
    Ticket,
    TicketBase,
    TicketCreate,
    TicketReference,
    TicketUpdate,
)

__all__ = [
    "CLEAR",
    "UNSET",
    "Article",
    "Attachment",
    "DynamicFieldFilter",
    "HistoryEntry",
    "IdName",
    "SortField",
    "SortOrder",
    "Ticket",
    "TicketBase",
    "TicketCreate",
    "TicketReference",
    "TicketSearch",
    "TicketUpdate",
    "TimeFilter",
]
