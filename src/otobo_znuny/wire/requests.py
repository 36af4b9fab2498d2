"""Building requests: domain models -> the parameters of TicketCreate, TicketUpdate, TicketGet
(credentials apart). Pure functions; the async and the sync client share them.

The keys come from the declared tables (``wire.keys``); TicketSearch parameters are ``wire.search``'s.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from otobo_znuny.auth import BasicAuth, SessionAuth
from otobo_znuny.config import ServerFlavor
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import CLEAR, IdName
from otobo_znuny.models.ticket import (
    DEFAULT_CONTENT_TYPE,
    TICKET_ATTRIBUTES,
    Article,
    Attachment,
    TicketCreate,
    TicketUpdate,
)
from otobo_znuny.wire import keys
from otobo_znuny.wire.keys import Read
from otobo_znuny.wire.values import format_server_time, pending_time_to_wire, wire_bool

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "WriteLimits",
    "article_to_wire",
    "attachment_to_wire",
    "check_ticket_ids",
    "credentials_to_wire",
    "dynamic_field_value_to_wire",
    "dynamic_fields_to_wire",
    "id_name_to_wire",
    "ticket_attributes_to_wire",
    "ticket_create_to_wire",
    "ticket_get_to_wire",
    "ticket_update_to_wire",
]


class WriteLimits:
    """Size limits checked before sending (attachment bytes, article body characters)."""

    __slots__ = ("max_attachment_bytes", "max_body_chars")

    def __init__(self, max_attachment_bytes: int, max_body_chars: int) -> None:
        self.max_attachment_bytes = max_attachment_bytes
        self.max_body_chars = max_body_chars


# ---- credentials ------------------------------------------------------------------------------


def credentials_to_wire(auth: BasicAuth | SessionAuth | None, session_id: str | None = None) -> dict[str, str]:
    """``{"SessionID"}`` when a session is known, else ``{"UserLogin"|"CustomerUserLogin", "Password"}``."""
    if session_id:
        return {"SessionID": session_id}
    if isinstance(auth, SessionAuth):
        return {"SessionID": auth.session_id.get_secret_value()}
    if isinstance(auth, BasicAuth):
        key = "CustomerUserLogin" if auth.is_customer else "UserLogin"
        return {key: auth.login_name, "Password": auth.password.get_secret_value()}
    return {}


# ---- tickets, articles, attachments -----------------------------------------------------------


def id_name_to_wire(key: str, value: IdName | None, id_key: str | None = None) -> dict[str, Any]:
    """``IdName(name="Raw")`` -> ``{"Queue": "Raw"}``; with an ID -> ``{"QueueID": 2}`` (never both)."""
    if value is None:
        return {}
    if value.id is not None:
        return {id_key or f"{key}ID": value.id}
    return {key: value.name}


def dynamic_field_value_to_wire(value: Any, tz: tzinfo) -> Any:
    """A dynamic-field value for TicketCreate/TicketUpdate: ``CLEAR`` (or ``None``) is ``""``, dates formatted."""
    if value is None or value is CLEAR:
        return ""
    if isinstance(value, bool):
        return wire_bool(value)
    if isinstance(value, (datetime, date)):
        return format_server_time(value, tz)
    if isinstance(value, (list, tuple)):
        return [dynamic_field_value_to_wire(item, tz) for item in value]
    return value


def dynamic_fields_to_wire(fields: dict[str, Any], tz: tzinfo) -> list[dict[str, Any]]:
    """``{"OrderID": "A-1", "Tags": ["vip"]}`` -> ``[{"Name": "OrderID", "Value": "A-1"}, ...]``."""
    return [{"Name": name, "Value": dynamic_field_value_to_wire(value, tz)} for name, value in fields.items()]


_ATTACHMENT = {key.field: key.request for key in keys.ATTACHMENT_KEYS if key.request}


def attachment_to_wire(attachment: Attachment, limits: WriteLimits, where: str) -> dict[str, Any]:
    """An attachment as the server takes it (base64 content).

    Raises:
        RequestValidationError: empty content (the server refuses zero-byte files) or over the size limit.
    """
    if not attachment.content:
        raise RequestValidationError(
            f"{where}.content", "zero-byte attachments cannot be sent (the server refuses them)"
        )
    if len(attachment.content) > limits.max_attachment_bytes:
        raise RequestValidationError(
            f"{where}.content",
            f"{len(attachment.content)} bytes exceeds the limit of {limits.max_attachment_bytes} bytes "
            "(raise max_attachment_bytes in the client to allow it)",
        )
    wire: dict[str, Any] = {
        _ATTACHMENT["content"]: base64.b64encode(attachment.content).decode("ascii"),
        _ATTACHMENT["content_type"]: attachment.content_type,
        _ATTACHMENT["filename"]: attachment.filename,
    }
    if attachment.disposition:
        wire[_ATTACHMENT["disposition"]] = attachment.disposition
    if attachment.content_id:
        wire[_ATTACHMENT["content_id"]] = attachment.content_id
    return wire


def _content_type(value: str | None) -> str:
    if not value:
        return DEFAULT_CONTENT_TYPE
    if "charset=" not in value.lower():
        return f"{value.strip().rstrip(';')}; charset=utf-8"
    return value


_ARTICLE = {key.field: key.request for key in keys.ARTICLE_KEYS if key.request}
_ARTICLE_OPTIONAL = tuple(
    (key.field, key.request, key.read is Read.FLAG)
    for key in keys.ARTICLE_KEYS
    if key.request and key.field not in ("subject", "body", "content_type", "communication_channel")
)
"""Article keys sent only when the article sets them (the other four are always sent)."""


def article_to_wire(article: Article, limits: WriteLimits, where: str = "article") -> dict[str, Any]:
    """An article for TicketCreate/TicketUpdate (attachments are placed by the caller).

    Raises:
        RequestValidationError: the body exceeds the size limit.
    """
    body = article.body or ""
    if len(body) > limits.max_body_chars:
        raise RequestValidationError(
            f"{where}.body", f"{len(body)} characters exceeds the limit of {limits.max_body_chars}"
        )
    wire: dict[str, Any] = {
        _ARTICLE["subject"]: article.subject,
        _ARTICLE["body"]: body,
        _ARTICLE["content_type"]: _content_type(article.content_type),
        _ARTICLE["communication_channel"]: article.communication_channel or "Internal",
    }
    for field, key, flag in _ARTICLE_OPTIONAL:
        value = getattr(article, field)
        if value is not None:
            wire[key] = wire_bool(value) if flag else value
    return wire


def _articles_to_wire(
    articles: Sequence[Article], flavor: ServerFlavor, limits: WriteLimits, tz: tzinfo
) -> dict[str, Any]:
    """Article(s), their attachments and their dynamic fields, placed as the flavour expects."""
    if not articles:
        return {}
    if len(articles) > 1 and flavor is ServerFlavor.OTOBO:
        raise RequestValidationError("articles", "OTOBO accepts one article per call; send them one by one")
    wire: dict[str, Any] = {}
    if len(articles) == 1:
        article = articles[0]
        wire["Article"] = article_to_wire(article, limits)
        if article.attachments:
            wire["Attachment"] = [
                attachment_to_wire(att, limits, f"article.attachments[{i}]")
                for i, att in enumerate(article.attachments)
            ]
        return wire
    wire_articles = []
    for index, article in enumerate(articles):
        entry = article_to_wire(article, limits, f"articles[{index}]")
        if article.attachments:
            entry["Attachment"] = [
                attachment_to_wire(att, limits, f"articles[{index}].attachments[{i}]")
                for i, att in enumerate(article.attachments)
            ]
        if article.dynamic_fields:
            entry["DynamicField"] = dynamic_fields_to_wire(article.dynamic_fields, tz)
        wire_articles.append(entry)
    wire["Article"] = wire_articles
    return wire


_ID_NAMES = keys.id_name_keys(keys.TICKET_KEYS)  # the same keys in requests and replies
_TICKET = {key.field: key.request for key in keys.TICKET_KEYS if key.request}


def _ticket_attributes(values: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    ticket: dict[str, Any] = {}
    for field, key, id_key in _ID_NAMES:
        if field in values:
            ticket.update(id_name_to_wire(key, values[field], id_key))
    if values.get("title") is not None:
        ticket[_TICKET["title"]] = values["title"]
    if "customer_user" in values:
        ticket[_TICKET["customer_user"]] = values["customer_user"] or ""  # CLEAR is sent as ""
    if values.get("customer_id") is not None:
        ticket[_TICKET["customer_id"]] = values["customer_id"]
    if values.get("pending_time") is not None:
        try:
            ticket[keys.PENDING_TIME_KEY] = pending_time_to_wire(values["pending_time"], tz)
        except ValueError as exc:
            raise RequestValidationError("pending_time", str(exc)) from None
    return ticket


def ticket_attributes_to_wire(values: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """The ``Ticket`` object for attribute values named as in ``TICKET_ATTRIBUTES`` (present keys only).

    Raises:
        RequestValidationError: a pending time that cannot be sent.
    """
    return _ticket_attributes(values, tz)


def ticket_create_to_wire(
    ticket: TicketCreate,
    *,
    flavor: ServerFlavor,
    tz: tzinfo,
    limits: WriteLimits,
    default_state: str | None = None,
    default_priority: str | None = None,
) -> dict[str, Any]:
    """TicketCreate parameters.

    Raises:
        RequestValidationError: a field the server requires is missing or invalid (named), or a limit is
            exceeded.
    """
    ticket.check_sendable()
    if ticket.queue is None:
        raise RequestValidationError("queue", "TicketCreate needs a queue (IdName(name=...) or IdName(id=...))")
    if not ticket.customer_user:
        raise RequestValidationError(
            "customer_user", "TicketCreate needs a customer user (a customer login or an e-mail address)"
        )
    state = ticket.state or (IdName(name=default_state) if default_state else None)
    priority = ticket.priority or (IdName(name=default_priority) if default_priority else None)
    if state is None:
        raise RequestValidationError("state", "TicketCreate needs a state (no default configured)")
    if priority is None:
        raise RequestValidationError("priority", "TicketCreate needs a priority (no default configured)")
    articles = ticket.all_articles
    if not articles:
        raise RequestValidationError(
            "article", "TicketCreate needs an article (the server refuses tickets without one)"
        )
    values = {name: getattr(ticket, name) for name in ticket.model_fields_set if name in TICKET_ATTRIBUTES}
    values.update(
        {
            "title": ticket.title,
            "queue": ticket.queue,
            "state": state,
            "priority": priority,
            "customer_user": ticket.customer_user,
        }
    )
    if ticket.customer_id is not None:
        values["customer_id"] = ticket.customer_id
    wire: dict[str, Any] = {"Ticket": _ticket_attributes(values, tz)}
    wire.update(_articles_to_wire(articles, flavor, limits, tz))
    fields: dict[str, Any] = dict(ticket.dynamic_fields)
    if len(articles) == 1:
        fields.update(articles[0].dynamic_fields)
    if fields:
        wire["DynamicField"] = dynamic_fields_to_wire(fields, tz)
    return wire


def ticket_update_to_wire(
    update: TicketUpdate, *, flavor: ServerFlavor, tz: tzinfo, limits: WriteLimits
) -> dict[str, Any]:
    """TicketUpdate parameters: only what the update sets.

    Raises:
        RequestValidationError: the update is invalid (named), changes nothing, or exceeds a limit.
    """
    update.check_sendable()
    wire: dict[str, Any] = {}
    if update.id is not None:  # the ID is unambiguous; the server would let a TicketNumber win over it
        wire["TicketID"] = update.id
    else:
        wire["TicketNumber"] = update.number
    ticket = _ticket_attributes(update.changes(), tz)
    if ticket:
        wire["Ticket"] = ticket
    articles = update.all_articles
    wire.update(_articles_to_wire(articles, flavor, limits, tz))
    fields: dict[str, Any] = dict(update.dynamic_fields)
    if len(articles) == 1:
        fields.update(articles[0].dynamic_fields)
    if fields:
        wire["DynamicField"] = dynamic_fields_to_wire(fields, tz)
    if len(wire) == 1:
        raise RequestValidationError("TicketUpdate", "the update sets nothing (every field is None)")
    return wire


def check_ticket_ids(ticket_ids: Sequence[int]) -> list[int]:
    """The IDs as a list, each checked.

    Raises:
        RequestValidationError: no IDs, or an ID that is not a positive integer.
    """
    ids = list(ticket_ids)
    if not ids:
        raise RequestValidationError("ticket_ids", "at least one ticket ID is required")
    for ticket_id in ids:
        if isinstance(ticket_id, bool) or not isinstance(ticket_id, int) or ticket_id <= 0:
            raise RequestValidationError("ticket_id", f"ticket IDs are positive integers, got {ticket_id!r}")
    return ids


def ticket_get_to_wire(
    ticket_ids: Sequence[int],
    *,
    articles: bool,
    article_limit: int | None,
    article_order: str,
    attachments: bool,
    attachment_contents: bool,
    dynamic_fields: bool,
    extended: bool,
    article_sender_types: Sequence[str] = (),
) -> dict[str, Any]:
    """TicketGet parameters for one or several IDs.

    Raises:
        RequestValidationError: an ID is not a positive integer, or the options contradict each other.
    """
    ids = check_ticket_ids(ticket_ids)
    if attachments and not articles:
        raise RequestValidationError("attachments", "attachments=True needs articles=True")
    if article_limit is not None and (
        isinstance(article_limit, bool) or not isinstance(article_limit, int) or article_limit < 1
    ):
        raise RequestValidationError("article_limit", f"must be an integer of at least 1, got {article_limit!r}")
    if isinstance(article_sender_types, str) or not all(isinstance(t, str) for t in article_sender_types):
        raise RequestValidationError(
            "article_sender_types", "give a list of sender types, e.g. ['customer'] (not a single string)"
        )
    if not isinstance(article_order, str):
        raise RequestValidationError("article_order", f"must be 'asc' or 'desc', got {article_order!r}")
    order = article_order.upper()
    if order not in ("ASC", "DESC"):
        raise RequestValidationError("article_order", f"must be 'asc' or 'desc', got {article_order!r}")
    wire: dict[str, Any] = {"TicketID": ids[0] if len(ids) == 1 else ids}
    if dynamic_fields:
        wire["DynamicFields"] = 1
    if extended:
        wire["Extended"] = 1
    if articles:
        wire["AllArticles"] = 1
        if article_limit is not None:
            wire["ArticleLimit"] = article_limit
            wire["ArticleOrder"] = order
        elif order == "DESC":
            raise RequestValidationError("article_order", "the server applies 'desc' only together with article_limit")
        if article_sender_types:
            wire["ArticleSenderType"] = list(article_sender_types)
        if attachments:
            wire["Attachments"] = 1
            if not attachment_contents:  # the server's default is 1
                wire["GetAttachmentContents"] = 0
    return wire
