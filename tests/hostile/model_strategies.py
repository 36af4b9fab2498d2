"""Hypothesis strategies for request-side domain models: valid keyword arguments, plus one hostile field.

``*_cases()`` strategies yield ``(kwargs, hostile_field)``. The keyword arguments are valid (with odd
but legal text) unless ``hostile_field`` names one field that got an arbitrary value instead: a
wrong type, a blank, a wildcard, a line break, a lone surrogate, a negative number... A valid set
must round-trip; a hostile one must round-trip too or be refused naming a field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from otobo_znuny.models.base import CLEAR
from otobo_znuny.models.search import SortField

from .strategies import odd_text

__all__ = [
    "SERVER_TZ",
    "a_date",
    "article_cases",
    "attachment_cases",
    "hostile_values",
    "search_cases",
    "ticket_create_cases",
    "ticket_update_cases",
]

SERVER_TZ = ZoneInfo("Asia/Kolkata")
"""A server zone with a half-hour offset and no daylight saving time since 1945, so every local time
has exactly one meaning (in a DST zone, one hour a year is ambiguous on the wire; see the docs)."""

_TIME_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
Case = tuple[dict[str, Any], str | None]

# ---- valid building blocks ------------------------------------------------------------------------

text = odd_text(max_size=12).filter(
    lambda value: (
        value.strip() and value.strip("*% ") and "\r" not in value and "\n" not in value and not _TIME_LIKE.match(value)
    )
)
"""Odd but legal text: not blank (``str.strip`` also removes U+2028, U+0085...), one line, not only
wildcards, not shaped like a server time."""
names = st.sampled_from(["Raw", "Junk", "Support::Sub", "3 normal", "new"]) | text
ids = st.integers(min_value=1, max_value=2**40)
zones = st.sampled_from([timezone.utc, timezone(timedelta(hours=-7)), ZoneInfo("Europe/Berlin"), SERVER_TZ])
aware_times = st.builds(
    lambda moment, zone: moment.replace(tzinfo=timezone.utc).astimezone(zone),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    zones,
)
whole_minutes = st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: timedelta(minutes=n))
id_or_name = ids | names


def hostile_values() -> st.SearchStrategy[Any]:
    """Values no field should take silently: wrong types, blanks, wildcards, line breaks, surrogates, ``CLEAR``
    where nothing can be cleared... (``None`` is legal everywhere it is accepted: "not given".)"""
    return st.sampled_from(
        [
            None,
            "",
            " ",
            "*",
            "%",
            "a\r\nX-Injected: 1",
            "\ud800",
            0,
            -1,
            2**70,
            1.5,
            float("nan"),
            True,
            [],
            [""],
            [None],
            ["Raw", 3],
            {},
            {"x": 1},
            datetime(2026, 1, 1, 12, 0, 30),
            timedelta(seconds=90),
            timedelta(minutes=-5),
            b"bytes",
            CLEAR,
        ]
    ) | odd_text(surrogates=True, max_size=8)


def _with_one_hostile(base: st.SearchStrategy[dict[str, Any]], fields: list[str]) -> st.SearchStrategy[Case]:
    def inject(kwargs: dict[str, Any], hostile: tuple[str, Any] | None) -> Case:
        if hostile is None:
            return kwargs, None
        return {**kwargs, hostile[0]: hostile[1]}, hostile[0]

    hostile = st.none() | st.tuples(st.sampled_from(fields), hostile_values())
    return st.builds(inject, base, hostile)


# ---- TicketSearch -----------------------------------------------------------------------------

_TIME_FIELDS = (
    "created",
    "changed",
    "last_changed",
    "closed",
    "pending",
    "article_created",
    "escalation",
    "escalation_update",
    "escalation_response",
    "escalation_solution",
)
_ID_NAME_FIELDS = ("queues", "states", "priorities", "types", "services", "slas", "locks")
_ID_ONLY_FIELDS = ("owners", "responsibles", "watchers", "created_by")
_STRING_FIELDS = ("ticket_numbers", "titles", "customer_ids", "customer_id_raw", "customer_users")


def _time_filter() -> st.SearchStrategy[dict[str, Any]]:
    bound = aware_times | whole_minutes
    return st.fixed_dictionaries({"newer_than": bound}, optional={"older_than": bound}) | st.fixed_dictionaries(
        {"older_than": bound}
    )


def _df_filter(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"field_name": st.just(name), "empty": st.booleans()},
        optional={
            "equals": text | st.integers() | st.lists(text, max_size=3),
            "like": text | st.lists(text, max_size=3),
            "greater_than": text | st.integers() | aware_times,
            "greater_than_equals": text | aware_times,
            "smaller_than": text | st.integers() | aware_times,
            "smaller_than_equals": text | aware_times,
        },
    )


@st.composite
def _valid_search(draw: st.DrawFn) -> dict[str, Any]:
    """Valid TicketSearch arguments that respect every combination rule."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "ticket_ids": st.lists(ids, min_size=1, max_size=3),
        "state_types": st.lists(st.sampled_from(["new", "open", "closed", "pending auto", "merged"]), max_size=2),
        **{name: st.lists(text, min_size=1, max_size=3) for name in _STRING_FIELDS},
        **{
            name: st.lists(ids, min_size=1, max_size=3) | st.lists(names, min_size=1, max_size=3)
            for name in _ID_NAME_FIELDS
        },
        **{name: st.lists(ids, min_size=1, max_size=3) for name in _ID_ONLY_FIELDS},
        **{name: _time_filter() for name in _TIME_FIELDS},
        "fulltext": text,
        "search_in_archive": st.sampled_from(["AllTickets", "ArchivedTickets", "NotArchivedTickets"]),
        "limit": st.integers(min_value=1, max_value=10**6),
    }
    kwargs: dict[str, Any] = draw(st.fixed_dictionaries({}, optional=optional))
    article: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {}, optional={f"article_{part}": text for part in ("from", "to", "cc", "subject", "body")}
        )
    )
    kwargs.update(article)
    content_search: bool = draw(st.booleans())
    if article and content_search:
        kwargs["content_search"] = draw(st.sampled_from(["AND", "OR"]))
    if "queues" in kwargs and draw(st.booleans()):
        kwargs["use_sub_queues"] = True
    field_names = draw(st.lists(st.sampled_from(["OrderID", "Tags", "A1", "x9"]), max_size=2, unique=True))
    if field_names:
        kwargs["dynamic_fields"] = [draw(_df_filter(name)) for name in field_names]
    sort_by = draw(st.lists(st.sampled_from([*SortField, "DynamicField_OrderID"]), max_size=2))
    if sort_by:
        kwargs["sort_by"] = sort_by
        kwargs["order_by"] = draw(st.lists(st.sampled_from(["Up", "Down", "asc", "DESC"]), max_size=len(sort_by)))
    return kwargs


