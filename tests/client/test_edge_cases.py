"""Edge cases: secrets in unparseable replies, partial batch failures, option types, pickling."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    BasicAuth,
    BatchFetchError,
    ClientConfig,
    OTOBOZnunyClient,
    RequestValidationError,
    ResponseError,
    TicketSearch,
    TicketUpdate,
    TimeFilter,
)
from otobo_znuny.client import flows
from otobo_znuny.client.engine import RenewSession
from otobo_znuny.config import TicketOperation, routes_from_webservice
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.operations import sessions
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER, make_async_client

NEW_SESSION = "Zq8newSessionIdThatTheClientDoesNotKnowYet"


async def test_a_session_id_in_an_unparseable_reply_never_reaches_the_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text='{"SessionID":"' + NEW_SESSION + '"}', headers={"Content-Type": "text/plain"})

    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler)), 0) as client:
        client.login(BasicAuth(user_login="agent", password="pw-123"))
        with pytest.raises(ResponseError) as caught:
            await client.create_session()
    assert NEW_SESSION not in str(caught.value)
    assert NEW_SESSION not in caught.value.body_snippet
    assert '"SessionID":"***"' in caught.value.body_snippet


async def test_search_and_get_keeps_the_fetched_tickets_when_some_fail() -> None:
    """A ticket deleted between the search and the fetch fails its batch; the rest is kept."""
    emulator = Emulator.from_seed("demo")
    inner = EmulatorTransport(emulator)
    hidden: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        response = await inner.handle_async_request(request)
        if request.url.path.endswith("/TicketSearch"):
            await response.aread()
            hidden.append(int(response.json()["TicketID"][2]))
            emulator.helpdesk.data.tickets.pop(hidden[0])
        return response

    config = ClientConfig.generic_ticket(EMULATOR_BASE_URL)
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler))) as client:
        client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
        with pytest.raises(BatchFetchError) as caught:
            await client.search_and_get(TicketSearch(limit=6), batch_size=2)
    assert set(caught.value.failed) == set(hidden)
    assert len(caught.value.tickets) == 5
    assert hidden[0] not in {t.id for t in caught.value.tickets}


async def test_every_id_is_checked_before_the_first_batch_is_sent() -> None:
    emulator = Emulator.from_seed("demo")
    async with make_async_client(emulator, use_session=False) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.get_tickets([1, 2, 3, 0], batch_size=1)
    assert caught.value.field == "ticket_id"
    assert emulator.counters.total == 0


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"article_sender_types": "agent"}, "article_sender_types"),
        ({"article_limit": "5"}, "article_limit"),
        ({"article_limit": True}, "article_limit"),
        ({"article_order": None}, "article_order"),
    ],
)
async def test_ticket_get_options_of_the_wrong_type_are_refused(options: dict[str, Any], field: str) -> None:
    emulator = Emulator.from_seed("demo")
    async with make_async_client(emulator, use_session=False) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.get_ticket(1, **options)
    assert caught.value.field == field
    assert emulator.counters.total == 0


async def test_update_by_id_and_number_at_once_is_refused_before_sending() -> None:
    emulator = Emulator.from_seed("demo")
    update = TicketUpdate(id=5, number="2026112442000012", title="x")  # the original library built it too
    async with make_async_client(emulator, use_session=False) as client:
        with pytest.raises(RequestValidationError, match="not both") as caught:
            await client.update_ticket(update)
    assert caught.value.field == "number"
    assert emulator.counters.total == 0


def test_search_all_reads_naive_datetimes_in_the_server_time_zone() -> None:
    config = ClientConfig.generic_ticket("https://x", server_timezone="Europe/Berlin")
    search = TicketSearch(created=TimeFilter(newer_than=datetime(2024, 1, 1), older_than=datetime(2024, 1, 2)))
    walk = flows.search_all_ids(search, lambda s: s, page_limit=10, tz=config.timezone)
    first: TicketSearch = next(walk)
    assert first.created is not None
    assert first.created.newer_than == datetime(2024, 1, 1, tzinfo=config.timezone)


def test_errors_survive_pickling() -> None:
    validation = pickle.loads(pickle.dumps(RequestValidationError("queue", "missing")))
    assert (validation.field, validation.problem) == ("queue", "missing")
    batch = pickle.loads(pickle.dumps(BatchFetchError({7: RequestValidationError("x", "y")}, [])))
    assert list(batch.failed) == [7]


def test_reprs_of_internal_objects_hide_session_ids() -> None:
    assert NEW_SESSION not in repr(RenewSession(NEW_SESSION))
    assert NEW_SESSION not in repr(sessions.session_get(NEW_SESSION))


def test_a_route_naming_the_ticket_wins_over_a_list_route() -> None:
    document = {
        "Provider": {
            "Operation": {"ATicketList": {"Type": "Ticket::TicketGet"}, "TicketGetOne": {"Type": "Ticket::TicketGet"}},
            "Transport": {
                "Config": {
                    "RouteOperationMapping": {
                        "ATicketList": {"RequestMethod": ["GET"], "Route": "/TicketList"},
                        "TicketGetOne": {"RequestMethod": ["GET"], "Route": "/Ticket/:TicketID"},
                    }
                }
            },
        }
    }
    assert routes_from_webservice(document)[TicketOperation.GET].path == "Ticket/:TicketID"


@pytest.mark.parametrize("server", ["znuny", "otobo"])
async def test_a_search_reply_with_other_keys_than_ticket_id_is_not_taken_for_no_match(server: str) -> None:
    """Only ``{}`` means "nothing matched" (exchange 12). A reply whose IDs sit under another key (an
    outbound mapping of the web service renamed ``TicketID``) used to come back as ``[]``."""
    from otobo_znuny import UnexpectedReplyError
    from support.recording import load_exchanges

    searches = [e for e in load_exchanges(server) if e.operation == "TicketSearch" and e.response_json()]
    found = next(e for e in searches if "TicketID" in e.response_json())
    empty = next(e for e in load_exchanges(server) if e.n == 12)
    assert empty.response_json() == {}
    renamed = {"IDs" if key == "TicketID" else key: value for key, value in found.response_json().items()}
    replies = iter([found.response_body, empty.response_body, json.dumps(renamed)])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=next(replies), headers={"Content-Type": "application/json"})

    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler)), 0) as client:
        client.login(BasicAuth(user_login="agent", password="pw-123"), use_session=False)
        assert await client.search_tickets(TicketSearch(limit=5)) == [int(i) for i in found.response_json()["TicketID"]]
        assert await client.search_tickets(TicketSearch(limit=5)) == []
        with pytest.raises(UnexpectedReplyError) as caught:
            await client.search_tickets(TicketSearch(limit=5))
    assert "no TicketID" in str(caught.value)
    assert "IDs" in str(caught.value)
