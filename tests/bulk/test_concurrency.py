"""500 operations at once through one client: no pool exhaustion, one session, every answer right."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from otobo_znuny import ClientConfig, OTOBOZnunyClient, TicketSearch
from otobo_znuny.emulator import Emulator, run_in_thread
from otobo_znuny.testing import make_async_client, make_sync_client

from .helpers import AUTH

OPERATIONS = 500


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    """The demo seed plus 500 generated tickets; the tests only read from it."""
    return Emulator.with_tickets(OPERATIONS)


def _ids(emulator: Emulator) -> list[int]:
    return sorted(emulator.helpdesk.data.tickets)[:OPERATIONS]


async def test_500_concurrent_gets_in_process(emulator: Emulator) -> None:
    ids = _ids(emulator)
    emulator.counters.reset()
    async with make_async_client(emulator) as client:
        tickets = await asyncio.gather(*(client.get_ticket(ticket_id) for ticket_id in ids))
    assert [ticket.id for ticket in tickets] == ids
    assert emulator.counters.by_operation["SessionCreate"] == 1  # the 500 tasks shared one new session
    assert emulator.counters.by_operation["TicketGet"] == OPERATIONS


@pytest.mark.slow
async def test_500_concurrent_mixed_operations_over_real_http_with_the_default_pool(emulator: Emulator) -> None:
    """The default pool (20 connections) queues 500 requests without a PoolTimeout."""
    ids = _ids(emulator)
    emulator.counters.reset()
    with run_in_thread(emulator) as server:
        async with OTOBOZnunyClient(ClientConfig.generic_ticket(server.genericinterface_url)) as client:
            client.login(AUTH)
            gets = [client.get_ticket(ticket_id, articles=False) for ticket_id in ids[:-50]]
            searches = [client.search_tickets(TicketSearch(ticket_ids=[ticket_id])) for ticket_id in ids[-50:]]
            tickets, found = await asyncio.gather(asyncio.gather(*gets), asyncio.gather(*searches))
    assert [ticket.id for ticket in tickets] == ids[:-50]
    assert found == [[ticket_id] for ticket_id in ids[-50:]]
    assert emulator.counters.by_operation["SessionCreate"] == 1
    assert emulator.counters.total == OPERATIONS + 1


def test_500_operations_from_threads_through_one_sync_client(emulator: Emulator) -> None:
    ids = _ids(emulator)
    emulator.counters.reset()
    with make_sync_client(emulator) as client, ThreadPoolExecutor(max_workers=32) as pool:
        tickets = list(pool.map(lambda ticket_id: client.get_ticket(ticket_id, articles=False), ids))
    assert [ticket.id for ticket in tickets] == ids
    assert emulator.counters.by_operation["SessionCreate"] == 1
