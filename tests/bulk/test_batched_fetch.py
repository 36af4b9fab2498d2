"""Batched TicketGet: search order, a bounded number of requests in flight, progress, streaming."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import AsyncGenerator
from typing import Any, cast

import httpx
import pytest

from otobo_znuny import OTOBOZnunyClient, RequestValidationError, Ticket, TicketSearch
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import emulator_config

from .helpers import AUTH, WatchingTransport, watched_async_client, watched_sync_client

EVERYTHING = TicketSearch(limit=10_000)


def expected_progress(total: int, batch_size: int) -> list[tuple[int, int]]:
    """One ``(done, total)`` call per batch, in order."""
    return [(min((index + 1) * batch_size, total), total) for index in range(math.ceil(total / batch_size))]


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    """The demo seed plus 200 generated tickets; the tests only read from it."""
    return Emulator.with_tickets(200)


async def test_search_and_get_returns_tickets_in_search_order_in_batches(emulator: Emulator) -> None:
    client, transport = watched_async_client(emulator, batch_size=25)
    async with client:
        ids = await client.search_tickets(EVERYTHING)
        transport.reset()
        tickets = await client.search_and_get(EVERYTHING)
    assert [ticket.id for ticket in tickets] == ids
    gets = transport.sent("TicketGet")
    assert [body["TicketID"] for body in gets] == [ids[i : i + 25] for i in range(0, len(ids), 25)]
    assert len(transport.sent("TicketSearch")) == 1


async def test_get_tickets_keeps_the_callers_order(emulator: Emulator) -> None:
    ids = sorted(emulator.helpdesk.data.tickets)
    shuffled = ids[::2][::-1] + ids[1::2]
    client, _ = watched_async_client(emulator, batch_size=7, max_concurrency=3)
    async with client:
        tickets = await client.get_tickets(shuffled, articles=False)
    assert [ticket.id for ticket in tickets] == shuffled
    assert all(ticket.articles == [] for ticket in tickets)


class LastInFirstOutTransport(WatchingTransport):
    """Holds each request shorter than the one before, so later batches finish first."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self.finished: list[list[int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = len(self.requests)
        self.hold = max(0.0, 0.02 - 0.005 * (started % 4))
        response = await super().handle_async_request(request)
        if request.url.path.endswith("/TicketGet"):
            self.finished.append(json.loads(request.content)["TicketID"])
        return response


async def test_results_keep_search_order_when_later_batches_finish_first(emulator: Emulator) -> None:
    transport = LastInFirstOutTransport(emulator)
    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=transport), batch_size=20)
    client.login(AUTH)
    async with client:
        ids = await client.search_tickets(EVERYTHING)
        tickets = [ticket async for ticket in client.iter_tickets(ids, max_concurrency=4)]
    assert [ticket.id for ticket in tickets] == ids
    batches = [ids[i : i + 20] for i in range(0, len(ids), 20)]
    assert transport.finished != batches  # the server really answered out of order
    assert sorted(map(tuple, transport.finished)) == sorted(map(tuple, batches))


@pytest.mark.parametrize(("max_concurrency", "expected"), [(None, 4), (1, 1), (3, 3), (6, 6)])
async def test_requests_in_flight_never_exceed_max_concurrency(
    emulator: Emulator, max_concurrency: int | None, expected: int
) -> None:
    client, transport = watched_async_client(emulator, hold=0.002, batch_size=10)
    async with client:
        ids = await client.search_tickets(EVERYTHING)
        transport.reset()
        tickets = await client.get_tickets(ids, max_concurrency=max_concurrency)
    assert [ticket.id for ticket in tickets] == ids
    assert len(transport.sent("TicketGet")) == math.ceil(len(ids) / 10)
    assert transport.max_in_flight == expected  # bounded, and the bound is actually used


async def test_max_concurrency_set_on_the_client_is_the_default(emulator: Emulator) -> None:
    client, transport = watched_async_client(emulator, hold=0.002, batch_size=10, max_concurrency=2)
    async with client:
        tickets = [ticket async for ticket in client.iter_tickets(EVERYTHING)]
    assert len(tickets) == len(emulator.helpdesk.data.tickets)
    assert transport.max_in_flight == 2


