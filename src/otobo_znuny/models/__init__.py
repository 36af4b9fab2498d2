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

# The readers of TicketGet/TicketHistoryGet replies validate the reply bytes straight into these models;
# they are built now, before any model is used (see otobo_znuny.wire.replies).
from otobo_znuny.wire import replies as _wire_replies  # noqa: F401
