"""Ticket operations as ``Call`` factories: request parameters in, typed reply parser out (pure)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import tzinfo

from otobo_znuny.config import ServerFlavor, TicketOperation
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import TicketSearch
from otobo_znuny.models.ticket import Ticket, TicketCreate, TicketReference, TicketUpdate
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.replies import read_reply, reply_parser
from otobo_znuny.wire import replies, requests
from otobo_znuny.wire.search import ticket_search_to_wire
from otobo_znuny.wire.shapes import WsTicketSearchReply, WsTicketWriteReply

__all__ = [
    "TicketGetOptions",
    "ticket_create",
    "ticket_get",
    "ticket_history_get",
    "ticket_search",
    "ticket_update",
]

logger = logging.getLogger("otobo_znuny")

SERVER_DEFAULT_SEARCH_LIMIT = 500
"""TicketSearch's ``Limit`` when the request sets none (SysConfig ``SearchLimit`` of a stock server)."""


class TicketGetOptions:
    """What TicketGet should include. Defaults: articles and dynamic fields, no attachments."""

    __slots__ = (
        "article_limit",
        "article_order",
        "article_sender_types",
        "articles",
        "attachment_contents",
        "attachments",
        "dynamic_fields",
        "extended",
    )

    def __init__(
        self,
        *,
        articles: bool = True,
        article_limit: int | None = None,
        article_order: str = "asc",
        article_sender_types: Sequence[str] = (),
        attachments: bool = False,
        attachment_contents: bool = True,
        dynamic_fields: bool = True,
        extended: bool = False,
    ) -> None:
        self.articles = articles
        self.article_limit = article_limit
        self.article_order = article_order
        self.article_sender_types = article_sender_types  # checked (a str is refused) when the call is built
        self.attachments = attachments
        self.attachment_contents = attachment_contents
        self.dynamic_fields = dynamic_fields
        self.extended = extended


def _write_reference(reply: WsTicketWriteReply) -> TicketReference:
    if reply.TicketID is None:
        raise ValueError("the reply has no TicketID")
    articles = reply.ArticleIDs if reply.ArticleIDs is not None else (reply.ArticleID or [])
    return TicketReference(ticket_id=reply.TicketID, ticket_number=reply.TicketNumber, article_ids=list(articles))


def ticket_get(ticket_ids: Sequence[int], options: TicketGetOptions, tz: tzinfo) -> Call[list[Ticket]]:
    """TicketGet for one or several IDs; the reply lists the tickets in request order.

    Raises:
        RequestValidationError: an ID is not a positive integer, or contradictory options.
    """
    params = requests.ticket_get_to_wire(
        ticket_ids,
        articles=options.articles,
        article_limit=options.article_limit,
        article_order=options.article_order,
        attachments=options.attachments,
        attachment_contents=options.attachment_contents,
        dynamic_fields=options.dynamic_fields,
        extended=options.extended,
        article_sender_types=options.article_sender_types,
    )

    def parse(body: bytes) -> list[Ticket]:
        reply = read_reply("TicketGet", replies.TICKET_GET_REPLY, body, replies.WireContext(tz))
        tickets: list[Ticket] = reply["Ticket"]
        return tickets

    return Call(TicketOperation.GET, params, parse)


def ticket_search(search: TicketSearch, tz: tzinfo) -> Call[list[int]]:
    """One TicketSearch; ``{}`` (no hits) parses as an empty list. Without ``search.limit`` the server
    applies its own limit (``SERVER_DEFAULT_SEARCH_LIMIT`` on a stock server): the clients never send
    such a search, they page with ``flows.complete_search``.

    Raises:
        RequestValidationError: criteria the server would misread.
    """
    params = ticket_search_to_wire(search, tz=tz)

    def convert(reply: WsTicketSearchReply) -> list[int]:
        if "TicketID" not in reply.model_fields_set and reply.model_extra:
            # only {} means "no match" (Z12, O12): other keys are not a TicketSearch reply (an outbound
            # mapping renamed TicketID, or the route reaches another operation), not "nothing found"
            raise ValueError(f"the reply has no TicketID, only {', '.join(sorted(reply.model_extra))}")
        return list(reply.TicketID)

    return Call(TicketOperation.SEARCH, params, reply_parser("TicketSearch", WsTicketSearchReply, convert))


def ticket_create(
    ticket: TicketCreate,
    *,
    flavor: ServerFlavor,
    tz: tzinfo,
    limits: requests.WriteLimits,
    default_state: str | None,
    default_priority: str | None,
) -> Call[TicketReference]:
    """TicketCreate (a write: never re-sent once it may have reached the server).

    Raises:
        RequestValidationError: a required field is missing or a limit is exceeded.
    """
    params = requests.ticket_create_to_wire(
        ticket,
        flavor=flavor,
        tz=tz,
        limits=limits,
        default_state=default_state,
        default_priority=default_priority,
    )
    return Call(
        TicketOperation.CREATE,
        params,
        reply_parser("TicketCreate", WsTicketWriteReply, _write_reference),
        write=True,
    )


def ticket_update(
    update: TicketUpdate, *, flavor: ServerFlavor, tz: tzinfo, limits: requests.WriteLimits
) -> Call[TicketReference]:
    """TicketUpdate (a write).

    Raises:
        RequestValidationError: the update sets nothing or exceeds a limit.
    """
    params = requests.ticket_update_to_wire(update, flavor=flavor, tz=tz, limits=limits)
    return Call(
        TicketOperation.UPDATE,
        params,
        reply_parser("TicketUpdate", WsTicketWriteReply, _write_reference),
        write=True,
    )


def ticket_history_get(ticket_id: int, tz: tzinfo) -> Call[list[HistoryEntry]]:
    """TicketHistoryGet for one ticket (agents only).

    Raises:
        RequestValidationError: the ID is not a positive integer.
    """
    requests.check_ticket_ids([ticket_id])

    def parse(body: bytes) -> list[HistoryEntry]:
        reply = read_reply("TicketHistoryGet", replies.HISTORY_REPLY, body, replies.WireContext(tz))
        return [entry for history in reply["TicketHistory"] for entry in history["History"]]

    return Call(TicketOperation.HISTORY_GET, {"TicketID": ticket_id}, parse)
