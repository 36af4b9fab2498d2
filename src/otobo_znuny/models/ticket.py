"""Tickets, articles, attachments and dynamic-field values as the library's users see them."""

from __future__ import annotations

import mimetypes
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from otobo_znuny.models.base import UNSET, DomainModel, IdName, IdNameLike, Unset

__all__ = [
    "TICKET_ATTRIBUTES",
    "Article",
    "Attachment",
    "DynamicFieldValue",
    "DynamicFieldWriteValue",
    "Ticket",
    "TicketBase",
    "TicketCreate",
    "TicketReference",
    "TicketUpdate",
]

DynamicFieldValue = str | int | float | list[Any] | None
"""A dynamic-field value as read: text, a number, a list (multiselect) or ``None`` (empty)."""

DynamicFieldWriteValue = str | int | list[str] | datetime | date | None
"""A value to write: text, a number, a list (multiselect), a date/datetime, or ``None`` to clear."""

_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def _no_newlines(name: str, value: str | None) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError(f"{name} must not contain line breaks")
    return value


class Attachment(DomainModel):
    """A file on an article. ``content`` is the raw bytes (base64 is the wire's business).

    Build one with :meth:`from_path` or :meth:`from_bytes`. Read back with
    ``get_ticket(..., attachments=True)``; ``content`` is empty when ``attachment_contents=False``.
    """

    filename: str
    content: bytes = b""
    content_type: str = "application/octet-stream"
    disposition: Literal["attachment", "inline"] | None = None
    content_id: str | None = None
    file_id: int | None = None
    size: int | None = None
    """Size in bytes: ``len(content)``, or the server's ``FilesizeRaw`` when contents were not fetched."""

    @field_validator("filename")
    @classmethod
    def _check_filename(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("filename must not be empty")
        _no_newlines("filename", value)
        return value

    @field_validator("content_type")
    @classmethod
    def _check_content_type(cls, value: str) -> str:
        _no_newlines("content_type", value)
        mime = value.split(";", 1)[0].strip()
        if not _MIME.match(mime):
            raise ValueError(f"content_type must look like 'type/subtype', got {value!r}")
        return value

    @model_validator(mode="after")
    def _fill_size(self) -> Attachment:
        if self.content and self.size is None:
            object.__setattr__(self, "size", len(self.content))
        return self

    @classmethod
    def from_bytes(
        cls,
        filename: str,
        content: bytes,
        content_type: str | None = None,
        disposition: Literal["attachment", "inline"] | None = "attachment",
    ) -> Attachment:
        """An attachment from bytes; the content type is guessed from the file name when not given."""
        guessed = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return cls(filename=filename, content=content, content_type=guessed, disposition=disposition)

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        content_type: str | None = None,
        disposition: Literal["attachment", "inline"] | None = "attachment",
        filename: str | None = None,
    ) -> Attachment:
        """An attachment read from a file.

        Raises:
            OSError: the file cannot be read.
        """
        file = Path(path)
        return cls.from_bytes(filename or file.name, file.read_bytes(), content_type, disposition)


