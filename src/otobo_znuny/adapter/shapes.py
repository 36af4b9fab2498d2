"""The ticket dict every adapter returns: one JSON-serialisable shape with stable keys.

Every key is always present (``None``, ``[]`` or ``{}`` when the system has no value), identifiers
are strings (ticket systems other than OTOBO/Znuny use non-numeric IDs), and times are ISO 8601
strings with a UTC offset. ``json.dumps(ticket)`` always works.

``TicketDict`` (and the dicts inside it) are ``TypedDict`` views of that shape for type checkers;
at runtime they are plain dicts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from otobo_znuny.models.base import IdName
from otobo_znuny.models.ticket import Article, Ticket

__all__ = [
    "ArticleDict",
    "CustomerDict",
    "FeedItemDict",
    "NamedRefDict",
    "TicketDict",
    "ticket_to_dict",
]


class NamedRefDict(TypedDict):
    """A queue, state, priority, user...: its ID and its name (either may be None)."""

    id: str | None
    name: str | None


class CustomerDict(TypedDict):
    """The ticket's customer: the customer user's login (``user``) and the company ID (``id``)."""

    user: str | None
    id: str | None


# "from" is a Python keyword, hence the functional syntax.
ArticleDict = TypedDict(
    "ArticleDict",
    {
        "id": str | None,
        "number": int | None,
        "subject": str | None,
        "body": str | None,
        "content_type": str | None,
        "from": str | None,
        "to": str | None,
        "cc": str | None,
        "sender_type": str | None,
        "channel": str | None,
        "visible_for_customer": bool | None,
        "created": str | None,
    },
)
"""An article: ``from``/``to``/``cc`` addresses, ``sender_type`` (agent, customer, system),
``channel`` (Email, Phone, Internal), ``visible_for_customer``, ``created`` (ISO 8601).
Attachments are not part of the shape; read them with the client (``adapter.client``)."""


class TicketDict(TypedDict):
    """A ticket as every ``TicketSystemAdapter`` returns it.

    ``created``/``changed``/``pending_until`` are ISO 8601 with offset; ``dynamic_fields`` maps a
    field name to its value (text, number, list for multi-value fields, None when empty);
    ``articles`` are oldest first. ``read_back_error`` is None normally; after an update or create
    that succeeded but whose ticket could not be read back, it says why, and the rest of the dict
    holds only what was known (the ID, the number...): fetch the ticket again for the full state.
    """

    id: str
    number: str
    title: str | None
    queue: NamedRefDict | None
    state: NamedRefDict | None
    state_type: str | None
    priority: NamedRefDict | None
    type: NamedRefDict | None
    lock: NamedRefDict | None
    owner: NamedRefDict | None
    responsible: NamedRefDict | None
    service: NamedRefDict | None
    sla: NamedRefDict | None
    customer: CustomerDict
    created: str | None
    changed: str | None
    pending_until: str | None
    dynamic_fields: dict[str, Any]
    articles: list[ArticleDict]
    read_back_error: str | None


def _ref(value: IdName | None) -> NamedRefDict | None:
    if value is None:
        return None
    return {"id": None if value.id is None else str(value.id), "name": value.name}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _article(article: Article) -> ArticleDict:
    return {
        "id": None if article.id is None else str(article.id),
        "number": article.article_number,
        "subject": article.subject,
        "body": article.body,
        "content_type": article.content_type,
        "from": article.from_addr,
        "to": article.to,
        "cc": article.cc,
        "sender_type": article.sender_type,
        "channel": article.communication_channel,
        "visible_for_customer": article.is_visible_for_customer,
        "created": _time(article.created_at),
    }


class FeedItemDict(TypedDict):
    """One ticket of an adapter feed (``iter_new_tickets``, ``iter_changed_tickets``): the ticket and the
    opaque cursor to store; passing it back as ``cursor=`` continues right after this ticket."""

    ticket: TicketDict
    cursor: str


def ticket_to_dict(ticket: Ticket) -> TicketDict:
    """The documented dict shape of a ``Ticket`` (a new dict; the model is not kept)."""
    return {
        "id": str(ticket.id),
        "number": ticket.number,
        "title": ticket.title,
        "queue": _ref(ticket.queue),
        "state": _ref(ticket.state),
        "state_type": ticket.state_type,
        "priority": _ref(ticket.priority),
        "type": _ref(ticket.type),
        "lock": _ref(ticket.lock),
        "owner": _ref(ticket.owner),
        "responsible": _ref(ticket.responsible),
        "service": _ref(ticket.service),
        "sla": _ref(ticket.sla),
        "customer": {"user": ticket.customer_user, "id": ticket.customer_id},
        "created": _time(ticket.created_at),
        "changed": _time(ticket.changed_at),
        "pending_until": _time(ticket.pending_until),
        "dynamic_fields": dict(ticket.dynamic_fields),
        "articles": [_article(article) for article in ticket.articles],
        "read_back_error": _read_back_error(ticket),
    }


def _read_back_error(ticket: Ticket) -> str | None:
    error = (ticket.extra or {}).get("read_back_error")
    return None if error is None else str(error)
