"""The changes feed (``iter_changes``, and ``iter_new_tickets``) as an I/O-free generator of steps.

A *change* is a ticket's ``Changed`` time (``st.change_time``, TicketGet's ``Changed``) moving to a
later second. The feed delivers changed tickets in the order of ``(Changed, TicketID)`` and keeps a
*position* ``(second, ticket_id)``: every change before it has been delivered. The cursor of each
delivered ticket is that position after it, so a restart from a cursor neither repeats nor skips.

The server decides all times; the client's clock is never read:

- The windows are ``TicketLastChangeTimeNewerDate``/``...OlderDate`` (inclusive bounds, one second,
  naive times in the server's zone; ``st.change_time >= / <=`` in ``Kernel/System/Ticket/TicketSearch.pm``
  of both servers). ``TicketChangeTime...`` would match any *history* entry in the window, so one
  ticket would match many windows and could not be ordered by its ``Changed`` time.
- A second is delivered only once it is over by the server's clock, because a second in progress may
  still receive changes (of other tickets, or again of a ticket already read). The newest ``Changed``
  after the position proves every earlier second over (the server wrote it); whether that second is
  over itself is asked with ``TicketID=<that ticket>`` and ``TicketLastChangeTimeNewerMinutes=0``,
  which the server turns into "``Changed`` >= the server's current second": no hit means the
  second is over.
- Tickets are read only after their second is proven over. A ticket that changes again after the
  window was searched reads with a ``Changed`` past the window; it is left for the window of its new
  time (so it is delivered once, with the newer change, and never twice for the same one).

``iter_new_tickets`` is the same feed on the creation time (``TicketCreateTime...``, sorted by
``Created``), which never moves: each ticket comes once.

Many changes within one second are no problem: windows hold at most ``page_size`` tickets (the
page is sorted by ``Changed``; a full page ends the window before its last second), and a second
with more than a page is listed completely with ``flows.complete_search`` and read in pages of IDs.

The shells run :func:`feed`: a ``Call`` is sent (its result or error is sent back), ``Fetch`` reads
tickets in batches (``(tickets, failed)`` is sent back), ``Deliver`` is handed to the caller, ``Wait``
sleeps.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from otobo_znuny.client import flows
from otobo_znuny.client.engine import Sleep
from otobo_znuny.errors import (
    AccessDeniedError,
    BatchFetchError,
    OTOBOZnunyError,
    RequestValidationError,
    TicketDataError,
    UnexpectedReplyError,
)
from otobo_znuny.models.changes import TicketChange
from otobo_znuny.models.search import SortField, SortOrder, TicketSearch, TimeFilter
from otobo_znuny.models.ticket import Ticket
from otobo_znuny.operations.call import Call
from otobo_znuny.wire.mapping import ticket_search_to_wire

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_POLL_INTERVAL",
    "Deliver",
    "FeedField",
    "Fetch",
    "Position",
    "Wait",
    "check_feed_search",
    "decode_cursor",
    "encode_cursor",
    "feed",
    "search_key",
]

logger = logging.getLogger("otobo_znuny")

DEFAULT_PAGE_SIZE = 200
"""Tickets read per window (and held in memory at once)."""
DEFAULT_POLL_INTERVAL = 10.0
"""Seconds between two looks at the server in follow mode."""
SECOND_WAIT = 0.5
"""Seconds to wait before asking again whether the server's current second is over."""

_SECOND = timedelta(seconds=1)
_CURSOR_PREFIX = "oz1."
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_FEED_CONTROLS = ("sort_by", "order_by", "limit")

FeedField = Literal["changed", "created"]
"""What the feed follows: ``changed`` (each change, by ``Changed``) or ``created`` (each new ticket once,
by ``Created``)."""
_FILTER = {"changed": "last_changed", "created": "created"}
_SORT = {"changed": SortField.CHANGED, "created": SortField.CREATED}
_WIRE_NAME = {"changed": "TicketLastChangeTime", "created": "TicketCreateTime"}


