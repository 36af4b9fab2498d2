"""Streaming 20,000 tickets keeps memory bounded by batch size x concurrency, not by the result size."""

from __future__ import annotations

import tracemalloc

import httpx
import pytest

from otobo_znuny import GetOptions, OTOBOZnunyClient, TicketSearch
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import emulator_config

from .helpers import AUTH

TICKETS = 20_000
BATCH_SIZE, MAX_CONCURRENCY = 100, 4
SEARCH = TicketSearch(limit=TICKETS * 2)
LEAN: GetOptions = {"articles": False, "dynamic_fields": False}
"""Tickets without articles keep the traced run short; the bound does not depend on their size."""


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers each distinct request from the emulator once, then from memory.

    A warm-up pass fills it, so the traced pass measures the client alone: the in-process emulator's
    own allocations would otherwise be traced too (and make tracing slow).
    """

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.replies: dict[tuple[str, bytes], tuple[int, dict[str, str], bytes]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.path, request.content)
        if key not in self.replies:
            reply = await self.inner.handle_async_request(request)
            self.replies[key] = (reply.status_code, dict(reply.headers), await reply.aread())
        status, headers, body = self.replies[key]
        return httpx.Response(status, headers=headers, content=body, request=request)


@pytest.mark.slow
async def test_streaming_20000_tickets_keeps_peak_memory_bounded() -> None:
    emulator = Emulator.with_tickets(TICKETS)
    total = len(emulator.helpdesk.data.tickets)
    transport = ReplayTransport(emulator)
    http = httpx.AsyncClient(transport=transport)
    async with OTOBOZnunyClient(
        emulator_config(), http, batch_size=BATCH_SIZE, max_concurrency=MAX_CONCURRENCY
    ) as client:
        client.login(AUTH)
        ids = [ticket.id async for ticket in client.iter_tickets(SEARCH, **LEAN)]  # warm-up, not traced
        assert ids == await client.search_tickets(SEARCH)
        assert len(ids) == total > TICKETS

        tracemalloc.start()
        try:
            baseline, _ = tracemalloc.get_traced_memory()
            streamed = 0
            async for _ in client.iter_tickets(SEARCH, **LEAN):
                streamed += 1
            _, peak = tracemalloc.get_traced_memory()

            before, _ = tracemalloc.get_traced_memory()
            held = await client.get_tickets(ids[:2000], **LEAN)  # the same batches, answered from memory
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert streamed == total
    peak_while_streaming = peak - baseline
    bytes_per_ticket = (after - before) / len(held)
    whole_result = bytes_per_ticket * total  # what holding every ticket at once costs
    assert peak_while_streaming < 0.3 * whole_result
    # the bound is a few batches in flight (reply bytes, wire shapes, tickets), whatever the total
    assert peak_while_streaming < 4 * bytes_per_ticket * BATCH_SIZE * MAX_CONCURRENCY