def search_cases() -> st.SearchStrategy[Case]:
    """``TicketSearch`` arguments, valid or with one hostile criterion."""
    fields = [
        "ticket_ids",
        "state_types",
        *_STRING_FIELDS,
        *_ID_NAME_FIELDS,
        *_ID_ONLY_FIELDS,
        *_TIME_FIELDS,
        "use_sub_queues",
        "article_from",
        "article_body",
        "content_search",
        "fulltext",
        "dynamic_fields",
        "sort_by",
        "order_by",
        "search_in_archive",
        "limit",
    ]
    return _with_one_hostile(_valid_search(), fields)


# ---- attachments, articles, tickets ---------------------------------------------------------

_mime = st.sampled_from(["text/plain; charset=utf-8", "text/html; charset=iso-8859-1", "application/pdf", "text/plain"])


def _valid_attachment() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "filename": st.sampled_from(["report.pdf", "a b.txt", "ü.txt"]) | text,
            "content": st.binary(min_size=1, max_size=64),
            "content_type": _mime | st.sampled_from(["application/octet-stream", "image/svg+xml"]),
        },
        optional={"disposition": st.sampled_from(["attachment", "inline"]), "content_id": text},
    )


def attachment_cases() -> st.SearchStrategy[Case]:
    """``Attachment`` arguments, valid or with one hostile field."""
    return _with_one_hostile(_valid_attachment(), ["filename", "content", "content_type", "disposition", "content_id"])


_ARTICLE_TEXT = ("from_addr", "to", "cc", "bcc", "reply_to", "message_id", "in_reply_to", "references")


def _dynamic_fields() -> st.SearchStrategy[dict[str, Any]]:
    value = text | st.integers(-(2**40), 2**40) | st.lists(text, max_size=3)
    return st.dictionaries(st.sampled_from(["OrderID", "Tags"]) | text, value, max_size=3)


