"""TicketSearch criteria as typed fields.

The server ignores unknown or misspelled search keys and then matches every ticket; an unknown
SortBy silently returns nothing. This model is where such mistakes are caught: every criterion
is a named field, and invalid values or combinations raise before anything is sent.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import DomainModel, IdNameLike, accept_original_names

__all__ = [
    "DynamicFieldFilter",
    "SortField",
    "SortOrder",
    "StateType",
    "TicketSearch",
    "TimeFilter",
]

_DF_NAME = re.compile(r"^[A-Za-z0-9]+$")


class SortField(str, Enum):
    """Values TicketSearch accepts for SortBy (besides ``DynamicField_<Name>``)."""

    OWNER = "Owner"
    RESPONSIBLE = "Responsible"
    CUSTOMER_ID = "CustomerID"
    STATE = "State"
    LOCK = "Lock"
    TICKET = "Ticket"
    TICKET_NUMBER = "TicketNumber"
    TITLE = "Title"
    QUEUE = "Queue"
    TYPE = "Type"
    PRIORITY = "Priority"
    AGE = "Age"
    CREATED = "Created"
    CHANGED = "Changed"
    SERVICE = "Service"
    SLA = "SLA"
    PENDING_TIME = "PendingTime"
    TICKET_ESCALATION = "TicketEscalation"
    ESCALATION_TIME = "EscalationTime"
    ESCALATION_UPDATE_TIME = "EscalationUpdateTime"
    ESCALATION_RESPONSE_TIME = "EscalationResponseTime"
    ESCALATION_SOLUTION_TIME = "EscalationSolutionTime"


class SortOrder(str, Enum):
    """OrderBy: ``Up`` (ascending) or ``Down`` (descending)."""

    UP = "Up"
    DOWN = "Down"


StateType = Literal["new", "open", "closed", "pending reminder", "pending auto", "removed", "merged"]
"""Real state-type names. ``Open``/``Closed`` do not work through the GenericInterface (CONTRACT 4.3)."""


class TimeFilter(DomainModel):
    """A time window. ``datetime`` values become ``...NewerDate``/``...OlderDate``; ``timedelta`` values
    become ``...NewerMinutes``/``...OlderMinutes`` (relative to now on the server).

    ``newer_than`` = after that point (or: within that much time ago); ``older_than`` = before.
    """

    newer_than: datetime | timedelta | None = None
    older_than: datetime | timedelta | None = None

    @model_validator(mode="after")
    def _check(self) -> TimeFilter:
        if self.newer_than is None and self.older_than is None:
            raise ValueError("TimeFilter needs newer_than or older_than")
        for value in (self.newer_than, self.older_than):
            if isinstance(value, timedelta) and value.total_seconds() % 60:
                raise ValueError("timedelta filters are sent in whole minutes; use a multiple of 60 seconds")
        return self


_FILTER_SCALARS = (str, int, float, Decimal, date)
"""Operator values a dynamic-field filter can send (``bool`` is an ``int``; ``datetime`` a ``date``)."""

DF_OPERATORS = (
    "equals",
    "like",
    "greater_than",
    "greater_than_equals",
    "smaller_than",
    "smaller_than_equals",
    "empty",
)


class DynamicFieldFilter(DomainModel):
    """A condition on one dynamic field. Several operators are ANDed; a list value (``equals``,
    ``like``) is ORed.

    Operator values may be text, numbers, dates or datetimes (sent in the server's time zone). Any
    value is accepted here, as in the original library; :meth:`check_sendable` refuses what cannot
    be sent before the search is sent. The original names ``greater`` and ``smaller`` work as
    keywords and attributes (= ``greater_than``, ``smaller_than``).
    """

    field_name: str
    equals: Any = None
    like: Any = None
    greater_than: Any = None
    greater_than_equals: Any = None
    smaller_than: Any = None
    smaller_than_equals: Any = None
    empty: bool | None = None
    """True: the field has no value; False: it has one."""

    @model_validator(mode="before")
    @classmethod
    def _original_names(cls, data: Any) -> Any:
        return accept_original_names(data, {"greater": "greater_than", "smaller": "smaller_than"})

    @property
    def greater(self) -> Any:
        """The original library's name of ``greater_than``."""
        return self.greater_than

    @greater.setter
    def greater(self, value: Any) -> None:
        self.greater_than = value

    @property
    def smaller(self) -> Any:
        """The original library's name of ``smaller_than``."""
        return self.smaller_than

    @smaller.setter
    def smaller(self, value: Any) -> None:
        self.smaller_than = value

    def check_sendable(self, where: str = "dynamic_fields[0]") -> None:
        """Check the filter before the search is sent.

        Raises:
            RequestValidationError: a field name the server would ignore, no operator, or a value that
                cannot be sent (named as ``<where>.<operator>``).
        """
        if not _DF_NAME.match(self.field_name):
            raise RequestValidationError(
                f"{where}.field_name",
                f"dynamic field names are letters and digits only, got {self.field_name!r} "
                "(the server would ignore the filter and match every ticket)",
            )
        if all(getattr(self, name) is None for name in DF_OPERATORS):
            raise RequestValidationError(
                where, f"the filter for {self.field_name!r} needs at least one operator (equals, like, ...)"
            )
        for name in DF_OPERATORS[:-1]:
            value = getattr(self, name)
            if value is None:
                continue
            items = value if isinstance(value, (list, tuple)) and name in ("equals", "like") else [value]
            for item in items:
                if not isinstance(item, _FILTER_SCALARS):
                    kinds = "text, a number or a date" + (" (or a list of those)" if name in ("equals", "like") else "")
                    raise RequestValidationError(f"{where}.{name}", f"expected {kinds}, got {type(item).__name__}")
                if isinstance(item, str) and _SKIPPED_TERM.fullmatch(item.replace("*", "%")):
                    # the core search skips such a value (TicketSearch.pm, see emulator search_terms)
                    raise RequestValidationError(
                        f"{where}.{name}",
                        f"{item!r} is skipped by the server's search, so the filter would match every ticket; "
                        "use empty=True for tickets without a value",
                    )


_SKIPPED_TERM = re.compile(r"%{0,3}")
"""A dynamic-field search value the core search skips (empty, or only ``%``/``*``, up to three)."""


_ARTICLE_TEXT_FIELDS = (
    "article_from",
    "article_to",
    "article_cc",
    "article_bcc",
    "article_subject",
    "article_body",
    "attachment_name",
)


_LIST_FIELDS = (
    "ticket_ids",
    "ticket_numbers",
    "titles",
    "queues",
    "states",
    "state_types",
    "priorities",
    "types",
    "services",
    "slas",
    "locks",
    "owners",
    "responsibles",
    "watchers",
    "created_by",
    "created_types",
    "created_states",
    "created_queues",
    "created_priorities",
    "customer_ids",
    "customer_id_raw",
    "customer_users",
    "dynamic_fields",
    "sort_by",
    "order_by",
)
"""List criteria: ``None`` means "no criterion" (the original library's default), like an empty list."""


class TicketSearch(DomainModel):
    """TicketSearch criteria. Different criteria are ANDed; the items of one list are ORed.

    ``ticket_numbers``, ``titles``, ``customer_ids`` and ``customer_users`` accept ``*`` wildcards.
    Article full text (``article_*``) matches substrings. Owners, responsibles, watchers and
    creators can only be searched by ID (the server has no name parameter for them).
    """

    ticket_ids: list[int] = Field(default_factory=list)
    ticket_numbers: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)
    queues: list[IdNameLike] = Field(default_factory=list)
    use_sub_queues: bool = False
    states: list[IdNameLike] = Field(default_factory=list)
    state_types: list[StateType] = Field(default_factory=list)
    priorities: list[IdNameLike] = Field(default_factory=list)
    types: list[IdNameLike] = Field(default_factory=list)
    services: list[IdNameLike] = Field(default_factory=list)
    slas: list[IdNameLike] = Field(default_factory=list)
    locks: list[IdNameLike] = Field(default_factory=list)
    owners: list[IdNameLike] = Field(default_factory=list)
    responsibles: list[IdNameLike] = Field(default_factory=list)
    watchers: list[IdNameLike] = Field(default_factory=list)
    created_by: list[IdNameLike] = Field(default_factory=list)
    created_types: list[IdNameLike] = Field(default_factory=list)
    """The ticket's type when it was created (also: ``created_states``, ``created_queues``,
    ``created_priorities``)."""
    created_states: list[IdNameLike] = Field(default_factory=list)
    created_queues: list[IdNameLike] = Field(default_factory=list)
    created_priorities: list[IdNameLike] = Field(default_factory=list)
    customer_ids: list[str] = Field(default_factory=list)
    customer_id_raw: list[str] = Field(default_factory=list)
    customer_users: list[str] = Field(default_factory=list)
    created: TimeFilter | None = None
    changed: TimeFilter | None = None
    last_changed: TimeFilter | None = None
    closed: TimeFilter | None = None
    pending: TimeFilter | None = None
    article_created: TimeFilter | None = None
    escalation: TimeFilter | None = None
    escalation_update: TimeFilter | None = None
    escalation_response: TimeFilter | None = None
    escalation_solution: TimeFilter | None = None
    article_from: str | None = None
    article_to: str | None = None
    article_cc: str | None = None
    article_bcc: str | None = None
    article_subject: str | None = None
    article_body: str | None = None
    attachment_name: str | None = None
    """Searched while ``Ticket::Article::Backend::MIMEBase::IndexAttachmentNames`` is on (OTOBO 11's
    default, ``Kernel/Config/Files/XML/Ticket.xml``) for articles indexed meanwhile, with the article
    storage in the database; inline attachments are not indexed (``MIMEBase.pm``
    ``ArticleSearchableContentGet``)."""
    content_search: Literal["AND", "OR"] | None = None
    fulltext: str | None = None
    dynamic_fields: list[DynamicFieldFilter] = Field(default_factory=list)
    sort_by: list[SortField | str] = Field(default_factory=list)
    order_by: list[SortOrder] = Field(default_factory=list)
    search_in_archive: Literal["AllTickets", "ArchivedTickets", "NotArchivedTickets"] | None = None
    limit: int | None = None
    """Maximum number of IDs (at least 1). ``None`` = the server's default (500 on a stock installation)."""

    @model_validator(mode="before")
    @classmethod
    def _original_names(cls, data: Any) -> Any:
        # The original library's names (numbers, use_subqueues) and its None for "no criterion".
        return accept_original_names(
            data,
            {"numbers": "ticket_numbers", "use_subqueues": "use_sub_queues"},
            none_means_default=_LIST_FIELDS,
        )

    @property
    def numbers(self) -> list[str]:
        """The original library's name of ``ticket_numbers``."""
        return self.ticket_numbers

    @numbers.setter
    def numbers(self, value: list[str]) -> None:
        self.ticket_numbers = value

    @property
    def use_subqueues(self) -> bool:
        """The original library's name of ``use_sub_queues``."""
        return self.use_sub_queues

    @use_subqueues.setter
    def use_subqueues(self, value: bool) -> None:
        self.use_sub_queues = value

    @field_validator("sort_by", mode="before")
    @classmethod
    def _sort_by(cls, value: Any) -> Any:
        values = [value] if isinstance(value, (str, SortField)) else value
        if values is not None and not isinstance(values, (list, tuple)):
            raise ValueError(f"sort_by takes a value or a list of values, not {type(value).__name__}")
        checked: list[SortField | str] = []
        for item in values or []:
            if isinstance(item, SortField) or (
                isinstance(item, str) and item.startswith("DynamicField_") and _DF_NAME.match(item[13:])
            ):
                checked.append(item)
            else:
                try:
                    checked.append(SortField(item))
                except ValueError:
                    allowed = ", ".join(f.value for f in SortField)
                    raise ValueError(
                        f"unknown sort field {item!r} (the server would silently return no tickets); "
                        f"use one of {allowed} or DynamicField_<Name>"
                    ) from None
        return checked

    @field_validator("order_by", mode="before")
    @classmethod
    def _order_by(cls, value: Any) -> Any:
        values = [value] if isinstance(value, (str, SortOrder)) else value
        if values is not None and not isinstance(values, (list, tuple)):
            raise ValueError(f"order_by takes a value or a list of values, not {type(value).__name__}")
        result: list[Any] = []
        for item in values or []:
            if isinstance(item, str) and item.lower() in ("up", "asc", "ascending"):
                result.append(SortOrder.UP)
            elif isinstance(item, str) and item.lower() in ("down", "desc", "descending"):
                result.append(SortOrder.DOWN)
            else:
                result.append(item)
        return result

    @field_validator("ticket_ids")
    @classmethod
    def _positive_ids(cls, value: list[int]) -> list[int]:
        if any(i <= 0 for i in value):
            raise ValueError("ticket IDs are positive integers (the server returns nothing for others)")
        return value

    @model_validator(mode="after")
    def _combinations(self) -> TicketSearch:
        if self.order_by and not self.sort_by:
            raise ValueError("order_by needs sort_by")
        if len(self.order_by) > len(self.sort_by):
            raise ValueError("order_by has more entries than sort_by")
        if self.content_search and not any(
            (
                self.article_from,
                self.article_to,
                self.article_cc,
                self.article_bcc,
                self.article_subject,
                self.article_body,
                self.attachment_name,
            )
        ):
            raise ValueError("content_search needs at least one article_* criterion")
        for name in ("owners", "responsibles", "watchers", "created_by"):
            for item in getattr(self, name):
                if item.id is None:
                    raise ValueError(
                        f"{name} can only be searched by ID (the server has no name parameter); got {item.name!r}"
                    )
        return self

    def check_sendable(self) -> None:
        """Check what the original library accepted but the server would misread (``search_tickets``
        calls this before sending).

        Raises:
            RequestValidationError: names the field and the problem.
        """
        if self.limit is not None and self.limit < 1:
            raise RequestValidationError(
                "limit", f"must be at least 1, got {self.limit} (None asks for the server's default)"
            )
        for name in ("ticket_numbers", "titles", "customer_ids", "customer_users", "customer_id_raw"):
            for item in getattr(self, name):
                if not item.strip("*% "):
                    raise RequestValidationError(
                        name, f"{item!r} matches everything and the server ignores it; leave the field empty"
                    )
        for name in (*_ARTICLE_TEXT_FIELDS, "fulltext"):  # the server wraps them in * (substring match)
            text = getattr(self, name)
            if text is not None and not text.strip("*% "):
                raise RequestValidationError(name, f"{text!r} would match every ticket; leave it out")
        if self.use_sub_queues and not self.queues:
            raise RequestValidationError("use_sub_queues", "needs queues (the server ignores it without them)")
        seen: set[str] = set()
        for index, flt in enumerate(self.dynamic_fields):
            flt.check_sendable(f"dynamic_fields[{index}]")
            if flt.field_name in seen:
                raise RequestValidationError(
                    f"dynamic_fields[{index}]",
                    f"dynamic field {flt.field_name!r} appears twice; combine the operators in one filter",
                )
            seen.add(flt.field_name)