class Article(DomainModel):
    """An article (a note, an e-mail, a phone call) on a ticket.

    For writing, ``subject`` and ``body`` are required; ``content_type`` defaults to
    ``text/plain; charset=utf-8`` and a missing charset is added (Znuny requires one).
    """

    id: int | None = None
    article_number: int | None = None
    from_addr: str | None = None
    to: str | None = None
    cc: str | None = None
    bcc: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    body: str | None = None
    content_type: str | None = None
    mime_type: str | None = None
    charset: str | None = None
    sender_type: str | None = None
    """``agent``, ``system`` or ``customer``."""
    communication_channel: str | None = None
    """``Email``, ``Phone`` or ``Internal``."""
    is_visible_for_customer: bool | None = None
    time_unit: float | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None
    created_by: int | None = None
    changed_by: int | None = None
    incoming_time: datetime | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    dynamic_fields: dict[str, DynamicFieldValue] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    """Keys of the server's article that this model does not name, kept as received."""

    @field_validator("content_type", "from_addr", "to", "cc", "bcc", "subject")
    @classmethod
    def _single_line(cls, value: str | None) -> str | None:
        return _no_newlines("header fields", value)

    @field_validator("content_type")
    @classmethod
    def _mime_type(cls, value: str | None) -> str | None:
        if value and not _MIME.match(value.split(";", 1)[0].strip()):
            raise ValueError(f"content_type must look like 'type/subtype', got {value!r}")
        return value

    @field_validator("time_unit")
    @classmethod
    def _non_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError("time_unit must not be negative")
        return value

    def check_writable(self, where: str = "article") -> None:
        """Raise ``ValueError`` naming the field when this article cannot be sent."""
        if not (self.subject and self.subject.strip()):
            raise ValueError(f"{where}.subject is required and must not be empty")
        if not (self.body and self.body.strip()):
            raise ValueError(f"{where}.body is required and must not be empty")


TICKET_ATTRIBUTES = (
    "title",
    "queue",
    "state",
    "priority",
    "type",
    "lock",
    "owner",
    "responsible",
    "service",
    "sla",
    "customer_user",
    "customer_id",
    "pending_time",
)
"""The ticket attributes that TicketCreate and TicketUpdate can set."""

_CLEARABLE = frozenset(("customer_user", "customer_id"))
"""The attributes TicketUpdate can clear (``None``); the server keeps the others set."""


def _writable_articles(article: Article | None, articles: list[Article]) -> list[Article]:
    """``[article]`` or ``articles``, each checked for sending.

    Raises:
        ValueError: both are given, or an article lacks a subject or body (named by its position).
    """
    if article is not None and articles:
        raise ValueError("give either article or articles, not both")
    if article is not None:
        article.check_writable("article")
        return [article]
    for index, item in enumerate(articles):
        item.check_writable(f"articles[{index}]")
    return list(articles)


class TicketBase(DomainModel):
    """Fields shared by :class:`TicketCreate` and :class:`Ticket`.

    ``queue``, ``state`` ... accept an ``IdName``, a name (``"Raw"``) or an ID (``2``).
    """

    queue: IdNameLike | None = None
    state: IdNameLike | None = None
    priority: IdNameLike | None = None
    type: IdNameLike | None = None
    owner: IdNameLike | None = None
    responsible: IdNameLike | None = None
    customer_user: str | None = None
    customer_id: str | None = None
    dynamic_fields: dict[str, Any] = Field(default_factory=dict)


class TicketCreate(TicketBase):
    """A new ticket. ``title``, ``queue``, ``customer_user`` and an article are required.

    ``state``/``priority`` fall back to the ClientConfig defaults (``new``, ``3 normal``).
    ``articles`` sends several articles at once (Znuny 7). ``pending_time`` is a datetime or a
    timedelta from now; it is used by the server only for pending states.
    """

    title: str
    article: Article | None = None
    articles: list[Article] = Field(default_factory=list)
    lock: IdNameLike | None = None
    service: IdNameLike | None = None
    sla: IdNameLike | None = None
    pending_time: datetime | timedelta | None = None
    dynamic_fields: dict[str, DynamicFieldWriteValue] = Field(default_factory=dict)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be empty")
        return _no_newlines("title", value) or value

    @field_validator("customer_user", "customer_id")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value

    @model_validator(mode="after")
    def _check_articles(self) -> TicketCreate:
        _writable_articles(self.article, self.articles)
        return self

    @property
    def all_articles(self) -> list[Article]:
        """``[article]`` or ``articles``."""
        return _writable_articles(self.article, self.articles)


