"""Tickets, articles, attachments and dynamic-field values as the library's users see them."""

from __future__ import annotations

import math
import mimetypes
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import CLEAR, Clear, DomainModel, IdName, IdNameLike, accept_original_names

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

DynamicFieldWriteValue = str | int | list[str] | datetime | date
"""A value to write: text, a number, a list (multiselect) or a date/datetime."""

DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8"
"""The content type of an article that names none (also the original library's default)."""

_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def _no_newlines(name: str, value: str | None) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError(f"{name} must not contain line breaks")
    return value


def _has_line_break(value: str | None) -> bool:
    return value is not None and ("\r" in value or "\n" in value)


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

    Any values are accepted here; what the server needs is checked when the article is sent
    (:meth:`check_writable`): a non-empty ``subject`` and ``body``, single-line header fields, a
    ``type/subtype`` content type. ``content_type`` defaults to ``text/plain; charset=utf-8`` and a
    missing charset is added when sending (Znuny requires one).

    The original library's names work as keywords and attributes: ``to_addr`` (= ``to``) and
    ``article_id`` (= ``id``).
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
    content_type: str | None = DEFAULT_CONTENT_TYPE
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

    @model_validator(mode="before")
    @classmethod
    def _original_names(cls, data: Any) -> Any:
        return accept_original_names(
            data, {"to_addr": "to", "article_id": "id"}, none_means_default=("attachments", "dynamic_fields", "extra")
        )

    @field_validator("time_unit")
    @classmethod
    def _non_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError("time_unit must not be negative")
        if value is not None and not math.isfinite(value):  # NaN/Infinity are not JSON: the server cannot read them
            raise ValueError(f"time_unit must be a finite number, got {value!r}")
        return value

    @property
    def to_addr(self) -> str | None:
        """The original library's name of ``to``."""
        return self.to

    @to_addr.setter
    def to_addr(self, value: str | None) -> None:
        self.to = value

    @property
    def article_id(self) -> int | None:
        """The original library's name of ``id``."""
        return self.id

    @article_id.setter
    def article_id(self, value: int | None) -> None:
        self.id = value

    def check_writable(self, where: str = "article") -> None:
        """Check that this article can be sent; called by ``create_ticket``/``update_ticket`` before sending.

        Raises:
            RequestValidationError: names the field (``article.subject``...) and the problem.
        """
        for name in ("subject", "body"):
            value = getattr(self, name)
            if not (value and value.strip()):
                raise RequestValidationError(
                    f"{where}.{name}", "required and must not be empty (the server refuses the article without it)"
                )
        for name in ("subject", "from_addr", "to", "cc", "bcc", "content_type"):
            if _has_line_break(getattr(self, name)):
                raise RequestValidationError(f"{where}.{name}", "must not contain line breaks (it is a header field)")
        if self.content_type and not _MIME.match(self.content_type.split(";", 1)[0].strip()):
            raise RequestValidationError(
                f"{where}.content_type", f"must look like 'type/subtype', got {self.content_type!r}"
            )


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

_CLEARABLE = frozenset(("customer_user",))
"""The attributes TicketUpdate can clear (``CLEAR``); dynamic-field values can be cleared too."""

_NOT_CLEARABLE_WHY = {
    "customer_id": "the server replaces an empty CustomerID with the customer user's company ID",
    "pending_time": "the server ignores a PendingTime without a pending state; set a state that is not pending",
}

_SERVER_ASSIGNED = ("number", "created_at", "changed_at")
"""Fields the original library's write models had but the server assigns itself."""


