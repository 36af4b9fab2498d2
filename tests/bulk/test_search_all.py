"""``search_all_ticket_ids``: every matching ticket exactly once, beyond the per-search limit.

TicketSearch has ``Limit`` but no offset, so the client walks the creation-time range in windows;
many tickets created in the same second exercise the one-second window that cannot be split.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from otobo_znuny import RequestValidationError, SortField, TicketSearch, TimeFilter
from otobo_znuny.emulator import Emulator
from otobo_znuny.emulator.builder import create_ticket

from .helpers import watched_async_client, watched_sync_client

START = datetime(2025, 3, 1, 9, 0, 0, tzinfo=timezone.utc)
BUSY_SECOND = START + timedelta(hours=2)
PAGE_LIMIT = 100


def _creation_times() -> list[datetime]:
    """3,000 creation times: 1,200 in one second (more than ten pages), 800 in 40 seconds (20 per
    second), 1,000 a minute apart."""
    busy = [BUSY_SECOND] * 1200
    clustered = [START + timedelta(seconds=index // 20) for index in range(800)]
    spread = [START + timedelta(hours=3, minutes=index) for index in range(1000)]
    return clustered + busy + spread


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    """The demo seed plus 3,000 tickets in the Raw and Misc queues; the tests only read from it."""
    emulator = Emulator.from_seed("demo")
    for index, created in enumerate(_creation_times()):
        queue = "Raw" if index % 3 else "Misc"
        create_ticket(emulator.helpdesk, title=f"bulk {index}", queue=queue, customer_user="carla", created=created)
    return emulator


def _oldest_first(emulator: Emulator, queue: str | None = None) -> list[int]:
    tickets = emulator.helpdesk.data.tickets.values()
    queue_ids = {q.id for q in emulator.helpdesk.data.queues.values() if queue is None or q.name == queue}
    return [t.id for t in sorted(tickets, key=lambda t: (t.created, t.id)) if t.queue_id in queue_ids]


@pytest.mark.slow
async def test_every_ticket_exactly_once_oldest_first(emulator: Emulator) -> None:
    client, transport = watched_async_client(emulator)
    async with client:
        ids = await client.search_all_ticket_ids(TicketSearch(), page_limit=PAGE_LIMIT)
    assert len(ids) == len(set(ids))
    assert ids == _oldest_first(emulator)
    searches = transport.sent("TicketSearch")
    assert all(search["Limit"] >= PAGE_LIMIT for search in searches)
    # the busy second could not be split: it was re-read with larger limits until complete
    busy = f"{BUSY_SECOND:%Y-%m-%d %H:%M:%S}"
    busy_reads = [
        s["Limit"] for s in searches if s["TicketCreateTimeNewerDate"] == busy == s["TicketCreateTimeOlderDate"]
    ]
    assert busy_reads == [PAGE_LIMIT, PAGE_LIMIT * 10, PAGE_LIMIT * 100]


async def test_the_search_criteria_still_apply(emulator: Emulator) -> None:
    client, _ = watched_async_client(emulator)
    async with client:
        ids = await client.search_all_ticket_ids(TicketSearch(queues=["Misc"]), page_limit=PAGE_LIMIT)
        everything = await client.search_tickets(TicketSearch(queues=["Misc"]))
    assert ids == _oldest_first(emulator, "Misc")
    assert len(ids) > 1000  # past the server's default limit of 500 and past one page of search_tickets
    assert everything == ids[::-1]  # search_tickets walks the same windows, newest first without a sort


async def test_an_absolute_created_filter_bounds_the_walk(emulator: Emulator) -> None:
    window = TimeFilter(newer_than=BUSY_SECOND, older_than=BUSY_SECOND + timedelta(hours=2))
    client, _ = watched_async_client(emulator)
    async with client:
        ids = await client.search_all_ticket_ids(TicketSearch(created=window), page_limit=PAGE_LIMIT)
    inside = {
        t.id
        for t in emulator.helpdesk.data.tickets.values()
        if BUSY_SECOND <= t.created <= BUSY_SECOND + timedelta(hours=2)
    }
    assert sorted(ids) == sorted(inside)
    assert len(ids) == 1200 + 61  # the busy second and one ticket a minute from 3 h on


@pytest.mark.slow
def test_sync_client_walks_the_same_way(emulator: Emulator) -> None:
    client, _ = watched_sync_client(emulator)
    with client:
        ids = client.search_all_ticket_ids(TicketSearch(), page_limit=PAGE_LIMIT)
    assert ids == _oldest_first(emulator)


@pytest.mark.parametrize(
    ("search", "field"),
    [
        (TicketSearch(limit=10), "limit"),
        (TicketSearch(sort_by=[SortField.AGE]), "sort_by"),
        (TicketSearch(created=TimeFilter(newer_than=timedelta(days=1))), "created"),
    ],
)
async def test_what_the_walk_controls_is_refused_before_any_request(
    emulator: Emulator, search: TicketSearch, field: str
) -> None:
    client, transport = watched_async_client(emulator)
    async with client:
        with pytest.raises(RequestValidationError) as caught:
            await client.search_all_ticket_ids(search)
    assert caught.value.field == field
    assert transport.requests == []


@pytest.mark.parametrize("page_limit", [0, -5])
async def test_a_page_limit_below_one_is_refused_by_its_own_name(emulator: Emulator, page_limit: int) -> None:
    """It used to be reported as ``limit``, a TicketSearch field the caller had not set."""
    client, transport = watched_async_client(emulator)
    async with client:
        with pytest.raises(RequestValidationError) as caught:
            await client.search_all_ticket_ids(TicketSearch(), page_limit=page_limit)
    assert caught.value.field == "page_limit"
    assert transport.requests == []
