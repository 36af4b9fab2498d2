"""Domain models: snake_case, validated before anything is sent."""

from otobo_znuny.models.base import CLEAR, UNSET, Clear, DomainModel, IdName, Unset
from otobo_znuny.models.changes import TicketChange
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import (
    DynamicFieldFilter,
    SortField,
    SortOrder,
    StateType,
    TicketSearch,
    TimeFilter,
)
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import (
    Article,
    Attachment,
    DynamicFieldValue,
    DynamicFieldWriteValue,
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
    "Clear",
    "DomainModel",
    "DynamicFieldFilter",
    "DynamicFieldValue",
    "DynamicFieldWriteValue",
    "HistoryEntry",
    "IdName",
    "SessionInfo",
    "SortField",
    "SortOrder",
    "StateType",
    "Ticket",
    "TicketBase",
    "TicketChange",
    "TicketCreate",
    "TicketReference",
    "TicketSearch",
    "TicketUpdate",
    "TimeFilter",
    "Unset",
]
