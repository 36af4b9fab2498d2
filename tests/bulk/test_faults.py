"""Resilience against the emulator's fault injection: dropped connections, lost replies, HTTP 500
text pages and sessions that expire in the middle of a bulk fetch."""

from __future__ import annotations

import pytest

from otobo_znuny import ClientConfig, ConnectError, OTOBOZnunyClient, OutcomeUnknownError, ResponseError, TicketSearch
from otobo_znuny.emulator import Emulator, run_in_thread
from otobo_znuny.emulator.faults import When
from otobo_znuny.testing import make_async_client, make_sync_client

from .helpers import AUTH, NO_WAIT, new_ticket

EVERYTHING = TicketSearch(limit=10_000)
PATIENT_RETRIES = 12
"""With 30% failures, 13 attempts in a row fail with probability 0.3**13, about 2 in 10 million."""


@pytest.fixture
def thousand() -> Emulator:
    """The demo seed plus 1,000 generated tickets."""
    return Emulator.with_tickets(1000)


def _search_order(emulator: Emulator) -> list[int]:
    with make_sync_client(emulator, use_session=False) as client:
        return client.search_tickets(EVERYTHING)


# ---- dropped connections -----------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_third_of_connections_dropped_still_returns_every_ticket_once(thousand: Emulator, when: When) -> None:
    expected = _search_order(thousand)
    assert len(expected) > 1000
    thousand.faults.drop_connections(rate=0.3, when=when, seed=11)
    async with make_async_client(thousand, max_retries=PATIENT_RETRIES, retry_policy=NO_WAIT) as client:
        tickets = await client.search_and_get(EVERYTHING)
    assert [ticket.id for ticket in tickets] == expected  # each exactly once, in search order
    dropped = thousand.faults.injected[f"drop_{when}"]
    assert dropped >= 5  # the faults really happened and were retried
    batches = len(range(0, len(expected), 50))
    if when == "before":
        assert thousand.counters.by_operation["TicketGet"] == batches  # a dropped request is never processed
    else:
        assert thousand.counters.by_operation["TicketGet"] > batches  # processed, reply lost, read again


def test_sync_client_survives_dropped_connections(thousand: Emulator) -> None:
    expected = _search_order(thousand)
    thousand.faults.drop_connections(rate=0.3, when="before", seed=3)
    with make_sync_client(thousand, max_retries=PATIENT_RETRIES, retry_policy=NO_WAIT) as client:
        tickets = client.get_tickets(expected, batch_size=100)
    assert [ticket.id for ticket in tickets] == expected
    assert thousand.faults.injected["drop_before"] >= 3


async def test_dropped_connections_over_real_http(thousand: Emulator) -> None:
    """Over a socket a drop is a closed connection (httpx.RemoteProtocolError), never a reply."""
    expected = _search_order(thousand)
    thousand.faults.drop_connections(rate=0.15, when="before", seed=5)
    thousand.faults.drop_connections(rate=0.15, when="after", seed=5)
    with run_in_thread(thousand) as server:
        config = ClientConfig.generic_ticket(server.genericinterface_url)
        async with OTOBOZnunyClient(config, max_retries=PATIENT_RETRIES, retry_policy=NO_WAIT) as client:
            client.login(AUTH)
            tickets = await client.search_and_get(EVERYTHING)
            before = len(thousand.helpdesk.data.tickets)
            thousand.faults.clear()
            thousand.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
            with pytest.raises(OutcomeUnknownError):
                await client.create_ticket(new_ticket("lost over http", customer_user="carla"))
    assert [ticket.id for ticket in tickets] == expected
    assert thousand.faults.injected["drop_before"] + thousand.faults.injected["drop_after"] >= 5
    assert len(thousand.helpdesk.data.tickets) == before + 1


async def test_without_retries_a_dropped_read_is_an_error(thousand: Emulator) -> None:
    thousand.faults.drop_connections(rate=1.0, when="before", operations={"TicketGet"})
    async with make_async_client(thousand, max_retries=0) as client:
        with pytest.raises(ConnectError, match="TicketGet"):
            await client.search_and_get(EVERYTHING)


# ---- a lost TicketCreate reply ----------------------------------------------------------------------


async def test_a_create_whose_reply_is_lost_is_not_sent_twice() -> None:
    lab = Emulator.from_seed("znuny_lab")
    before = len(lab.helpdesk.data.tickets)
    lab.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
    async with make_async_client(lab, max_retries=5, retry_policy=NO_WAIT) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.create_ticket(new_ticket("reply lost"))
    assert lab.counters.by_operation["TicketCreate"] == 1
    assert len(lab.helpdesk.data.tickets) == before + 1  # it happened once; the client cannot know
    assert caught.value.operation == "TicketCreate"
    message = str(caught.value)
    assert "may have reached the server" in message
    assert "not re-sent" in message


