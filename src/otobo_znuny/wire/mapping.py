"""The mapping between the domain models and GenericInterface JSON, under its earlier single name.

The work is done by ``wire.requests`` (TicketCreate, TicketUpdate, TicketGet parameters and
credentials), ``wire.search`` (TicketSearch), ``wire.replies`` (replies read into the domain models)
and ``wire.keys`` (the declared key tables they all read); this module re-exports their names, and the
scalar conversions of ``wire.values`` it used to import.
"""

from __future__ import annotations

from otobo_znuny.wire.replies import (
    article_from_wire,
    attachment_from_wire,
    dynamic_fields_from_wire,
    history_from_wire,
    session_info_from_wire,
    ticket_from_wire,
)
from otobo_znuny.wire.requests import (
    DEFAULT_CONTENT_TYPE,
    WriteLimits,
    article_to_wire,
    attachment_to_wire,
    check_ticket_ids,
    credentials_to_wire,
    dynamic_field_value_to_wire,
    dynamic_fields_to_wire,
    id_name_to_wire,
    ticket_attributes_to_wire,
    ticket_create_to_wire,
    ticket_get_to_wire,
    ticket_update_to_wire,
)
from otobo_znuny.wire.search import (
    SEARCH_ARTICLE_TEXT,
    SEARCH_DF_OPERATORS,
    SEARCH_ID_NAME_LISTS,
    SEARCH_STRING_LISTS,
    SEARCH_TIME_PREFIXES,
    ticket_search_to_wire,
)
from otobo_znuny.wire.values import (
    format_server_time,
    minutes,
    parse_epoch,
    parse_server_time,
    pending_time_to_wire,
    wire_bool,
)

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "SEARCH_ARTICLE_TEXT",
    "SEARCH_DF_OPERATORS",
    "SEARCH_ID_NAME_LISTS",
    "SEARCH_STRING_LISTS",
    "SEARCH_TIME_PREFIXES",
    "WriteLimits",
    "article_from_wire",
    "article_to_wire",
    "attachment_from_wire",
    "attachment_to_wire",
    "check_ticket_ids",
    "credentials_to_wire",
    "dynamic_field_value_to_wire",
    "dynamic_fields_from_wire",
    "dynamic_fields_to_wire",
    "format_server_time",
    "history_from_wire",
    "id_name_to_wire",
    "minutes",
    "parse_epoch",
    "parse_server_time",
    "pending_time_to_wire",
    "session_info_from_wire",
    "ticket_attributes_to_wire",
    "ticket_create_to_wire",
    "ticket_from_wire",
    "ticket_get_to_wire",
    "ticket_search_to_wire",
    "ticket_update_to_wire",
    "wire_bool",
]
