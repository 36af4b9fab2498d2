"""The one place where domain models become GenericInterface JSON and back.

Request side: ``*_to_wire`` functions return the operation's parameters (without credentials).
Reply side: ``*_from_wire`` functions turn parsed wire shapes (``wire.shapes``) into domain models.
All functions are pure; the async and the sync client share them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from otobo_znuny.auth import BasicAuth, SessionAuth
from otobo_znuny.config import ServerFlavor
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import IdName
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import TicketSearch, TimeFilter
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import (
    DEFAULT_CONTENT_TYPE,
    TICKET_ATTRIBUTES,
    Article,
    Attachment,
    Ticket,
    TicketCreate,
    TicketUpdate,
)
from otobo_znuny.wire.shapes import (
    WsArticle,
    WsAttachment,
    WsDynamicField,
    WsHistoryEntry,
    WsKeyValue,
    WsTicket,
)
from otobo_znuny.wire.values import (
    dynamic_field_value_to_wire,
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
    "dynamic_fields_from_wire",
    "dynamic_fields_to_wire",
    "history_from_wire",
    "id_name_to_wire",
    "session_info_from_wire",
    "ticket_attributes_to_wire",
    "ticket_create_to_wire",
    "ticket_from_wire",
    "ticket_get_to_wire",
    "ticket_search_to_wire",
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


# ---- request side -----------------------------------------------------------------------------


def id_name_to_wire(key: str, value: IdName | None, id_key: str | None = None) -> dict[str, Any]:
    """``IdName(name="Raw")`` -> ``{"Queue": "Raw"}``; with an ID -> ``{"QueueID": 2}`` (never both)."""
    if value is None:
        return {}
    if value.id is not None:
        return {id_key or f"{key}ID": value.id}
    return {key: value.name}


def dynamic_fields_to_wire(fields: dict[str, Any], tz: tzinfo) -> list[dict[str, Any]]:
    """``{"OrderID": "A-1", "Tags": ["vip"]}`` -> ``[{"Name": "OrderID", "Value": "A-1"}, ...]``."""
    return [{"Name": name, "Value": dynamic_field_value_to_wire(value, tz)} for name, value in fields.items()]


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
        "Content": base64.b64encode(attachment.content).decode("ascii"),
        "ContentType": attachment.content_type,
        "Filename": attachment.filename,
    }
    if attachment.disposition:
        wire["Disposition"] = attachment.disposition
    if attachment.content_id:
        wire["ContentID"] = attachment.content_id
    return wire


def _content_type(value: str | None) -> str:
    if not value:
        return DEFAULT_CONTENT_TYPE
    if "charset=" not in value.lower():
        return f"{value.strip().rstrip(';')}; charset=utf-8"
    return value


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
        "Subject": article.subject,
        "Body": body,
        "ContentType": _content_type(article.content_type),
        "CommunicationChannel": article.communication_channel or "Internal",
    }
    optional = {
        "SenderType": article.sender_type,
        "From": article.from_addr,
        "To": article.to,
        "Cc": article.cc,
        "Bcc": article.bcc,
        "ReplyTo": article.reply_to,
        "MessageID": article.message_id,
        "InReplyTo": article.in_reply_to,
        "References": article.references,
    }
    wire.update({key: value for key, value in optional.items() if value is not None})
    if article.is_visible_for_customer is not None:
        wire["IsVisibleForCustomer"] = wire_bool(article.is_visible_for_customer)
    if article.time_unit is not None:
        wire["TimeUnit"] = article.time_unit
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


def _ticket_attributes(values: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    ticket: dict[str, Any] = {}
    for key, wire_key, id_key in _ID_NAME_FIELDS:
        if key in values:
            ticket.update(id_name_to_wire(wire_key, values[key], id_key))
    if "title" in values and values["title"] is not None:
        ticket["Title"] = values["title"]
    if "customer_user" in values:
        ticket["CustomerUser"] = values["customer_user"] or ""
    if "customer_id" in values and values["customer_id"] is not None:
        ticket["CustomerID"] = values["customer_id"]
    if values.get("pending_time") is not None:
        try:
            ticket["PendingTime"] = pending_time_to_wire(values["pending_time"], tz)
        except ValueError as exc:
            raise RequestValidationError("pending_time", str(exc)) from None
    return ticket


def ticket_attributes_to_wire(values: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """The ``Ticket`` object for attribute values named as in ``TICKET_ATTRIBUTES`` (present keys only).

    Raises:
        RequestValidationError: a pending time that cannot be sent.
    """
    return _ticket_attributes(values, tz)


_ID_NAME_FIELDS = (
    ("queue", "Queue", None),
    ("state", "State", None),
    ("priority", "Priority", None),
    ("type", "Type", None),
    ("lock", "Lock", None),
    ("owner", "Owner", None),
    ("responsible", "Responsible", None),
    ("service", "Service", None),
    ("sla", "SLA", "SLAID"),
)


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


# The TicketSearch vocabulary: TicketSearch field -> wire key(s). The adapter's query dicts are read
# with the same tables, reversed.

SEARCH_TIME_PREFIXES: dict[str, str] = {
    "created": "TicketCreateTime",
    "changed": "TicketChangeTime",
    "last_changed": "TicketLastChangeTime",
    "closed": "TicketCloseTime",
    "pending": "TicketPendingTime",
    "article_created": "ArticleCreateTime",
    "escalation": "TicketEscalationTime",
    "escalation_update": "TicketEscalationUpdateTime",
    "escalation_response": "TicketEscalationResponseTime",
    "escalation_solution": "TicketEscalationSolutionTime",
}

SEARCH_ID_NAME_LISTS = (
    ("queues", "Queues", "QueueIDs"),
    ("states", "States", "StateIDs"),
    ("priorities", "Priorities", "PriorityIDs"),
    ("types", "Types", "TypeIDs"),
    ("services", "Services", "ServiceIDs"),
    ("slas", "SLAs", "SLAIDs"),
    ("locks", "Locks", "LockIDs"),
    ("owners", None, "OwnerIDs"),
    ("responsibles", None, "ResponsibleIDs"),
    ("watchers", None, "WatchUserIDs"),
    ("created_by", None, "CreatedUserIDs"),
    ("created_types", "CreatedTypes", "CreatedTypeIDs"),
    ("created_states", "CreatedStates", "CreatedStateIDs"),
    ("created_queues", "CreatedQueues", "CreatedQueueIDs"),
    ("created_priorities", "CreatedPriorities", "CreatedPriorityIDs"),
)

SEARCH_STRING_LISTS = (
    ("ticket_numbers", "TicketNumber"),
    ("titles", "Title"),
    ("customer_ids", "CustomerID"),
    ("customer_id_raw", "CustomerIDRaw"),
    ("customer_users", "CustomerUserLogin"),
    ("state_types", "StateType"),
)

SEARCH_ARTICLE_TEXT = (
    ("article_from", "MIMEBase_From"),
    ("article_to", "MIMEBase_To"),
    ("article_cc", "MIMEBase_Cc"),
    ("article_bcc", "MIMEBase_Bcc"),
    ("article_subject", "MIMEBase_Subject"),
    ("article_body", "MIMEBase_Body"),
    ("attachment_name", "MIMEBase_AttachmentName"),
)

SEARCH_DF_OPERATORS = (
    ("equals", "Equals"),
    ("like", "Like"),
    ("greater_than", "GreaterThan"),
    ("greater_than_equals", "GreaterThanEquals"),
    ("smaller_than", "SmallerThan"),
    ("smaller_than_equals", "SmallerThanEquals"),
)


def _time_filter_to_wire(prefix: str, flt: TimeFilter, tz: tzinfo) -> dict[str, Any]:
    wire: dict[str, Any] = {}
    for value, relation in ((flt.newer_than, "Newer"), (flt.older_than, "Older")):
        if isinstance(value, timedelta):
            wire[f"{prefix}{relation}Minutes"] = minutes(value)
        elif isinstance(value, datetime):
            wire[f"{prefix}{relation}Date"] = format_server_time(value, tz)
    return wire


def _filter_value(value: Any, tz: tzinfo) -> Any:
    if isinstance(value, (list, tuple)):
        return [_filter_value(item, tz) for item in value]
    if isinstance(value, bool):
        return wire_bool(value)
    if isinstance(value, (datetime, date)):
        return format_server_time(value, tz)
    if isinstance(value, Decimal):
        return str(value)
    return value


def ticket_search_to_wire(search: TicketSearch, *, tz: tzinfo) -> dict[str, Any]:
    """TicketSearch parameters. Lists of names and lists of IDs go to their own keys.

    Raises:
        RequestValidationError: a list mixes names and IDs (the server would AND them, not OR), or a
            criterion the server would misread (see ``TicketSearch.check_sendable``).
    """
    search.check_sendable()
    wire: dict[str, Any] = {}
    if search.ticket_ids:
        wire["TicketID"] = [str(i) for i in search.ticket_ids]
    for field, key in SEARCH_STRING_LISTS:
        values = getattr(search, field)
        if values:
            wire[key] = list(values)
    for field, name_key, id_key in SEARCH_ID_NAME_LISTS:
        items: list[IdName] = getattr(search, field)
        if not items:
            continue
        if all(item.id is not None for item in items):
            wire[id_key] = [item.id for item in items]
        elif all(item.id is None for item in items) and name_key is not None:
            wire[name_key] = [item.name for item in items]
        else:
            raise RequestValidationError(
                field, "give all items by name or all by ID: the server would AND a name list with an ID list"
            )
    if search.use_sub_queues:
        wire["UseSubQueues"] = 1
    for field, prefix in SEARCH_TIME_PREFIXES.items():
        flt = getattr(search, field)
        if flt is not None:
            wire.update(_time_filter_to_wire(prefix, flt, tz))
    for field, key in SEARCH_ARTICLE_TEXT:
        value = getattr(search, field)
        if value is not None:
            wire[key] = value
    if search.content_search:
        wire["ContentSearch"] = search.content_search
    if search.fulltext is not None:
        wire["Fulltext"] = search.fulltext
    for flt in search.dynamic_fields:
        condition: dict[str, Any] = {}
        for field, key in SEARCH_DF_OPERATORS:
            value = getattr(flt, field)
            if value is not None:
                condition[key] = _filter_value(value, tz)
        if flt.empty is not None:
            condition["Empty"] = wire_bool(flt.empty)
        wire[f"DynamicField_{flt.field_name}"] = condition
    if search.sort_by:
        sort = [s.value if hasattr(s, "value") else s for s in search.sort_by]
        wire["SortBy"] = sort[0] if len(sort) == 1 else sort
    if search.order_by:
        order = [o.value for o in search.order_by]
        wire["OrderBy"] = order[0] if len(order) == 1 else order
    if search.search_in_archive:
        wire["SearchInArchive"] = search.search_in_archive
    if search.limit is not None:
        wire["Limit"] = search.limit
    return wire


# ---- reply side -------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def _trusted_constructor(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """Build ``model`` instances from converted values exactly as ``model_construct`` does, at a
    fraction of its cost (TicketGet replies build hundreds of models per batch).

    ``values`` must name every field in the model's field order; a dict of another size goes through
    ``model_construct``.

    Raises:
        TypeError: ``model`` keeps extra keys, private attributes or a post-init hook, which this
            shortcut would skip.
    """
    if model.model_config.get("extra") == "allow" or model.__private_attributes__ or model.__pydantic_post_init__:
        raise TypeError(f"{model.__name__} needs model_construct")
    field_count = len(model.model_fields)
    new_instance = object.__new__
    set_attribute = object.__setattr__

    def construct(values: dict[str, Any]) -> M:
        if len(values) != field_count:
            return model.model_construct(**values)
        instance: M = new_instance(model)
        set_attribute(instance, "__dict__", values)
        set_attribute(instance, "__pydantic_fields_set__", set(values))
        set_attribute(instance, "__pydantic_extra__", None)
        set_attribute(instance, "__pydantic_private__", None)
        return instance

    return construct


_new_id_name = _trusted_constructor(IdName)
_new_attachment = _trusted_constructor(Attachment)
_new_article = _trusted_constructor(Article)
_new_ticket = _trusted_constructor(Ticket)


def _id_name(id_value: int | None, name: str | None) -> IdName | None:
    if id_value is None and not name:
        return None
    return _new_id_name({"id": id_value, "name": name or None})


def dynamic_fields_from_wire(fields: Iterable[WsDynamicField]) -> dict[str, Any]:
    """``[{"Name","Value"}]`` -> ``{name: value}`` (lists stay lists, null stays None)."""
    return {field.Name: field.Value for field in fields}


def attachment_from_wire(wire: WsAttachment) -> Attachment:
    """A wire attachment -> ``Attachment`` with decoded bytes.

    Raises:
        ValueError: ``Content`` is not valid base64.
    """
    try:
        content = base64.b64decode(wire.Content, validate=False) if wire.Content else b""
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"attachment {wire.Filename!r}: Content is not base64 ({exc})") from None
    size = len(content) if content else wire.FilesizeRaw
    disposition: Literal["attachment", "inline"] | None = None
    if wire.Disposition == "attachment":
        disposition = "attachment"
    elif wire.Disposition == "inline":
        disposition = "inline"
    return _new_attachment(
        {
            "filename": wire.Filename,
            "content": content,
            "content_type": wire.ContentType,
            "disposition": disposition,
            "content_id": wire.ContentID or None,
            "file_id": wire.FileID,
            "size": size,
        }
    )


def article_from_wire(wire: WsArticle, tz: tzinfo) -> Article:
    """A wire article -> ``Article``; unknown keys go to ``extra``."""
    extra = dict(wire.__pydantic_extra__ or {})
    if wire.ContentCharset is not None:
        extra["ContentCharset"] = wire.ContentCharset
    if wire.SenderTypeID is not None:
        extra["SenderTypeID"] = wire.SenderTypeID
    if wire.CommunicationChannelID is not None:
        extra["CommunicationChannelID"] = wire.CommunicationChannelID
    channel = wire.CommunicationChannel or _CHANNELS.get(wire.CommunicationChannelID or 0)
    return _new_article(
        {
            "id": wire.ArticleID,
            "article_number": wire.ArticleNumber,
            "from_addr": wire.From,
            "to": wire.To or None,
            "cc": wire.Cc or None,
            "bcc": wire.Bcc or None,
            "reply_to": wire.ReplyTo or None,
            "subject": wire.Subject,
            "body": wire.Body,
            "content_type": wire.ContentType,
            "mime_type": wire.MimeType,
            "charset": wire.Charset,
            "sender_type": wire.SenderType,
            "communication_channel": channel,
            "is_visible_for_customer": None if wire.IsVisibleForCustomer is None else bool(wire.IsVisibleForCustomer),
            "time_unit": wire.TimeUnit,
            "message_id": wire.MessageID or None,
            "in_reply_to": wire.InReplyTo or None,
            "references": wire.References or None,
            "created_at": parse_server_time(wire.CreateTime, tz),
            "changed_at": parse_server_time(wire.ChangeTime, tz),
            "created_by": wire.CreateBy,
            "changed_by": wire.ChangeBy,
            "incoming_time": parse_epoch(wire.IncomingTime),
            "attachments": [attachment_from_wire(att) for att in wire.Attachment],
            "dynamic_fields": dynamic_fields_from_wire(wire.DynamicField),
            "extra": extra,
        }
    )


# The IDs of the three communication channels every installation ships (Znuny and OTOBO alike).
_CHANNELS = {1: "Email", 2: "Phone", 3: "Internal"}


def ticket_from_wire(wire: WsTicket, tz: tzinfo) -> Ticket:
    """A wire ticket -> ``Ticket``; unknown keys (escalation details, ``Extended`` data...) go to ``extra``."""
    extra = dict(wire.__pydantic_extra__ or {})
    if wire.UntilTime is not None:
        extra["UntilTime"] = wire.UntilTime
    return _new_ticket(
        {  # in the field order of Ticket, so repr and dumps equal those of a validated Ticket
            "number": wire.TicketNumber,
            "title": wire.Title,
            "lock": _id_name(wire.LockID, wire.Lock),
            "queue": _id_name(wire.QueueID, wire.Queue),
            "state": _id_name(wire.StateID, wire.State),
            "priority": _id_name(wire.PriorityID, wire.Priority),
            "type": _id_name(wire.TypeID, wire.Type),
            "owner": _id_name(wire.OwnerID, wire.Owner),
            "responsible": _id_name(wire.ResponsibleID, wire.Responsible),
            "customer_user": wire.CustomerUserID or None,
            "customer_id": wire.CustomerID or None,
            "created_at": parse_server_time(wire.Created, tz),
            "changed_at": parse_server_time(wire.Changed, tz),
            "dynamic_fields": dynamic_fields_from_wire(wire.DynamicField),
            "id": wire.TicketID,
            "service": _id_name(wire.ServiceID, wire.Service),
            "sla": _id_name(wire.SLAID, wire.SLA),
            "state_type": wire.StateType,
            "group_id": wire.GroupID,
            "created_by": wire.CreateBy,
            "changed_by": wire.ChangeBy,
            "archived": wire.ArchiveFlag == "y",
            "age": wire.Age,
            "pending_until": parse_epoch(wire.RealTillTimeNotUsed),
            "unlock_timeout": parse_epoch(wire.UnlockTimeout),
            "escalation_time": parse_epoch(wire.EscalationTime),
            "escalation_response_time": parse_epoch(wire.EscalationResponseTime),
            "escalation_update_time": parse_epoch(wire.EscalationUpdateTime),
            "escalation_solution_time": parse_epoch(wire.EscalationSolutionTime),
            "time_unit": wire.TimeUnit,
            "articles": [article_from_wire(article, tz) for article in wire.Article],
            "extra": extra,
        }
    )


def history_from_wire(ticket_id: int, wire: WsHistoryEntry, tz: tzinfo) -> HistoryEntry:
    """A wire history line -> ``HistoryEntry`` (``ArticleID`` 0 becomes None)."""
    return HistoryEntry.model_construct(
        ticket_id=wire.TicketID or ticket_id,
        history_type=wire.HistoryType,
        history_type_id=wire.HistoryTypeID,
        name=wire.Name,
        article_id=wire.ArticleID or None,
        created_at=parse_server_time(wire.CreateTime, tz),
        created_by=wire.CreateBy,
        queue_id=wire.QueueID,
        owner_id=wire.OwnerID,
        priority_id=wire.PriorityID,
        state_id=wire.StateID,
        type_id=wire.TypeID,
    )


def session_info_from_wire(entries: Iterable[WsKeyValue]) -> SessionInfo:
    """SessionData -> ``SessionInfo``; ``Serialized`` values are decoded from JSON."""
    data: dict[str, Any] = {}
    for entry in entries:
        value = entry.Value
        if entry.Serialized and isinstance(value, str):
            with contextlib.suppress(ValueError, RecursionError):
                value = json.loads(value)
        data[entry.Key] = value
    data.pop("UserPw", None)
    return SessionInfo(data=data)