def test_sync_create_whose_reply_is_lost_is_not_sent_twice() -> None:
    lab = Emulator.from_seed("znuny_lab")
    before = len(lab.helpdesk.data.tickets)
    lab.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
    with make_sync_client(lab, retry_policy=NO_WAIT) as client, pytest.raises(OutcomeUnknownError):
        client.create_ticket(new_ticket("reply lost"))
    assert lab.counters.by_operation["TicketCreate"] == 1
    assert len(lab.helpdesk.data.tickets) == before + 1


async def test_a_create_refused_before_delivery_is_retried_and_made_once() -> None:
    lab = Emulator.from_seed("znuny_lab")
    before = len(lab.helpdesk.data.tickets)
    lab.faults.drop_connections(rate=1.0, when="before", count=2, operations={"TicketCreate"})
    async with make_async_client(lab, retry_policy=NO_WAIT) as client:
        ticket = await client.create_ticket(new_ticket("second try"))
    assert ticket.title == "second try"
    assert len(lab.helpdesk.data.tickets) == before + 1
    assert lab.faults.injected["drop_before"] == 2


async def test_a_lost_update_reply_is_not_sent_twice() -> None:
    lab = Emulator.from_seed("znuny_lab")
    ticket_id = next(iter(lab.helpdesk.data.tickets))
    articles_before = len(lab.helpdesk.data.tickets[ticket_id].article_ids)
    lab.faults.drop_connections(rate=1.0, when="after", operations={"TicketUpdate"})
    async with make_async_client(lab, retry_policy=NO_WAIT) as client:
        with pytest.raises(OutcomeUnknownError, match="TicketUpdate"):
            await client.add_note(ticket_id, "only once")
    assert len(lab.helpdesk.data.tickets[ticket_id].article_ids) == articles_before + 1


# ---- HTTP 500 text pages ----------------------------------------------------------------------------


async def test_http_500_on_reads_is_retried() -> None:
    lab = Emulator.from_seed("znuny_lab")
    lab.faults.http_500_text(rate=1.0, count=2, operations={"TicketGet", "TicketSearch"})
    async with make_async_client(lab, retry_policy=NO_WAIT) as client:
        ids = await client.search_tickets(TicketSearch())
        tickets = await client.get_tickets(ids)
    assert [ticket.id for ticket in tickets] == ids
    assert lab.faults.injected["http_500"] == 2


async def test_http_500_on_a_write_is_not_retried() -> None:
    lab = Emulator.from_seed("znuny_lab")
    before = len(lab.helpdesk.data.tickets)
    lab.faults.http_500_text(rate=1.0, count=1, operations={"TicketCreate"})
    async with make_async_client(lab, retry_policy=NO_WAIT) as client:
        with pytest.raises(ResponseError) as caught:
            await client.create_ticket(new_ticket("500"))
    assert caught.value.status_code == 500
    assert lab.faults.injected["http_500"] == 1
    assert len(lab.helpdesk.data.tickets) == before  # a re-send would have gone through and created it


# ---- sessions expiring mid-run ----------------------------------------------------------------------


async def test_a_session_expiring_mid_run_is_renewed_once(thousand: Emulator) -> None:
    expired: list[int] = []

    def expire_after_first_batch(done: int, total: int) -> None:
        if not expired:
            expired.append(thousand.faults.expire_sessions())

    async with make_async_client(thousand, batch_size=40, max_concurrency=4) as client:
        ids = await client.search_tickets(EVERYTHING)
        tickets = await client.get_tickets(ids, progress=expire_after_first_batch)
    assert [ticket.id for ticket in tickets] == ids
    assert expired == [1]
    assert thousand.counters.by_operation["SessionCreate"] == 2
    batches = len(range(0, len(ids), 40))
    refused = thousand.counters.by_operation["TicketGet"] - batches
    assert 1 <= refused <= 4  # only requests already on their way with the old session


def test_sync_session_expiring_mid_run_is_renewed_once(thousand: Emulator) -> None:
    expired: list[int] = []
    with make_sync_client(thousand, batch_size=100) as client:
        ids = client.search_tickets(EVERYTHING)
        tickets = client.get_tickets(
            ids, progress=lambda done, total: expired.append(thousand.faults.expire_sessions()) if not expired else None
        )
    assert [ticket.id for ticket in tickets] == ids
    assert thousand.counters.by_operation["SessionCreate"] == 2
    refused = thousand.counters.by_operation["TicketGet"] - len(range(0, len(ids), 100))
    assert 1 <= refused <= 4  # the sync client has max_concurrency=4 threads: only those already sent