def _valid_article(*, with_dynamic_fields: bool) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {
        **{name: text for name in _ARTICLE_TEXT},
        "sender_type": st.sampled_from(["agent", "customer", "system"]),
        "is_visible_for_customer": st.booleans(),
        "time_unit": st.floats(min_value=0, max_value=1000) | st.integers(0, 100),
        "attachments": st.lists(_valid_attachment(), max_size=2),
    }
    if with_dynamic_fields:
        optional["dynamic_fields"] = _dynamic_fields()
    return st.fixed_dictionaries(
        {
            "subject": text,
            "body": text | st.sampled_from(["line 1\nline 2", "\r\n\tindented\r\n"]),
            "content_type": _mime,
            "communication_channel": st.sampled_from(["Internal", "Email", "Phone"]),
        },
        optional=optional,
    )


def article_cases() -> st.SearchStrategy[Case]:
    """``Article`` arguments (with dynamic fields), valid or with one hostile field."""
    fields = ["subject", "body", "content_type", *_ARTICLE_TEXT, "is_visible_for_customer", "time_unit", "attachments"]
    return _with_one_hostile(_valid_article(with_dynamic_fields=True), fields)


_pending = aware_times | whole_minutes | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=999))
_ATTRIBUTES: dict[str, st.SearchStrategy[Any]] = {
    "type": id_or_name,
    "lock": id_or_name,
    "owner": id_or_name,
    "responsible": id_or_name,
    "service": id_or_name,
    "sla": id_or_name,
    "pending_time": _pending.filter(lambda value: not isinstance(value, timedelta) or value >= timedelta(0)),
}


def ticket_create_cases() -> st.SearchStrategy[Case]:
    """``TicketCreate`` arguments: one article, or several (Znuny only); valid or with one hostile field."""
    one = st.fixed_dictionaries({"article": _valid_article(with_dynamic_fields=False)})
    several = st.fixed_dictionaries(
        {"articles": st.lists(_valid_article(with_dynamic_fields=True), min_size=2, max_size=3)}
    )
    ticket = st.fixed_dictionaries(
        {
            "title": text,
            "queue": id_or_name,
            "state": id_or_name,
            "priority": id_or_name,
            "customer_user": text,
        },
        optional={**_ATTRIBUTES, "customer_id": text, "dynamic_fields": _dynamic_fields()},
    )
    base = st.builds(lambda attributes, articles: {**attributes, **articles}, ticket, one | several)
    fields = [
        "title",
        "queue",
        "state",
        "priority",
        "customer_user",
        "customer_id",
        *_ATTRIBUTES,
        "dynamic_fields",
        "article",
    ]
    return _with_one_hostile(base, fields)


@st.composite
def _valid_update(draw: st.DrawFn) -> dict[str, Any]:
    kwargs: dict[str, Any] = draw(st.fixed_dictionaries({"id": ids}) | st.fixed_dictionaries({"number": text}))
    changes = draw(
        st.fixed_dictionaries(
            {},
            optional={
                **_ATTRIBUTES,
                "title": text,
                "queue": id_or_name,
                "state": id_or_name.filter(lambda value: not str(value).lower().startswith("pending")),
                "priority": id_or_name,
                "dynamic_fields": _dynamic_fields().filter(bool),
                "article": _valid_article(with_dynamic_fields=False),
            },
        )
    )
    if draw(st.booleans()):
        if draw(st.booleans()):  # clearing the customer user needs a customer ID (CONTRACT 4.4)
            changes["customer_user"] = CLEAR
            changes["customer_id"] = draw(text)
        else:
            changes["customer_user"] = draw(text)
            if draw(st.booleans()):
                changes["customer_id"] = draw(text)
    if not changes:
        changes["title"] = draw(text)
    return {**kwargs, **changes}


def ticket_update_cases() -> st.SearchStrategy[Case]:
    """``TicketUpdate`` arguments: by ID or number, some changes; valid or with one hostile field."""
    fields = ["id", "number", "title", "queue", "state", "customer_user", "customer_id", *_ATTRIBUTES, "article"]
    return _with_one_hostile(_valid_update(), fields)


def a_date() -> st.SearchStrategy[date]:
    """Plain dates (dynamic-field values that go over the wire as ``YYYY-MM-DD 00:00:00``)."""
    return st.dates(min_value=date(1971, 1, 1), max_value=date(2200, 1, 1))
