"""Every operation's reply parser, the recorded replies it must read, and ways to damage them.

The recorded replies come from ``support.recording`` (the live Znuny 7.0.19 session); nothing here
copies a recorded value by hand.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from otobo_znuny.config import ServerFlavor
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import TicketSearch
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import Article, Ticket, TicketCreate, TicketReference, TicketUpdate
from otobo_znuny.operations import sessions, tickets
from otobo_znuny.wire.mapping import WriteLimits
from support.recording import load_exchanges

__all__ = [
    "PARSERS",
    "Parser",
    "RecordedReply",
    "deepest_key",
    "json_paths",
    "recorded_replies",
    "replace_at",
    "result_type_ok",
]

UTC = ZoneInfo("UTC")
_LIMITS = WriteLimits(max_attachment_bytes=1024, max_body_chars=1024)
_ARTICLE = Article(subject="s", body="b")


@dataclass(frozen=True)
class Parser:
    """One operation's ``Call.parse`` and a check of the type it must return."""

    operation: str
    parse: Callable[[bytes], Any]
    returns: Callable[[Any], bool]


def _all(items: Any, kind: type) -> bool:
    return isinstance(items, list) and all(isinstance(item, kind) for item in items)


PARSERS: dict[str, Parser] = {
    parser.operation: parser
    for parser in (
        Parser(
            "TicketCreate",
            tickets.ticket_create(
                TicketCreate(title="t", queue="Raw", customer_user="c", article=_ARTICLE),
                flavor=ServerFlavor.ZNUNY,
                tz=UTC,
                limits=_LIMITS,
                default_state="new",
                default_priority="3 normal",
            ).parse,
            lambda result: isinstance(result, TicketReference),
        ),
        Parser(
            "TicketUpdate",
            tickets.ticket_update(
                TicketUpdate(id=1, title="t"), flavor=ServerFlavor.ZNUNY, tz=UTC, limits=_LIMITS
            ).parse,
            lambda result: isinstance(result, TicketReference),
        ),
        Parser(
            "TicketGet",
            tickets.ticket_get([1], tickets.TicketGetOptions(attachments=True), UTC).parse,
            lambda result: _all(result, Ticket),
        ),
        Parser(
            "TicketSearch",
            tickets.ticket_search(TicketSearch(), UTC).parse,
            lambda result: _all(result, int),
        ),
        Parser(
            "TicketHistoryGet",
            tickets.ticket_history_get(1, UTC).parse,
            lambda result: _all(result, HistoryEntry),
        ),
        Parser("SessionCreate", sessions.session_create().parse, lambda result: isinstance(result, str)),
        Parser("SessionGet", sessions.session_get("s" * 32).parse, lambda result: isinstance(result, SessionInfo)),
        Parser("SessionRemove", sessions.session_remove("s" * 32).parse, lambda result: isinstance(result, bool)),
    )
}
"""Operation name -> its parser, for every ``Call`` factory of ``operations.tickets``/``sessions``."""


def result_type_ok(operation: str, result: Any) -> bool:
    """True when ``result`` has the type the operation's parser promises."""
    return PARSERS[operation].returns(result)


@dataclass(frozen=True)
class RecordedReply:
    """A recorded JSON reply and the parser of its operation."""

    n: int
    operation: str
    data: Any
    error_code: str | None

    @property
    def body(self) -> bytes:
        return json.dumps(self.data).encode("utf-8")

    def __str__(self) -> str:
        return f"#{self.n} {self.operation}"


def recorded_replies() -> list[RecordedReply]:
    """Every recorded JSON reply of an operation the library implements."""
    return [
        RecordedReply(exchange.n, exchange.operation, exchange.response_json(), exchange.error_code)
        for exchange in load_exchanges()
        if exchange.is_json and exchange.operation in PARSERS
    ]


Path = tuple[str | int, ...]


def json_paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path to a value inside ``value`` (objects by key, arrays by index), the root excluded."""
    children: Any = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        path = (*prefix, key)
        yield path
        yield from json_paths(child, path)


def replace_at(value: Any, path: Path, new: Any) -> Any:
    """A deep copy of ``value`` with the element at ``path`` replaced by ``new``."""
    result = copy.deepcopy(value)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return result


def deepest_key(path: Path) -> str:
    """The last object key on ``path`` (array indexes skipped)."""
    return next(str(key) for key in reversed(path) if isinstance(key, str))