async def test_progress_is_called_once_per_batch_in_order(emulator: Emulator) -> None:
    calls: list[tuple[int, int]] = []
    client, _ = watched_async_client(emulator, hold=0.001)
    async with client:
        ids = await client.search_tickets(EVERYTHING)
        async for _ in client.iter_tickets(ids, batch_size=30, max_concurrency=3, progress=lambda *c: calls.append(c)):
            pass
    assert calls == expected_progress(len(ids), 30)


async def test_iter_tickets_streams_instead_of_fetching_everything_first(emulator: Emulator) -> None:
    client, transport = watched_async_client(emulator, hold=0.002)
    async with client:
        ids = await client.search_tickets(EVERYTHING)
        transport.reset()
        stream = cast("AsyncGenerator[Ticket, None]", client.iter_tickets(ids, batch_size=10, max_concurrency=2))
        async with contextlib.aclosing(stream):
            async for ticket in stream:
                first = ticket
                break
    assert first.id == ids[0]
    assert len(transport.sent("TicketGet")) <= 2  # only the batches in flight, not all 23


BAD_BULK_INPUT = [
    ({"batch_size": 0}, "batch_size"),
    ({"max_concurrency": 0}, "max_concurrency"),
    ({"article_limit": 0}, "article_limit"),
    ({"attachments": True, "articles": False}, "attachments"),
]


@pytest.mark.parametrize(("arguments", "field"), BAD_BULK_INPUT)
async def test_bad_bulk_input_is_refused_before_the_search_is_sent(
    emulator: Emulator, arguments: dict[str, Any], field: str
) -> None:
    client, transport = watched_async_client(emulator)
    async with client:
        with pytest.raises(RequestValidationError) as caught:
            await client.search_and_get(EVERYTHING, **arguments)
        with pytest.raises(RequestValidationError):
            await client.get_tickets([1, 2], **arguments)
    assert caught.value.field == field
    assert transport.requests == []


@pytest.mark.parametrize(("arguments", "field"), BAD_BULK_INPUT)
def test_sync_client_refuses_bad_bulk_input_before_the_search(
    emulator: Emulator, arguments: dict[str, Any], field: str
) -> None:
    client, transport = watched_sync_client(emulator)
    with client, pytest.raises(RequestValidationError) as caught:
        client.search_and_get(EVERYTHING, **arguments)
    assert caught.value.field == field
    assert transport.requests == []


def test_sync_client_fetches_in_order_with_bounded_threads(emulator: Emulator) -> None:
    calls: list[tuple[int, int]] = []
    client, transport = watched_sync_client(emulator, batch_size=40, max_concurrency=3)
    transport.hold = 0.005  # long enough for the pool's threads to overlap
    with client:
        ids = client.search_tickets(EVERYTHING)
        transport.reset()
        streamed = [ticket.id for ticket in client.iter_tickets(ids, progress=lambda *c: calls.append(c))]
        fetched = [ticket.id for ticket in client.search_and_get(EVERYTHING)]
    assert streamed == ids
    assert fetched == ids
    assert calls == expected_progress(len(ids), 40)
    assert transport.max_in_flight == 3  # bounded, and the bound is actually used


@pytest.mark.parametrize("server", ["znuny", "otobo"])
async def test_an_id_the_reply_leaves_out_without_an_error_is_reported_not_dropped(server: str) -> None:
    """A TicketGet reply that holds fewer tickets than asked for (and no Error) used to shorten the
    result silently; the left-out ID is now a failure (BatchFetchError, or skipped with a warning)."""
    from otobo_znuny import BatchFetchError, TicketNotFoundError, UnexpectedReplyError
    from support.recording import load_exchanges

    recorded = next(
        e
        for e in load_exchanges(server)
        if e.operation == "TicketGet" and len(e.response_json().get("Ticket", [])) == 1
    )
    held = int(recorded.response_json()["Ticket"][0]["TicketID"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=recorded.response_body, headers={"Content-Type": "application/json"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with OTOBOZnunyClient(emulator_config(flavor=server), http, 0) as client:
        client.login(AUTH, use_session=False)
        with pytest.raises(BatchFetchError) as caught:
            await client.get_tickets([held, held + 1000])
        assert [t.id for t in caught.value.tickets] == [held]
        assert list(caught.value.failed) == [held + 1000]
        assert isinstance(caught.value.failed[held + 1000], TicketNotFoundError)
        assert [t.id for t in await client.get_tickets([held, held + 1000], on_error="skip")] == [held]
        with pytest.raises(UnexpectedReplyError):  # a ticket that was not asked for
            await client.get_tickets([held + 1000, held + 2000])
