"""The typed event a receiver hands to its handlers, parsed from the body a server's invoker sends.

Two body shapes exist (docs/events.md, "What a request carries"):

* the pass-through invokers (Znuny ``Generic::Tunnel``, OTOBO ``Generic::PassThrough``) send the
  event data itself: ``{"Event": "ArticleCreate", "TicketID": "3", "ArticleID": "3",
  "OldTicketData": {...}}`` (Znuny ``Kernel/GenericInterface/Invoker/Generic/Tunnel.pm``
  PrepareRequest returns its data unchanged; the event handler adds ``Event``,
  ``Kernel/GenericInterface/Event/Handler.pm``);
* Znuny's ``Ticket::Generic`` sends ``{"Event": {<the same event data>}, "Ticket": {<the ticket
  read at send time>}}`` (``Kernel/GenericInterface/Invoker/Ticket/Generic.pm`` PrepareRequest).

IDs arrive as JSON numbers or strings (Perl scalars); both are accepted. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_DIGITS = re.compile(r"[0-9]+")

__all__ = ["InvalidEventBody", "TicketEvent", "parse_event"]


class InvalidEventBody(ValueError):
    """The request body is JSON but not an event of either invoker shape; the message says why."""


@dataclass(frozen=True)
class TicketEvent:
    """One event a server pushed.

    ``name`` is the event (``TicketCreate``, ``ArticleCreate``, ``TicketDynamicFieldUpdate_OrderID``...),
    ``ticket_id``/``article_id`` the IDs the event names (``None`` when it names none), ``data`` the event
    data exactly as sent without the ``Event`` key (``OldTicketData``, ``FieldName``, ``Value``,
    ``OldValue``, ``UserID``... depending on the event), and ``ticket`` the whole ticket that Znuny's
    ``Ticket::Generic`` invoker adds (``None`` from the pass-through invokers: fetch what you need
    with ``client.get_ticket(event.ticket_id)``).

    No delivery ID exists: the same event can arrive twice (retries) and events of one ticket can
    arrive out of order (asynchronous invokers); handlers must be idempotent.
    """

    name: str
    ticket_id: int | None
    article_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    ticket: Mapping[str, Any] | None = None

    @property
    def old_ticket_data(self) -> Mapping[str, Any] | None:
        """The ticket before the change (``OldTicketData`` of TicketStateUpdate, TicketQueueUpdate,
        TicketSLAUpdate and ArticleCreate), or ``None``."""
        value = self.data.get("OldTicketData")
        return value if isinstance(value, Mapping) else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``otobo-znuny events listen`` prints, one per line)."""
        return {
            "event": self.name,
            "ticket_id": self.ticket_id,
            "article_id": self.article_id,
            "data": dict(self.data),
            "ticket": dict(self.ticket) if self.ticket is not None else None,
        }


def _object_id(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidEventBody(f"{key} must be a number or a string of digits, got {type(value).__name__}")
    text = str(value).strip()
    if not _DIGITS.fullmatch(text) or int(text) <= 0:  # ASCII only: str.isdigit takes "²" (int() fails) and "٣"
        raise InvalidEventBody(f"{key} must be a positive integer, got {value!r}")
    return int(text)


def parse_event(body: Any) -> TicketEvent:
    """The event in a decoded request body, from either invoker shape.

    Raises:
        InvalidEventBody: not a JSON object, no event name, or a TicketID/ArticleID that is not a
            positive integer.
    """
    if not isinstance(body, dict):
        raise InvalidEventBody(f"the body must be a JSON object, got {type(body).__name__}")
    event = body.get("Event")
    ticket: Mapping[str, Any] | None = None
    if isinstance(event, dict):  # Znuny Ticket::Generic: {"Event": {...}, "Ticket": {...}}
        data = dict(event)
        name = data.pop("Event", None)
        raw_ticket = body.get("Ticket")
        if raw_ticket is not None and not isinstance(raw_ticket, dict):
            raise InvalidEventBody(f"Ticket must be a JSON object, got {type(raw_ticket).__name__}")
        ticket = MappingProxyType(raw_ticket) if raw_ticket else None  # {}: the ticket is gone
    else:  # Generic::Tunnel / Generic::PassThrough: the event data itself
        data = {key: value for key, value in body.items() if key != "Event"}
        name = event
    if not isinstance(name, str) or not name.strip():
        raise InvalidEventBody("no event name: the body has no Event string (is this an invoker's request?)")
    return TicketEvent(
        name=name.strip(),
        ticket_id=_object_id(data, "TicketID"),
        article_id=_object_id(data, "ArticleID"),
        data=MappingProxyType(data),
        ticket=ticket,
    )
