"""Multi-step operations as I/O-free generators.

A flow yields ``Call`` objects and receives each call's parsed result (or has the call's exception
thrown into it), or yields a ``Sleep`` to wait. Both client shells run the same flows, so e.g.
"create, then read the ticket back" or "split a failing batch to find the bad IDs" exist once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Literal, TypeVar

from otobo_znuny.client.engine import Sleep
from otobo_znuny.errors import (
    AccessDeniedError,
    BatchFetchError,
    IncompleteSearchError,
    InvalidParameterError,
    OTOBOZnunyError,
    RequestValidationError,
    TicketDataError,
    TicketNotFoundError,
    UnexpectedReplyError,
)
from otobo_znuny.models.search import SortField, SortOrder, TicketSearch, TimeFilter
from otobo_znuny.models.ticket import Ticket, TicketCreate, TicketReference, TicketUpdate
from otobo_znuny.operations.call import Call

__all__ = [
    "Flow",
    "OnError",
    "check_ticket_number",
    "complete_search",
    "fetch_batch",
    "finish_batches",
    "get_one_ticket",
    "plan_batches",
    "read_back",
    "search_all_ids",
    "single",
    "ticket_by_number",
    "write_then_read",
]

logger = logging.getLogger("otobo_znuny")

T = TypeVar("T")
Flow = Generator[Call[Any] | Sleep, Any, T]
OnError = Literal["raise", "skip"]

# Errors that mean "this batch contains an ID we may not read": the whole TicketGet fails for one ID.
_BATCH_ID_ERRORS = (AccessDeniedError, TicketDataError, InvalidParameterError)


def plan_batches(ticket_ids: Sequence[int], batch_size: int) -> list[list[int]]:
    """Split IDs into batches of at most ``batch_size``, keeping order.

    Raises:
        RequestValidationError: ``batch_size`` below 1.
    """
    if batch_size < 1:
        raise RequestValidationError("batch_size", "must be at least 1")
    return [list(ticket_ids[i : i + batch_size]) for i in range(0, len(ticket_ids), batch_size)]


def get_one_ticket(call: Call[list[Ticket]], ticket_id: int) -> Flow[Ticket]:
    """TicketGet for one ID that must return exactly one ticket.

    Raises:
        TicketNotFoundError: the reply held no ticket, several, or another one.
    """
    tickets: list[Ticket] = yield call
    if len(tickets) != 1 or tickets[0].id != ticket_id:
        ids = ", ".join(str(ticket.id) for ticket in tickets[:5]) + (", …" if len(tickets) > 5 else "")
        held = f"{len(tickets)} ticket(s) (IDs {ids})" if tickets else "no ticket"
        raise TicketNotFoundError(
            f"TicketGet: asked for ticket {ticket_id}, the reply held {held}", ticket_id=ticket_id
        )
    return tickets[0]


def fetch_batch(
    ticket_ids: Sequence[int], make_call: Callable[[list[int]], Call[list[Ticket]]]
) -> Flow[tuple[list[Ticket], dict[int, OTOBOZnunyError]]]:
    """Fetch a batch with one TicketGet; when the server refuses the batch, split it and retry the
    halves until the refused IDs are isolated (one forbidden or missing ID fails the whole call).

    Returns the fetched tickets in request order and ``{id: error}`` for the IDs that failed
    (``TicketNotFoundError`` for an ID the reply left out without an error).

    Raises:
        UnexpectedReplyError: the reply held a ticket that was not asked for.
    """
    tickets: list[Ticket] = []
    failed: dict[int, OTOBOZnunyError] = {}
    pending: list[list[int]] = [list(ticket_ids)] if ticket_ids else []
    while pending:
        batch = pending.pop(0)
        try:
            result: list[Ticket] = yield make_call(batch)
        except _BATCH_ID_ERRORS as error:
            if len(batch) == 1:
                failed[batch[0]] = error
                continue
            middle = len(batch) // 2
            pending[:0] = [batch[:middle], batch[middle:]]
            continue
        returned = {ticket.id for ticket in result}
        unasked = sorted(returned.difference(batch))
        if unasked:
            raise UnexpectedReplyError(
                f"TicketGet: asked for {len(batch)} ticket(s), the reply held ticket(s) {unasked} not asked for",
                operation="TicketGet",
                status_code=200,
            )
        for ticket_id in batch:
            if ticket_id not in returned:  # no error, but no ticket either: never dropped silently
                failed[ticket_id] = TicketNotFoundError(
                    f"TicketGet: asked for ticket {ticket_id} in a batch, the reply held no such ticket",
                    ticket_id=ticket_id,
                )
        tickets.extend(result)
    return tickets, failed


def finish_batches(tickets: list[Ticket], failed: dict[int, OTOBOZnunyError], on_error: OnError) -> list[Ticket]:
    """Apply the ``on_error`` rule once all batches are in.

    Raises:
        BatchFetchError: some IDs failed and ``on_error="raise"``; it carries ``tickets``.
    """
    if failed:
        if on_error == "raise":
            raise BatchFetchError(failed, tickets)
        logger.warning("skipped %d ticket(s) that could not be fetched: %s", len(failed), sorted(failed))
    return tickets


def single(call: Call[T]) -> Flow[T]:
    """A flow of one call."""
    result: T = yield call
    return result


def write_then_read(write: Call[TicketReference], read: Any, fallback: TicketCreate | TicketUpdate) -> Flow[Ticket]:
    """Send a TicketCreate/TicketUpdate, then read the ticket back with TicketGet.

    Once the write succeeded, a failing read never raises (that would look like a failed write and
    invite a duplicate): the ticket is built from the write's reply and the request instead, with
    ``extra["read_back_error"]`` saying why, and a warning is logged.
    """
    reference: TicketReference = yield write
    ticket: Ticket = yield from read_back(reference, read, fallback, write.operation.value)
    return ticket


def read_back(
    reference: TicketReference, read: Any, fallback: TicketCreate | TicketUpdate, operation: str
) -> Flow[Ticket]:
    """Read the ticket of a successful write back with TicketGet; a failing read never raises (see
    ``write_then_read``)."""
    try:
        ticket: Ticket = yield from get_one_ticket(read(reference.ticket_id), reference.ticket_id)
        return ticket
    except OTOBOZnunyError as error:
        logger.warning(
            "%s succeeded for ticket %s, but reading it back failed: %s", operation, reference.ticket_id, error
        )
        return _ticket_from_request(reference, fallback, error)


_READ_BACK_FIELDS = (
    "title",
    "queue",
    "state",
    "priority",
    "type",
    "owner",
    "responsible",
    "customer_user",
    "customer_id",
)


def _ticket_from_request(
    reference: TicketReference, request: TicketCreate | TicketUpdate, error: OTOBOZnunyError
) -> Ticket:
    if isinstance(request, TicketCreate):
        known = {name: getattr(request, name) for name in _READ_BACK_FIELDS}
    else:
        known = {name: value for name, value in request.changes().items() if name in _READ_BACK_FIELDS}
    return Ticket(
        id=reference.ticket_id,
        number=reference.ticket_number or "",
        extra={"read_back_error": str(error), "article_ids": reference.article_ids},
        **{name: value for name, value in known.items() if value is not None},
    )


def search_all_ids(
    search: TicketSearch,
    make_call: Any,
    *,
    page_limit: int,
    tz: tzinfo = timezone.utc,
    now: datetime | None = None,
    start: datetime | None = None,
) -> Flow[list[int]]:
    """All IDs matching ``search``, however many: TicketSearch has ``Limit`` but no offset.

    The creation-time range is split into windows; a window whose result reaches ``page_limit`` may
    be truncated, so it is halved until each window is complete. Windows are disjoint at the
    server's one-second resolution ([a, m] and [m+1s, b]), so no ticket is returned twice, and
    together they cover the whole range, so none is missed. A one-second window that is still full
    is re-read with a ten times larger limit. IDs come back oldest first. Naive datetimes in the
    ``created`` filter are read in ``tz``, the server's time zone, as everywhere else.

    Raises:
        RequestValidationError: the search sets ``sort_by``/``limit`` or a relative ``created``
            filter, which the walk controls itself; ``page_limit`` below 1.
        UnexpectedReplyError: the server returned a ticket for two disjoint windows (it ignores the
            creation-time filters, and the walk would never end).
    """
    if isinstance(page_limit, bool) or not isinstance(page_limit, int) or page_limit < 1:
        raise RequestValidationError("page_limit", f"must be an integer of at least 1, got {page_limit!r}")
    if search.sort_by or search.limit is not None:
        field = "limit" if search.limit is not None else "sort_by"
        raise RequestValidationError(field, "search_all orders by creation time and sets the limit itself")
    created = search.created
    if created is not None and (isinstance(created.newer_than, timedelta) or isinstance(created.older_than, timedelta)):
        raise RequestValidationError("created", "search_all needs absolute datetimes in the created filter")
    upper = (created.older_than if created and isinstance(created.older_than, datetime) else None) or (
        (now or datetime.now(timezone.utc)) + timedelta(days=1)
    )
    lower = (
        (created.newer_than if created and isinstance(created.newer_than, datetime) else None)
        or start
        or (datetime(1970, 1, 2, tzinfo=timezone.utc))
    )
    if lower.tzinfo is None:
        lower = lower.replace(tzinfo=tz)
    if upper.tzinfo is None:
        upper = upper.replace(tzinfo=tz)
    lower = lower.replace(microsecond=0)
    upper = upper.replace(microsecond=0)
    ids: list[int] = []
    seen: set[int] = set()
    windows: list[tuple[datetime, datetime, int]] = [(lower, upper, page_limit)]
    second = timedelta(seconds=1)
    while windows:
        low, high, limit = windows.pop(0)
        window_search = search.model_copy(
            update={
                "created": TimeFilter(newer_than=low, older_than=high),
                "sort_by": [SortField.AGE],
                "order_by": [SortOrder.UP],
                "limit": limit,
            }
        )
        found: list[int] = yield make_call(window_search)
        if len(found) < limit:
            repeated = seen.intersection(found)
            if repeated:
                raise UnexpectedReplyError(
                    f"TicketSearch: ticket {min(repeated)} came back for two disjoint creation-time windows; "
                    "the server ignores the TicketCreateTime filters, so search_all cannot page through the results",
                    operation="TicketSearch",
                )
            seen.update(found)
            ids.extend(found)
            continue
        if high - low < second:
            windows.insert(0, (low, high, limit * 10))
            continue
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        windows[:0] = [(low, middle, limit), (middle + second, high, limit)]
    return ids


# Sort keys that order by the creation time (``st.create_time`` on both servers), which the window
# walk can reproduce; any other order cannot be paged.
_CREATION_ORDER = (SortField.AGE, SortField.CREATED)


def _walk_order(search: TicketSearch, at_least: int, page_limit: int) -> bool:
    """Whether the walked result (oldest first) must be reversed to match the search's order.

    Raises:
        IncompleteSearchError: the search's order or ``created`` filter cannot be walked.
    """
    more = (
        f"the search matches at least {at_least} tickets, more than one TicketSearch returns (page size {page_limit}), "
        "and TicketSearch has no offset, so the rest is fetched in windows on the creation time"
    )
    if search.sort_by and not (len(search.sort_by) == 1 and search.sort_by[0] in _CREATION_ORDER):
        raise IncompleteSearchError(
            f"{more}, which cannot keep the order sort_by={[getattr(s, 'value', s) for s in search.sort_by]}: "
            "leave sort_by out (every match, newest first) or sort by SortField.CREATED / SortField.AGE, "
            f"or set limit=N to get the first N in this order",
            argument="sort_by",
            at_least=at_least,
        )
    created = search.created
    if created is not None and any(isinstance(bound, timedelta) for bound in (created.newer_than, created.older_than)):
        raise IncompleteSearchError(
            f"{more}, which needs absolute times: give created=TimeFilter(newer_than=<datetime>, ...) instead of a "
            "timedelta (the server measures a timedelta from its own clock), or set limit=N to get the first N",
            argument="created",
            at_least=at_least,
        )
    descending = not search.order_by or search.order_by[0] is SortOrder.DOWN  # the server's default is Down
    return descending


def complete_search(
    search: TicketSearch,
    make_call: Callable[[TicketSearch], Call[list[int]]],
    *,
    page_limit: int,
    tz: tzinfo = timezone.utc,
) -> Flow[list[int]]:
    """Every ID matching ``search`` unless it sets ``limit`` (then at most that many, as asked).

    The search is sent once with ``Limit`` = ``page_limit``. A shorter answer is complete and comes
    in the search's order. A full page may be truncated: then the matches are walked with
    :func:`search_all_ids` (windows on the creation time) and returned newest first (the server's
    default order ``Age``/``Down``), or oldest first for ``sort_by=Age``/``Created`` with ``order_by=Up``.

    Raises:
        IncompleteSearchError: more than a page matches and the search sorts by something other than
            the creation time, or has a relative (timedelta) ``created`` filter; the message says how
            to get everything.
        RequestValidationError: ``page_limit`` below 1.
    """
    if search.limit is not None:
        limited: list[int] = yield make_call(search)
        return limited
    if page_limit < 1:
        raise RequestValidationError("page_limit", "must be at least 1")
    first: list[int] = yield make_call(search.model_copy(update={"limit": page_limit}))
    if len(first) < page_limit:
        return first
    descending = _walk_order(search, len(first), page_limit)
    unsorted = search.model_copy(update={"sort_by": [], "order_by": []})
    ids: list[int] = yield from search_all_ids(unsorted, make_call, page_limit=page_limit, tz=tz)
    return ids[::-1] if descending else ids


_NUMBER_OPERATORS = frozenset("*%!&|()")


def check_ticket_number(number: str) -> str:
    """The ticket number, stripped.

    Raises:
        RequestValidationError: empty, or with whitespace or a character the server's search reads as
            a wildcard or an operator (``* % ! & | ( )``).
    """
    if not isinstance(number, str):
        raise RequestValidationError("number", f"a ticket number is text, not {type(number).__name__}")
    value = number.strip()
    if not value or any(char.isspace() for char in value):
        raise RequestValidationError("number", f"expected a ticket number such as 2025030310000017, got {number!r}")
    used = sorted(_NUMBER_OPERATORS.intersection(value))
    if used:
        raise RequestValidationError(
            "number",
            f"{number!r} contains {' '.join(used)}, which TicketSearch reads as a wildcard or operator; "
            "to search by pattern use TicketSearch(ticket_numbers=[...])",
        )
    return value


def ticket_by_number(
    number: str,
    make_search: Callable[[TicketSearch], Call[list[int]]],
    make_get: Callable[[int], Call[list[Ticket]]],
) -> Flow[Ticket]:
    """Find the ticket with this exact number (archived tickets included) and read it.

    Raises:
        RequestValidationError: not a plain ticket number.
        TicketNotFoundError: no readable ticket has this number.
    """
    value = check_ticket_number(number)
    search = TicketSearch(ticket_numbers=[value], search_in_archive="AllTickets", limit=2)
    ids: list[int] = yield make_search(search)
    for ticket_id in ids:
        ticket: Ticket = yield from get_one_ticket(make_get(ticket_id), ticket_id)
        if ticket.number == value:
            return ticket
    raise TicketNotFoundError(
        f"no ticket with number {value!r} (or this login may not read it)", operation="TicketSearch"
    )
