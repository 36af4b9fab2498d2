"""Turning option text into library values: ``--df Name=Value``, ``2h``, ISO times, bodies, files.

Everything here runs before a request is sent; bad input raises ``RequestValidationError`` naming
the option.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, overload

from otobo_znuny.errors import RequestValidationError, validation_message
from otobo_znuny.models import Attachment, DynamicFieldFilter, SortField, TicketSearch, TimeFilter

__all__ = [
    "SearchOptions",
    "build_search",
    "dynamic_field_filters",
    "dynamic_field_values",
    "id_or_name",
    "load_attachments",
    "parse_duration",
    "parse_moment",
    "parse_time_or_age",
    "read_body",
    "sort_field",
]

_DURATION = re.compile(r"^\s*(?:(\d+)w)?\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*$", re.IGNORECASE)


def id_or_name(value: str) -> int | str:
    """``"5"`` -> the ID 5, anything else -> a name (for queues, states, priorities, types, owners)."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() else text  # "²".isdigit() is True, int("²") fails


def _pairs(items: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise RequestValidationError(option, f"expected Name=Value, got {item!r}")
        pairs.append((name.strip(), value))
    return pairs


def dynamic_field_values(items: Sequence[str], option: str = "--df") -> dict[str, str | list[str]]:
    """``["OrderID=42", "Tags=a", "Tags=b"]`` -> ``{"OrderID": "42", "Tags": ["a", "b"]}``.

    A repeated name becomes a list (multiselect fields); an empty value clears the field on update.

    Raises:
        RequestValidationError: an item without ``=`` or without a name.
    """
    values: dict[str, str | list[str]] = {}
    for name, value in _pairs(items, option):
        current = values.get(name)
        if current is None:
            values[name] = value
        elif isinstance(current, list):
            current.append(value)
        else:
            values[name] = [current, value]
    return values


def dynamic_field_filters(items: Sequence[str], option: str = "--df") -> list[DynamicFieldFilter]:
    """Search conditions: ``Name=Value`` matches exactly, a value with ``*`` is a wildcard pattern;
    repeating a name matches any of the values.

    Raises:
        RequestValidationError: an item without ``=``, or an invalid field name.
    """
    equals: dict[str, list[str]] = {}
    like: dict[str, list[str]] = {}
    for name, value in _pairs(items, option):
        (like if "*" in value else equals).setdefault(name, []).append(value)
    filters = []
    for name in dict.fromkeys([*equals, *like]):
        exact, pattern = equals.get(name), like.get(name)
        try:
            condition = DynamicFieldFilter(
                field_name=name,
                equals=(exact[0] if len(exact) == 1 else exact) if exact else None,
                like=(pattern[0] if len(pattern) == 1 else pattern) if pattern else None,
            )
            condition.check_sendable(option)
        except RequestValidationError as exc:
            raise RequestValidationError(option, f"{name!r}: {exc.problem}") from None
        except ValueError as exc:
            raise RequestValidationError(option, f"{name!r}: {validation_message(exc)}") from None
        filters.append(condition)
    return filters


def parse_duration(text: str, option: str) -> timedelta:
    """``"90m"``, ``"2h"``, ``"1d12h"``, ``"2w"`` -> a timedelta (whole minutes).

    Raises:
        RequestValidationError: not such a duration, or zero.
    """
    found = _DURATION.match(text)
    if not text.strip() or found is None:
        raise RequestValidationError(option, f"expected a duration such as 30m, 2h, 1d12h or 2w, got {text!r}")
    weeks, days, hours, minutes = (int(part) if part else 0 for part in found.groups())
    duration = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    if not duration:
        raise RequestValidationError(option, "the duration must be longer than zero")
    return duration


def parse_moment(text: str, option: str) -> datetime:
    """An ISO 8601 date or time (``2025-03-01``, ``2025-03-01T10:00``, ``...+02:00``, ``...Z``).

    Times without an offset are taken in the server's time zone.

    Raises:
        RequestValidationError: not an ISO 8601 date/time.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise RequestValidationError(
            option, f"expected an ISO 8601 time such as 2025-03-01T10:00 or 2025-03-01T10:00+02:00, got {text!r}"
        ) from None


def parse_time_or_age(text: str, option: str) -> datetime | timedelta:
    """A point in time (ISO 8601) or an age (``7d`` = seven days ago), for search time filters."""
    if _DURATION.match(text) and text.strip():
        return parse_duration(text, option)
    return parse_moment(text, option)


def sort_field(text: str) -> SortField | str:
    """A SortBy value, case-insensitively (``created`` -> ``Created``); ``DynamicField_X`` passes through.

    Unknown names are passed on unchanged, so the search model reports them with the allowed list.
    """
    for candidate in SortField:
        if candidate.value.lower() == text.strip().lower():
            return candidate
    return text.strip()


@overload
def read_body(body: str | None, body_file: Path | None, *, required: Literal[True]) -> str: ...
@overload
def read_body(body: str | None, body_file: Path | None, *, required: bool) -> str | None: ...
def read_body(body: str | None, body_file: Path | None, *, required: bool) -> str | None:
    """The article body from ``--body`` or ``--body-file`` (``-`` reads stdin).

    Raises:
        RequestValidationError: both or (when required) neither given, or the file is unreadable.
    """
    if body is not None and body_file is not None:
        raise RequestValidationError("--body", "give --body or --body-file, not both")
    if body_file is not None:
        if str(body_file) == "-":
            return sys.stdin.read()
        try:
            return body_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RequestValidationError("--body-file", f"cannot read {body_file}: {exc}") from None
    if body is None and required:
        raise RequestValidationError("--body", "an article body is required: give --body or --body-file")
    return body


def load_attachments(paths: Sequence[Path]) -> list[Attachment]:
    """Read every ``--attach`` file (content type guessed from the name).

    Raises:
        RequestValidationError: a file cannot be read or is empty (the server refuses empty files).
    """
    attachments = []
    for path in paths:
        try:
            attachment = Attachment.from_path(path)
        except OSError as exc:
            raise RequestValidationError("--attach", f"cannot read {path}: {exc.strerror or exc}") from None
        if not attachment.content:
            raise RequestValidationError("--attach", f"{path} is empty; the server refuses empty attachments")
        attachments.append(attachment)
    return attachments


@dataclass(frozen=True)
class SearchOptions:
    """The search filters shared by ``ticket search`` and ``ticket export``, as typed on the command line."""

    queues: Sequence[str] = ()
    sub_queues: bool = False
    states: Sequence[str] = ()
    state_types: Sequence[str] = ()
    priorities: Sequence[str] = ()
    types: Sequence[str] = ()
    owner_ids: Sequence[int] = ()
    customer_users: Sequence[str] = ()
    customer_ids: Sequence[str] = ()
    titles: Sequence[str] = ()
    numbers: Sequence[str] = ()
    body: str | None = None
    dynamic_fields: Sequence[str] = ()
    created_after: str | None = None
    created_before: str | None = None
    sort: str | None = None
    order: str | None = None
    limit: int | None = None


def _check_created_range(
    after: datetime | timedelta | None, before: datetime | timedelta | None, options: SearchOptions
) -> None:
    """Refuse --created-after later than --created-before: the server would match nothing."""
    if isinstance(after, datetime) and isinstance(before, datetime):
        empty = (after.tzinfo is None) == (before.tzinfo is None) and after > before
    else:  # two ages: after 1d (the last day) and before 7d (more than a week ago)
        empty = isinstance(after, timedelta) and isinstance(before, timedelta) and after < before
    if empty:
        raise RequestValidationError(
            "--created-after",
            f"{options.created_after!r} is later than --created-before {options.created_before!r}, so no ticket "
            "can match; swap the two",
        )


def build_search(options: SearchOptions) -> TicketSearch:
    """A ``TicketSearch`` from the command-line filters.

    Raises:
        RequestValidationError: a malformed ``--df`` or time option, or criteria the server would misread.
        pydantic.ValidationError: criteria the search model refuses (its message names the field).
    """
    created = None
    if options.created_after or options.created_before:
        after = parse_time_or_age(options.created_after, "--created-after") if options.created_after else None
        before = parse_time_or_age(options.created_before, "--created-before") if options.created_before else None
        _check_created_range(after, before, options)
        created = TimeFilter(newer_than=after, older_than=before)
    criteria: dict[str, Any] = {
        "queues": [id_or_name(queue) for queue in options.queues],
        "use_sub_queues": options.sub_queues,
        "states": [id_or_name(state) for state in options.states],
        "state_types": list(options.state_types),
        "priorities": [id_or_name(priority) for priority in options.priorities],
        "types": [id_or_name(ticket_type) for ticket_type in options.types],
        "owners": list(options.owner_ids),
        "customer_users": list(options.customer_users),
        "customer_ids": list(options.customer_ids),
        "titles": list(options.titles),
        "ticket_numbers": list(options.numbers),
        "article_body": options.body,
        "dynamic_fields": dynamic_field_filters(options.dynamic_fields),
        "created": created,
        "sort_by": [sort_field(options.sort)] if options.sort else [],
        "order_by": [options.order] if options.order else [],
        "limit": options.limit,
    }
    search = TicketSearch.model_validate(criteria)
    search.check_sendable()
    return search
