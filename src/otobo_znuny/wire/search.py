"""TicketSearch: the search vocabulary (``TicketSearch`` field -> wire key tables) and the request
built from a ``TicketSearch``. The adapter's query dicts (``adapter.query``) read the same tables,
reversed. Pure functions; the async and the sync client share them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import IdName
from otobo_znuny.models.search import TicketSearch, TimeFilter
from otobo_znuny.wire.values import format_server_time, minutes, wire_bool

__all__ = [
    "SEARCH_ARTICLE_TEXT",
    "SEARCH_DF_OPERATORS",
    "SEARCH_ID_NAME_LISTS",
    "SEARCH_STRING_LISTS",
    "SEARCH_TIME_PREFIXES",
    "ticket_search_to_wire",
]

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
    if search.order_by or len(search.sort_by) > 1:
        # the core search takes OrderBy index by index and returns nothing for a SortBy without its
        # OrderBy ("Need valid OrderBy", Kernel/System/Ticket/TicketSearch.pm of Znuny 7 and OTOBO 11):
        # every sort key gets one, the last given (or the default Down) for those left out
        order = [o.value for o in search.order_by]
        order += [order[-1] if order else "Down"] * (len(search.sort_by) - len(order))
        wire["OrderBy"] = order[0] if len(order) == 1 else order
    if search.search_in_archive:
        wire["SearchInArchive"] = search.search_in_archive
    if search.limit is not None:
        wire["Limit"] = search.limit
    return wire