def _refuse_clear(data: Any, allowed: frozenset[str], model: str) -> None:
    """Refuse ``CLEAR`` on attributes the GenericInterface cannot clear (before the model is built)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if value is CLEAR and key not in allowed:
            why = _NOT_CLEARABLE_WHY.get(key, "the GenericInterface cannot remove it")
            raise ValueError(f"{key} cannot be cleared in a {model} ({why}); leave it None to keep it")


def _refuse_none_values(fields: Any) -> Any:
    if isinstance(fields, dict):
        for name, value in fields.items():
            if value is None:
                raise ValueError(
                    f"dynamic field {name!r} is None: use CLEAR to clear it, or leave the key out to keep its value"
                )
    return fields


def _check_articles(article: Article | None, articles: list[Article]) -> None:
    """Raise ``RequestValidationError`` unless the article(s) can be sent (named by position)."""
    if article is not None:
        article.check_writable("article")
    for index, item in enumerate(articles):
        item.check_writable(f"articles[{index}]")
    if article is not None and articles:
        raise RequestValidationError("articles", "give either article or articles, not both")


def _check_title(title: str | None, why_empty: str) -> None:
    if title is None:
        return
    if not title.strip():
        raise RequestValidationError("title", f"must not be empty ({why_empty})")
    if _has_line_break(title):
        raise RequestValidationError("title", "must not contain line breaks")


def _check_not_server_assigned(model: DomainModel, name: str) -> None:
    for field in _SERVER_ASSIGNED:
        if field == "number" and name == "TicketUpdate":
            continue  # there it names the ticket to update
        if getattr(model, field) is not None:
            raise RequestValidationError(
                field, f"the server assigns it; a {name} cannot set it (the original library silently dropped it)"
            )


class TicketBase(DomainModel):
    """Fields shared by :class:`TicketCreate`, :class:`TicketUpdate` and :class:`Ticket`.

    ``queue``, ``state`` ... accept an ``IdName``, a name (``"Raw"``) or an ID (``2``).
    """

    number: str | None = None
    title: str | None = None
    lock: IdNameLike | None = None
    queue: IdNameLike | None = None
    state: IdNameLike | None = None
    priority: IdNameLike | None = None
    type: IdNameLike | None = None
    owner: IdNameLike | None = None
    responsible: IdNameLike | None = None
    customer_user: str | Clear | None = None
    """``CLEAR`` only in a ``TicketUpdate``; a text (or ``None``) everywhere else."""
    customer_id: str | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None
    dynamic_fields: dict[str, Any] = Field(default_factory=dict)

    def get_articles(self) -> list[Article]:
        """The articles this model carries (the original library's accessor)."""
        return []


class _TicketWrite(TicketBase):
    """What TicketCreate and TicketUpdate share: the attributes only writes set, and the article(s)."""

    service: IdNameLike | None = None
    sla: IdNameLike | None = None
    pending_time: datetime | timedelta | None = None
    article: Article | None = None
    articles: list[Article] = Field(default_factory=list)

    @field_validator("dynamic_fields", mode="before")
    @classmethod
    def _dynamic_fields(cls, value: Any) -> Any:
        return _refuse_none_values(value)

    @property
    def all_articles(self) -> list[Article]:
        """``[article]`` or ``articles``."""
        return [self.article] if self.article is not None else list(self.articles)

    def get_articles(self) -> list[Article]:
        """``[article]`` or ``articles`` (the original library's accessor)."""
        return self.all_articles


class TicketCreate(_TicketWrite):
    """A new ticket. ``None`` (the default of every optional field) means "not given".

    Sending it (``create_ticket``) needs ``title``, ``queue``, ``customer_user`` and an article;
    ``state``/``priority`` fall back to the ClientConfig defaults (``new``, ``3 normal``). Those rules
    are checked by :meth:`check_sendable` before anything is sent, not when the model is built, so
    fakes and fixtures can build any TicketCreate the original library accepted.
    ``articles`` sends several articles at once (Znuny 7). ``pending_time`` is a datetime or a
    timedelta from now; the server uses it only for pending states.
    """

    customer_user: str | None = None
    dynamic_fields: dict[str, DynamicFieldWriteValue] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _original_input(cls, data: Any) -> Any:
        _refuse_clear(data, frozenset(), "TicketCreate")
        return accept_original_names(data, none_means_default=("articles", "dynamic_fields"))

    def check_sendable(self) -> None:
        """Check what the model alone can tell about sending it (``create_ticket`` calls this first).

        Raises:
            RequestValidationError: names the field and the problem.
        """
        if self.title is None:
            raise RequestValidationError("title", "required: the server refuses a ticket without a title")
        _check_title(self.title, "the server refuses an empty title")
        for name in ("customer_user", "customer_id"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise RequestValidationError(name, "must not be blank")
        _check_not_server_assigned(self, "TicketCreate")
        _check_articles(self.article, self.articles)


class TicketUpdate(_TicketWrite):
    """A partial update of one ticket, named by ``id`` or ``number``.

    Only fields that are set are sent: ``None`` (the default) means "leave unchanged", as in the
    original library. :data:`CLEAR` clears a value where the server can: ``customer_user`` (with a
    non-empty ``customer_id``, because the server changes the customer only when one of the two is
    non-empty) and dynamic fields (``dynamic_fields={"OrderID": CLEAR}``). ``customer_id`` needs
    ``customer_user`` in the same update, because the server clears a customer user that is not sent
    along. A pending state needs ``pending_time``, and ``pending_time`` needs ``state`` (the server
    ignores a PendingTime without a state change). These rules are checked by :meth:`check_sendable`
    before anything is sent, not when the model is built.
    """

    id: int | None = None
    dynamic_fields: dict[str, DynamicFieldWriteValue | Clear] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _original_input(cls, data: Any) -> Any:
        _refuse_clear(data, _CLEARABLE, "TicketUpdate")
        return accept_original_names(
            data, none_means_default=("articles", "dynamic_fields"), unset_means_none=True, clearable=_CLEARABLE
        )

    def changes(self) -> dict[str, Any]:
        """The ticket attributes this update sets (``None`` ones left out; ``CLEAR`` kept)."""
        return {name: getattr(self, name) for name in TICKET_ATTRIBUTES if getattr(self, name) is not None}

    def check_sendable(self) -> None:
        """Check the update before it is sent (``update_ticket`` calls this first).

        Raises:
            RequestValidationError: names the field and the problem.
        """
        if self.id is None and self.number is None:
            raise RequestValidationError("id", "TicketUpdate needs id or number")
        if self.id is not None and self.id <= 0:
            raise RequestValidationError("id", f"must be a positive integer, got {self.id}")
        if self.number is not None and not self.number.strip():
            raise RequestValidationError("number", "must not be empty")
        if self.id is not None and self.number is not None:
            raise RequestValidationError(
                "number", "give id or number, not both (the server would use the number and ignore the id)"
            )
        _check_title(self.title, "the server ignores an empty title")
        _check_not_server_assigned(self, "TicketUpdate")
        if self.customer_id is not None and self.customer_user is None:
            raise RequestValidationError(
                "customer_id",
                "needs customer_user in the same update (the server would clear the customer user)",
            )
        if self.customer_user is CLEAR and self.customer_id is not None and not self.customer_id.strip():
            raise RequestValidationError(
                "customer_id",
                "must not be empty when customer_user is cleared "
                "(the server changes the customer only when CustomerUser or CustomerID is non-empty)",
            )
        if self.customer_user is CLEAR and not self.customer_id:
            raise RequestValidationError(
                "customer_user",
                "clearing it needs a non-empty customer_id in the same update "
                "(the server changes the customer only when CustomerUser or CustomerID is non-empty)",
            )
        if isinstance(self.customer_user, str) and not self.customer_user.strip():
            raise RequestValidationError("customer_user", "must not be blank; use CLEAR to clear it")
        state = self.state
        if state is not None and state.name and state.name.lower().startswith("pending") and self.pending_time is None:
            raise RequestValidationError("state", f"{state.name!r} is a pending state and needs pending_time")
        if self.pending_time is not None and state is None:  # CONTRACT.md TicketUpdate "Pending"
            raise RequestValidationError(
                "pending_time",
                "the server sets a pending time only with a state change and ignores it alone: give "
                "the pending state too (e.g. state='pending reminder')",
            )
        _check_articles(self.article, self.articles)


def _empty_number(value: Any) -> Any:
    return "" if value is None else value


class Ticket(TicketBase):
    """A ticket as TicketGet returns it. Times are timezone-aware datetimes.

    Only ``id`` is required to build one (fakes, fixtures, caches); ``number`` is then ``""``.
    ``extra`` keeps every key of the server's ticket that this model does not name.
    """

    id: int
    number: str = ""
    """The ticket number; always sent by the server, ``""`` when a ticket is built without one."""
    customer_user: str | None = None
    service: IdName | None = None
    sla: IdName | None = None
    state_type: str | None = None
    group_id: int | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _original_input(cls, data: Any) -> Any:
        data = accept_original_names(data, none_means_default=("articles", "dynamic_fields", "extra"))
        if isinstance(data, dict) and "number" in data:
            data["number"] = _empty_number(data["number"])
        return data

    def get_articles(self) -> list[Article]:
        """The ticket's articles (the original library's accessor)."""
        return list(self.articles)


class TicketReference(DomainModel):
    """What TicketCreate/TicketUpdate answer: the ticket's ID and number, and the new article IDs."""

    ticket_id: int
    ticket_number: str | None = None
    article_ids: list[int] = Field(default_factory=list)