@dataclass(frozen=True)
class Fetch:
    """Read these tickets (batched TicketGet with the caller's options); send back ``(tickets, failed)``."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class Deliver:
    """Hand this change to the caller."""

    change: TicketChange


@dataclass(frozen=True)
class Wait:
    """Sleep this many seconds."""

    seconds: float


Step = Call[Any] | Fetch | Deliver | Wait | Sleep
"""What a feed yields; ``Sleep`` comes from the shared flows it runs (a retry's delay)."""
Checked = Callable[[TicketSearch, Callable[[TicketSearch], flows.Flow[list[int]]]], flows.Flow[list[int]]]


@dataclass(frozen=True, order=True)
class Position:
    """Every change up to ``(second, ticket_id)`` has been delivered; ``second`` is a naive time in the
    server's zone (``None``: the beginning, nothing delivered)."""

    second: datetime | None = None
    ticket_id: int = 0

    def before(self, changed: datetime, ticket_id: int) -> bool:
        """Whether a change at ``(changed, ticket_id)`` comes after this position (is still to deliver)."""
        return self.second is None or (changed, ticket_id) > (self.second, self.ticket_id)


# ---- the cursor -------------------------------------------------------------------------------


def search_key(search: TicketSearch, tz: tzinfo, field: FeedField = "changed") -> str:
    """A short fingerprint of the feed (``field``) and its search's wire parameters: a cursor works
    only with the feed it came from."""
    wire = ticket_search_to_wire(search, tz=tz)
    text = json.dumps([field, wire], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(position: Position, key: str) -> str:
    """The opaque cursor string of ``position`` for the search ``key``."""
    second = position.second.strftime(_TIME_FORMAT) if position.second is not None else None
    payload = json.dumps({"t": second, "i": position.ticket_id, "q": key}, separators=(",", ":"))
    return _CURSOR_PREFIX + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, key: str) -> Position:
    """The position a cursor stands for.

    Raises:
        RequestValidationError: not a cursor of ``iter_changes``, or one made for another search.
    """
    if not isinstance(cursor, str):
        raise RequestValidationError(
            "cursor", f"a cursor is the string a TicketChange carries, not {type(cursor).__name__}"
        )
    try:
        if not cursor.startswith(_CURSOR_PREFIX):
            raise ValueError("prefix")
        body = cursor[len(_CURSOR_PREFIX) :]
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        second = None if data["t"] is None else datetime.strptime(data["t"], _TIME_FORMAT)
        ticket_id = data["i"]
        made_for = data["q"]
        if type(ticket_id) is not int or ticket_id < 0 or not isinstance(made_for, str):
            raise ValueError("fields")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        shown = cursor if len(cursor) <= 40 else cursor[:37] + "..."
        raise RequestValidationError(
            "cursor", f"{shown!r} is not a cursor of iter_changes (store TicketChange.cursor as it is)"
        ) from None
    if made_for != key:
        raise RequestValidationError(
            "cursor",
            "this cursor was made for another search (or the other feed: iter_changes and iter_new_tickets "
            "have their own cursors); a cursor continues only the feed it came from (start without a cursor, "
            "or with since=..., for a new search)",
        )
    return Position(second, ticket_id)


def check_feed_search(search: TicketSearch | None, field: FeedField = "changed") -> TicketSearch:
    """The search to follow (every ticket when None).

    Raises:
        TypeError: not a TicketSearch.
        RequestValidationError: the search sets what the feed controls (``sort_by``, ``order_by``,
            ``limit``, and ``last_changed`` for the changes feed or ``created`` for the new-tickets feed),
            or a ``created`` filter relative to the server's clock (a timedelta).
    """
    if search is None:
        return TicketSearch()
    if not isinstance(search, TicketSearch):
        raise TypeError(f"the feed takes a TicketSearch, not {type(search).__name__}")
    time = "change" if field == "changed" else "creation"
    for name in (*_FEED_CONTROLS, _FILTER[field]):
        value = getattr(search, name)
        if value is not None and value != []:
            raise RequestValidationError(
                f"search.{name}",
                f"the feed orders by the {time} time and pages and windows on it itself; leave it out "
                "(use since=... for a start time)",
            )
    created = search.created
    if created is not None and (isinstance(created.newer_than, timedelta) or isinstance(created.older_than, timedelta)):
        # a second with more than a page of changes is listed in creation-time windows
        # (flows.complete_search), which need points in time; it would fail only then, mid-feed
        raise RequestValidationError(
            "search.created",
            "the feed needs points in time here (a datetime), not a timedelta: a second with more changes "
            "than a page is listed in windows on the creation time, which a time relative to the server's "
            "clock cannot bound",
        )
    return search


def start_position(since: datetime | None, tz: tzinfo) -> Position:
    """The position before the first change at or after ``since`` (naive: the server's zone).

    Raises:
        RequestValidationError: ``since`` is not a datetime.
    """
    if since is None:
        return Position()
    if not isinstance(since, datetime):
        raise RequestValidationError("since", f"expected a datetime or 'now', got {since!r}")
    moment = since.astimezone(tz).replace(tzinfo=None) if since.tzinfo is not None else since
    return Position(moment.replace(microsecond=0), 0)


# ---- the feed -------------------------------------------------------------------------------


@dataclass
class _Bound:
    newest: datetime
    """The newest ``Changed`` after the position (server time)."""
    over_until: datetime
    """The last second proven over."""


class _Feed:
    """The state of one run of :func:`feed` and its steps."""

    def __init__(
        self,
        search: TicketSearch,
        position: Position,
        *,
        key: str,
        field: FeedField,
        page_size: int,
        search_page_size: int,
        on_error: flows.OnError,
        tz: tzinfo,
        make_search: Callable[[TicketSearch], Call[list[int]]],
        light_get: Callable[[list[int]], Call[list[Ticket]]],
        checked: Checked,
    ) -> None:
        self.search = search
        self.position = position
        self.key = key
        self.field = field
        self.moved: set[int] = set()
        """Tickets read with a time past their window (changed again meanwhile), not delivered since."""
        self.unreadable: dict[int, OTOBOZnunyError] = {}
        """Tickets that match but cannot be read, skipped (``on_error="skip"``)."""
        self.page_size = page_size
        self.search_page_size = search_page_size
        self.on_error = on_error
        self.tz = tz
        self.make_search = make_search
        self.light_get = light_get
        self.checked = checked

    # -- helpers

    def changed(self, ticket: Ticket) -> datetime:
        """The ticket's time the feed follows (``Changed``, or ``Created``) as a naive server time.

        Raises:
            UnexpectedReplyError: the ticket has no such time.
        """
        moment = ticket.changed_at if self.field == "changed" else ticket.created_at
        if moment is None:
            name = "Changed" if self.field == "changed" else "Created"
            raise UnexpectedReplyError(
                f"TicketGet: ticket {ticket.id} has no {name} time; the feed orders by it", operation="TicketGet"
            )
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def window(self, low: datetime | None, high: datetime | None, **update: Any) -> TicketSearch:
        """The search restricted to the followed time in ``[low, high]`` (None: open)."""
        if low is None and high is None:
            return self.search.model_copy(update=update)
        bounds = TimeFilter(newer_than=low, older_than=high)
        return self.search.model_copy(update={_FILTER[self.field]: bounds, **update})

    def sorted_by_time(self, order: SortOrder) -> dict[str, Any]:
        """``sort_by``/``order_by`` on the followed time."""
        return {"sort_by": [_SORT[self.field]], "order_by": [order]}

    def after(self) -> datetime | None:
        """The first second that may hold undelivered changes (None: the beginning)."""
        return self.position.second

    def past(self, second: datetime) -> bool:
        """Whether every change up to and including ``second`` has been delivered."""
        return self.position.second is not None and self.position.second > second

    # -- steps

    def newest(self) -> Generator[Step, Any, _Bound | None]:
        """The newest change after the position and the last second proven over; None when nothing
        changed after the position."""
        for attempt in range(3):
            top_search = self.window(self.after(), None, **self.sorted_by_time(SortOrder.DOWN), limit=1)
            ids: list[int] = yield from self.checked(top_search, _single(self.make_search))
            if not ids:
                return None
            try:
                tickets: list[Ticket] = yield self.light_get(ids[:1])
            except (AccessDeniedError, TicketDataError):
                if attempt == 2:
                    raise
                continue  # the newest ticket went away between search and read: look again
            if len(tickets) != 1 or tickets[0].id != ids[0]:
                raise UnexpectedReplyError(
                    f"TicketGet: asked for ticket {ids[0]}, the reply held {len(tickets)} ticket(s)",
                    operation="TicketGet",
                )
            newest = self.changed(tickets[0])
            # "<time> >= the server's current second" (NewerMinutes=0): no hit means that second is over
            probe = TicketSearch(ticket_ids=ids[:1], search_in_archive="AllTickets")
            probe = probe.model_copy(update={_FILTER[self.field]: TimeFilter(newer_than=timedelta(0))})
            current: list[int] = yield self.make_search(probe)
            return _Bound(newest=newest, over_until=newest - _SECOND if current else newest)
        raise AssertionError("unreachable")  # pragma: no cover

    def deliverable(
        self, tickets: Sequence[Ticket], upper: datetime, over_until: datetime
    ) -> list[tuple[datetime, Ticket]]:
        """The tickets to deliver now, in feed order: ``Changed`` after the position and at most ``upper``.
        One read with a ``Changed`` after ``over_until`` changed again since the window was searched:
        the window of its new time delivers it (it is remembered in ``moved`` until then)."""
        chosen = []
        for ticket in tickets:
            changed = self.changed(ticket)
            if changed > over_until:
                self.moved.add(ticket.id)
            elif changed <= upper and self.position.before(changed, ticket.id):
                chosen.append((changed, ticket))
        chosen.sort(key=lambda item: (item[0], item[1].id))
        return chosen

    def deliver(self, changed: datetime, ticket: Ticket, *, last_through: datetime | None = None) -> Deliver:
        """The delivery of one ticket; moves the position past it (past ``last_through`` when it is the
        last ticket of a window that ends there, so a restart from its cursor starts after the window)."""
        self.position = Position(changed, ticket.id) if last_through is None else Position(last_through + _SECOND, 0)
        self.moved.discard(ticket.id)
        return Deliver(TicketChange(ticket=ticket, cursor=encode_cursor(self.position, self.key)))

    def passed(self, second: datetime) -> None:
        """Every change up to and including ``second`` has been delivered."""
        if self.position.second is None or self.position.second <= second:
            self.position = Position(second + _SECOND, 0)

    def read(self, ids: Sequence[int]) -> Generator[Step, Any, list[Ticket]]:
        """Read ``ids``; a ticket that cannot be read is left out when it no longer matches the search
        (it went away), else it stops the feed (``on_error="raise"``) or is skipped with a warning.

        Raises:
            BatchFetchError: a ticket matches the search but cannot be read, and ``on_error="raise"``.
        """
        reply: tuple[list[Ticket], dict[int, OTOBOZnunyError]] = yield Fetch(tuple(ids))
        tickets, failed = reply
        if not failed:
            return tickets
        still: list[int] = yield self.make_search(
            self.window(self.after(), None, ticket_ids=sorted(failed), limit=len(failed))
        )
        stuck = {ticket_id: failed[ticket_id] for ticket_id in sorted(failed) if ticket_id in set(still)}
        gone = sorted(set(failed) - set(stuck))
        if gone:
            logger.info("changes feed: ticket(s) %s went away between the search and the read", gone)
        if stuck:
            if self.on_error == "raise":
                raise BatchFetchError(stuck, tickets)
            self.unreadable.update(stuck)
            logger.warning(
                "changes feed: skipped %d ticket(s) that match the search but cannot be read: %s",
                len(stuck),
                sorted(stuck),
            )
        return tickets

    def windows(self, over_until: datetime) -> Generator[Step, Any, None]:
        """Deliver every change up to ``over_until`` (a second proven over), oldest first."""
        while not self.past(over_until):
            low = self.after()
            page_search = self.window(low, over_until, **self.sorted_by_time(SortOrder.UP), limit=self.page_size)
            ids: list[int] = yield self.make_search(page_search)
            if not ids:
                self.passed(over_until)
                return
            tickets = yield from self.read(ids)
            if len(ids) < self.page_size:
                upper = over_until
            else:
                unmoved = [self.changed(t) for t in tickets if self.changed(t) <= over_until]
                if not unmoved:
                    blocking = {i: self.unreadable[i] for i in ids if i in self.unreadable}
                    if blocking and set(ids) <= self.moved | set(blocking):
                        # a full page of tickets that cannot be read: nothing tells where the window ends
                        raise BatchFetchError(blocking, [])
                    continue  # all changed again meanwhile: they left the window, look again
                last = max(unmoved)
                if low is not None and last <= low:  # a full page within one second
                    yield from self.second(low, over_until)
                    continue
                upper = last - _SECOND  # the page may end inside its last second: leave it for the next window
            chosen = self.deliverable(tickets, upper, over_until)
            for index, (changed, ticket) in enumerate(chosen, start=1):
                yield self.deliver(changed, ticket, last_through=upper if index == len(chosen) else None)
            self.passed(upper)

    def second(self, second: datetime, over_until: datetime) -> Generator[Step, Any, None]:
        """Deliver every change within ``second`` (more than a page of them), in ticket-ID order."""
        search = self.window(second, second)
        created = search.created
        if created is None or created.older_than is None:
            # tickets changed at `second` were created by then: no client clock needed (for the
            # new-tickets feed the window itself is the created filter; check_feed_search refused a timedelta)
            newer = created.newer_than if created is not None else None
            search = search.model_copy(update={"created": TimeFilter(newer_than=newer, older_than=second)})
        ids: list[int] = yield from flows.complete_search(
            search, self.make_search, page_limit=self.search_page_size, tz=self.tz
        )
        todo = sorted(i for i in set(ids) if self.position.before(second, i))
        for start in range(0, len(todo), self.page_size):
            tickets = yield from self.read(todo[start : start + self.page_size])
            chosen = [item for item in self.deliverable(tickets, over_until, over_until) if item[0] == second]
            final = start + self.page_size >= len(todo)
            for index, (changed, ticket) in enumerate(chosen, start=1):
                yield self.deliver(changed, ticket, last_through=second if final and index == len(chosen) else None)
        self.passed(second)

    def still_moved(self) -> Generator[Step, Any, bool]:
        """Whether a ticket that changed again while the feed read it still waits for delivery (and
        still matches the search); forgets the others."""
        if not self.moved:
            return False
        ids = sorted(self.moved)
        found: list[int] = yield self.make_search(self.window(self.after(), None, ticket_ids=ids, limit=len(ids)))
        self.moved.intersection_update(found)
        return bool(self.moved)

    def now_position(self) -> Generator[Step, Any, Position]:
        """The position after the newest change that exists now (waits until its second is over)."""
        while True:
            bound = yield from self.newest()
            if bound is None:
                return Position()
            if bound.over_until >= bound.newest:
                return Position(bound.newest + _SECOND, 0)
            yield Wait(SECOND_WAIT)


def _single(make_search: Callable[[TicketSearch], Call[list[int]]]) -> Callable[[TicketSearch], flows.Flow[list[int]]]:
    def run(search: TicketSearch) -> flows.Flow[list[int]]:
        ids: list[int] = yield make_search(search)
        return ids

    return run


def feed(
    search: TicketSearch | None,
    *,
    field: FeedField = "changed",
    cursor: str | None,
    since: datetime | Literal["now"] | None,
    follow: bool,
    poll_interval: float,
    page_size: int,
    search_page_size: int,
    on_error: flows.OnError,
    tz: tzinfo,
    make_search: Callable[[TicketSearch], Call[list[int]]],
    light_get: Callable[[list[int]], Call[list[Ticket]]],
    checked: Checked,
) -> Generator[Step, Any, None]:
    """The steps of ``iter_changes`` (``field="changed"``) or ``iter_new_tickets`` (``field="created"``; see
    the module docstring). Arguments are checked when the generator is created, before anything is sent.

    Raises:
        RequestValidationError: a bad argument (see ``iter_changes``).
    """
    checked_search = check_feed_search(search, field)
    if page_size < 2:
        raise RequestValidationError("page_size", "must be at least 2")
    if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)) or not poll_interval > 0:
        raise RequestValidationError("poll_interval", f"must be a positive number of seconds, got {poll_interval!r}")
    if on_error not in ("raise", "skip"):
        raise RequestValidationError("on_error", f"must be 'raise' or 'skip', got {on_error!r}")
    key = search_key(checked_search, tz, field)
    if cursor is not None and since is not None:
        raise RequestValidationError("since", "give cursor or since, not both (a cursor holds its own position)")
    if isinstance(since, str) and since != "now":
        raise RequestValidationError("since", f"expected a datetime or 'now', got {since!r}")
    if cursor is not None:
        position = decode_cursor(cursor, key)
    elif isinstance(since, str):
        position = Position()
    else:
        position = start_position(since, tz)
    state = _Feed(
        checked_search,
        position,
        key=key,
        field=field,
        page_size=page_size,
        search_page_size=search_page_size,
        on_error=on_error,
        tz=tz,
        make_search=make_search,
        light_get=light_get,
        checked=checked,
    )
    return _run(state, now=since == "now", follow=follow, poll_interval=float(poll_interval))


def _run(state: _Feed, *, now: bool, follow: bool, poll_interval: float) -> Generator[Step, Any, None]:
    if now:
        state.position = yield from state.now_position()
    target: datetime | None = None
    while True:
        bound = yield from state.newest()
        if bound is None:
            if not follow:
                return
            yield Wait(poll_interval)
            continue
        if target is None:
            target = bound.newest  # one-shot mode: everything the server had when the call started
        yield from state.windows(bound.over_until)
        # one-shot: done, unless a ticket changed again while it was read (then it comes with its new time)
        if not follow and state.past(target) and not (yield from state.still_moved()):
            return
        caught_up = follow and state.past(bound.newest)
        yield Wait(poll_interval if caught_up else min(poll_interval, SECOND_WAIT))
