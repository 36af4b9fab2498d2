"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.wire.mapping import (
    article_from_wire,
    article_to_wire,
    attachment_from_wire,
    attachment_to_wire,
    dynamic_fields_from_wire,
    dynamic_fields_to_wire,
    history_from_wire,
    ticket_create_to_wire,
    ticket_from_wire,
    ticket_get_to_wire,
    ticket_search_to_wire,
    ticket_update_to_wire,
)
from otobo_znuny.wire.shapes import WsArticle, WsAttachment, WsDynamicField, WsTicket

__all__ = [
    "WsArticle",
    "WsAttachment",
    "WsDynamicField",
    "WsTicket",
    "article_from_wire",
    "article_to_wire",
    "attachment_from_wire",
    "attachment_to_wire",
    "dynamic_fields_from_wire",
    "dynamic_fields_to_wire",
    "history_from_wire",
    "ticket_create_to_wire",
    "ticket_from_wire",
    "ticket_get_to_wire",
    "ticket_search_to_wire",
    "ticket_update_to_wire",
]