class TicketUpdate(DomainModel):
    """A partial update of one ticket, named by ``id`` or ``number``.

    Only fields that were set are sent. ``UNSET`` (the default) means "leave unchanged"; ``None``
    means "clear" where the server can clear a value (``customer_user``, dynamic fields), and is
    refused elsewhere. ``customer_id`` needs ``customer_user`` in the same update, because the server
    clears a customer user that is not sent along. A pending state needs ``pending_time``.
    """

    id: int | None = None
    number: str | None = None
    title: str | Unset = UNSET
    queue: IdNameLike | Unset = UNSET
    state: IdNameLike | Unset = UNSET
    priority: IdNameLike | Unset = UNSET
    type: IdNameLike | Unset = UNSET
    lock: IdNameLike | Unset = UNSET
    owner: IdNameLike | Unset = UNSET
    responsible: IdNameLike | Unset = UNSET
    service: IdNameLike | Unset = UNSET
    sla: IdNameLike | Unset = UNSET
    customer_user: str | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    pending_time: datetime | timedelta | Unset = UNSET
    dynamic_fields: dict[str, DynamicFieldWriteValue] = Field(default_factory=dict)
    article: Article | None = None
    articles: list[Article] = Field(default_factory=list)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | Unset) -> str | Unset:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("title must not be empty (the server ignores an empty title)")
            _no_newlines("title", value)
        return value

    @field_validator("number")
    @classmethod
    def _number(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("number must not be empty")
        return value

    @model_validator(mode="before")
    @classmethod
    def _refuse_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in TICKET_ATTRIBUTES:
                if key not in _CLEARABLE and key in data and data[key] is None:
                    raise ValueError(f"{key} cannot be cleared through the GenericInterface; leave it UNSET to keep it")
        return data

    @model_validator(mode="after")
    def _check(self) -> TicketUpdate:
        if self.id is None and self.number is None:
            raise ValueError("TicketUpdate needs id or number")
        if self.id is not None and self.number is not None:
            raise ValueError("give id or number, not both (the server would use the number and ignore the id)")
        if self.id is not None and self.id <= 0:
            raise ValueError("id must be a positive integer")
        if self.customer_id is not UNSET and self.customer_user is UNSET:
            raise ValueError(
                "customer_id needs customer_user in the same update (the server would clear the customer user)"
            )
        state = self.state
        pending = isinstance(state, IdName) and bool(state.name) and str(state.name).lower().startswith("pending")
        if pending and self.pending_time is UNSET:
            assert isinstance(state, IdName)
            raise ValueError(f"state {state.name!r} is a pending state and needs pending_time")
        _writable_articles(self.article, self.articles)
        return self

    @property
    def all_articles(self) -> list[Article]:
        """``[article]`` or ``articles``."""
        return _writable_articles(self.article, self.articles)

    def changes(self) -> dict[str, Any]:
        """The ticket attributes this update sets (UNSET ones left out)."""
        return {name: getattr(self, name) for name in TICKET_ATTRIBUTES if getattr(self, name) is not UNSET}


class Ticket(TicketBase):
    """A ticket as TicketGet returns it. Times are timezone-aware datetimes.

    ``extra`` keeps every key of the server's ticket that this model does not name.
    """

    id: int
    number: str
    title: str | None = None
    lock: IdName | None = None
    service: IdName | None = None
    sla: IdName | None = None
    state_type: str | None = None
    group_id: int | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None
    created_by: int | None = None
    changed_by: int | None = None
    archived: bool = False
    age: int | None = None
    """Seconds since creation, as the server computed it."""
    pending_until: datetime | None = None
    """When a pending state ends (None when no pending time is set)."""
    unlock_timeout: datetime | None = None
    escalation_time: datetime | None = None
    escalation_response_time: datetime | None = None
    escalation_update_time: datetime | None = None
    escalation_solution_time: datetime | None = None
    time_unit: float | None = None
    articles: list[Article] = Field(default_factory=list)
    dynamic_fields: dict[str, DynamicFieldValue] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)


class TicketReference(DomainModel):
    """What TicketCreate/TicketUpdate answer: the ticket's ID and number, and the new article IDs."""

    ticket_id: int
    ticket_number: str | None = None
    article_ids: list[int] = Field(default_factory=list)
