"""Ticket events pushed by the server: the requester web service that sends them, and the receiver.

A Znuny or OTOBO web service can post a request whenever something happens to a ticket (its
*requester* side). ``otobo-znuny webservice render --events URL`` writes one for your receiver;
:class:`EventReceiver` is the ASGI application that receives it::

    from otobo_znuny.events import EventReceiver, TicketEvent

    receiver = EventReceiver(secret=os.environ["OTOBO_ZNUNY_EVENTS_SECRET"])

    @receiver.on("TicketCreate")
    async def triage(event: TicketEvent) -> None:
        print(event.name, event.ticket_id)

    # uvicorn mymodule:receiver --host 0.0.0.0 --port 8000   (or otobo_znuny.events.serve(receiver))

The receiver needs nothing beyond the standard library; serving it needs uvicorn (the ``events``
extra). The emulator sends the same requests (``Emulator.load_webservice`` with the rendered YAML),
so handlers can be tested end to end. docs/events.md: setup on a real server, and when to use the
changes feed (``client.iter_changes``) instead or as well.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from otobo_znuny.events.credentials import DEFAULT_USER, TOKEN_HEADER, EventCredentials, generate_secret
    from otobo_znuny.events.model import InvalidEventBody, TicketEvent, parse_event
    from otobo_znuny.events.receiver import DEFAULT_MAX_BODY_BYTES, DEFAULT_PATH, EventHandler, EventReceiver
    from otobo_znuny.events.requester import (
        DEFAULT_EVENTS,
        RequesterSpec,
        render_requester,
        requester_document,
    )
    from otobo_znuny.events.server import ReceiverHandle, run_in_thread, serve

_LOCATIONS = {
    "DEFAULT_USER": "credentials",
    "TOKEN_HEADER": "credentials",
    "EventCredentials": "credentials",
    "generate_secret": "credentials",
    "InvalidEventBody": "model",
    "TicketEvent": "model",
    "parse_event": "model",
    "DEFAULT_MAX_BODY_BYTES": "receiver",
    "DEFAULT_PATH": "receiver",
    "EventHandler": "receiver",
    "EventReceiver": "receiver",
    "DEFAULT_EVENTS": "requester",
    "RequesterSpec": "requester",
    "render_requester": "requester",
    "requester_document": "requester",
    "ReceiverHandle": "server",
    "run_in_thread": "server",
    "serve": "server",
}

__all__ = [
    "DEFAULT_EVENTS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_PATH",
    "DEFAULT_USER",
    "TOKEN_HEADER",
    "EventCredentials",
    "EventHandler",
    "EventReceiver",
    "InvalidEventBody",
    "ReceiverHandle",
    "RequesterSpec",
    "TicketEvent",
    "generate_secret",
    "parse_event",
    "render_requester",
    "requester_document",
    "run_in_thread",
    "serve",
]


def __getattr__(name: str) -> _Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(f"otobo_znuny.events.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
