"""A search that asks for everything gets everything (or an error that says how), never a silent 500.

TicketSearch has a ``Limit`` (500 by default on a stock server) and no offset. ``search_tickets``,
``iter_tickets`` and ``search_and_get`` send an explicit page size and, when a page comes back full,
walk windows on the creation time (``flows.complete_search``) so every match is returned once.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from bulk.helpers import AUTH, WatchingTransport, watched_async_client
from otobo_znuny import IncompleteSearchError, OTOBOZnunyClient, SortField, TicketSearch, TimeFilter
from otobo_znuny.client.base import DEFAULT_SEARCH_PAGE_SIZE
from otobo_znuny.emulator import Emulator
from otobo_znuny.emulator.builder import create_ticket
from otobo_znuny.testing import emulator_config, make_sync_client

START = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def _helpdesk(raw: int, *, same_second: int = 0) -> Emulator:
    """The demo seed (no ticket in Raw) plus ``raw`` tickets in Raw, a minute apart; the first
    ``same_second`` of them share one creation second."""
    emulator = Emulator.from_seed("demo")
    for index in range(raw):
        created = START if index < same_second else START + timedelta(minutes=index)
        create_ticket(emulator.helpdesk, title=f"raw {index}", queue="Raw", customer_user="carla", created=created)
    return emulator


def _password_client(emulator: Emulator, **options: Any) -> tuple[OTOBOZnunyClient, WatchingTransport]:
    """A client sending the password with each request (so every request body shows the search)."""
    transport = WatchingTransport(emulator)
    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=transport), **options)
    client.login(AUTH, use_session=False)
    return client, transport


def _newest_first(emulator: Emulator, queue: str = "Raw") -> list[int]:
    """The server's default order (Age, Down: creation time descending, ties by ID descending)."""
    queue_ids = {q.id for q in emulator.helpdesk.data.queues.values() if q.name == queue}
    tickets = [t for t in emulator.helpdesk.data.tickets.values() if t.queue_id in queue_ids]
    return [t.id for t in sorted(tickets, key=lambda t: (t.created, t.id), reverse=True)]


@pytest.fixture(scope="module")
def raw_615() -> Emulator:
    """The issue's helpdesk: 615 tickets in Raw, more than the server's default limit of 500."""
    return _helpdesk(615)


async def test_615_matches_all_come_back_in_one_request(raw_615: Emulator) -> None:
    client, transport = _password_client(raw_615)
    async with client:
        ids = await client.search_tickets(TicketSearch(queues=["Raw"]))
    assert ids == _newest_first(raw_615)
    assert len(ids) == 615
    assert transport.sent("TicketSearch") == [
        {"UserLogin": "api-agent", "Password": "api-secret-1", "Queues": ["Raw"], "Limit": DEFAULT_SEARCH_PAGE_SIZE}
    ]


async def test_iter_tickets_and_search_and_get_return_every_match(raw_615: Emulator) -> None:
    client, _ = watched_async_client(raw_615)
    async with client:
        streamed = [ticket.id async for ticket in client.iter_tickets(TicketSearch(queues=["Raw"]), articles=False)]
        fetched = await client.search_and_get(TicketSearch(queues=["Raw"]), articles=False)
    assert streamed == [ticket.id for ticket in fetched] == _newest_first(raw_615)


def test_the_sync_client_returns_every_match_too(raw_615: Emulator) -> None:
    with make_sync_client(raw_615) as client:
        assert client.search_tickets(TicketSearch(queues=["Raw"])) == _newest_first(raw_615)


async def test_an_explicit_limit_is_what_was_asked_for(raw_615: Emulator) -> None:
    client, transport = _password_client(raw_615)
    async with client:
        ids = await client.search_tickets(TicketSearch(queues=["Raw"], limit=10))
    assert ids == _newest_first(raw_615)[:10]
    assert [search["Limit"] for search in transport.sent("TicketSearch")] == [10]


async def test_more_than_a_page_is_walked_in_creation_time_windows() -> None:
    emulator = _helpdesk(250, same_second=60)
    client, transport = _password_client(emulator, search_page_size=50)
    async with client:
        ids = await client.search_tickets(TicketSearch(queues=["Raw"]))
        first_call = transport.sent("TicketSearch")  # the windows follow the clock: count them per call
        oldest_first = await client.search_tickets(TicketSearch(queues=["Raw"], sort_by="Created", order_by="Up"))
        newest_first = await client.search_tickets(TicketSearch(queues=["Raw"], sort_by=SortField.AGE))
    expected = _newest_first(emulator)
    assert ids == expected  # every match once, in the server's default order
    assert oldest_first == expected[::-1]
    assert newest_first == expected
    assert len(first_call) > 3  # a first page, then windows
    assert "TicketCreateTimeNewerDate" not in first_call[0]
    assert all("TicketCreateTimeNewerDate" in search for search in first_call[1:])


async def test_an_order_the_walk_cannot_keep_raises_and_says_how(raw_615: Emulator) -> None:
    client, _ = watched_async_client(raw_615, search_page_size=100)
    async with client:
        with pytest.raises(IncompleteSearchError) as caught:
            await client.search_tickets(TicketSearch(queues=["Raw"], sort_by="Priority"))
        fits = await client.search_tickets(TicketSearch(queues=["Support"], sort_by="Priority"))
    assert caught.value.argument == "sort_by"
    assert caught.value.at_least == 100
    message = str(caught.value)
    assert "leave sort_by out" in message
    assert "limit=N" in message
    assert fits  # one page holds it: any order works


async def test_a_relative_created_filter_past_a_page_raises_and_says_how() -> None:
    emulator = _helpdesk(120)
    client, _ = watched_async_client(emulator, search_page_size=50)
    async with client:
        with pytest.raises(IncompleteSearchError) as caught:
            await client.search_tickets(TicketSearch(queues=["Raw"], created=TimeFilter(older_than=timedelta(days=1))))
        absolute = await client.search_tickets(
            TicketSearch(queues=["Raw"], created=TimeFilter(older_than=datetime.now(timezone.utc) - timedelta(days=1)))
        )
    assert caught.value.argument == "created"
    assert "absolute times" in str(caught.value)
    assert absolute == _newest_first(emulator)


def test_a_page_size_below_one_is_refused() -> None:
    from otobo_znuny import ConfigurationError

    with pytest.raises(ConfigurationError, match="search_page_size"):
        make_sync_client(Emulator.from_seed("empty"), search_page_size=0)


def test_a_search_that_is_not_a_ticket_search_is_a_type_error() -> None:
    with make_sync_client(Emulator.from_seed("empty")) as client, pytest.raises(TypeError, match="TicketSearch"):
        client.search_tickets({"queues": ["Raw"]})  # type: ignore[arg-type]
