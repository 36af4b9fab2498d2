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
    "fetch_batch",
    "finish_batches",
    "get_one_ticket",
    "plan_batches",
    "read_back",
    "search_all_ids",
    "single",
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

    Returns the fetched tickets in request order and ``{id: error}`` for the IDs that failed.
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
            filter, which the walk controls itself.
        UnexpectedReplyError: the server returned a ticket for two disjoint windows (it ignores the
            creation-time filters, and the walk would never end).
    """
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
