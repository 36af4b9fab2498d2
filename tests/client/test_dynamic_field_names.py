"""A search naming a dynamic field the server does not define is refused before it is sent.

Both servers ignore such a condition and match every ticket (an unknown ``DynamicField_`` sort key
returns nothing). The client learns the defined names from TicketGet ``DynamicFields=1``, which lists
every ticket field, empty ones included.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bulk.helpers import AUTH, WatchingTransport
from otobo_znuny import (
    BasicAuth,
    ClientConfig,
    DynamicFieldFilter,
    OTOBOZnunyClient,
    RequestValidationError,
    TicketSearch,
    UnknownDynamicFieldError,
)
from otobo_znuny.emulator import Emulator, EmulatorTransport, HelpdeskBuilder
from otobo_znuny.emulator.builder import create_ticket
from otobo_znuny.emulator.state import DynamicFieldDef
from otobo_znuny.testing import emulator_config, make_sync_client
from support.recording import load_exchanges

TYPO = TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderIDD", equals="ORD-1002")])
RIGHT = TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals="ORD-1002")])


ROOT = BasicAuth(user_login="root@localhost", password="root")  # the agent of every HelpdeskBuilder


def _client(emulator: Emulator, auth: BasicAuth = AUTH, **options: Any) -> tuple[OTOBOZnunyClient, WatchingTransport]:
    transport = WatchingTransport(emulator)
    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=transport), **options)
    client.login(auth, use_session=False)
    return client, transport


def _operations(transport: WatchingTransport) -> list[tuple[str, dict[str, Any]]]:
    return [
        (r.url.path.rsplit("/", 1)[-1], {k: v for k, v in json.loads(r.content).items() if k not in AUTH_KEYS})
        for r in transport.requests
    ]


AUTH_KEYS = ("UserLogin", "Password")


async def test_a_misspelt_field_is_refused_before_the_search_is_sent() -> None:
    client, transport = _client(Emulator.from_seed("demo"))
    async with client:
        with pytest.raises(UnknownDynamicFieldError) as caught:
            await client.search_tickets(TYPO)
    error = caught.value
    assert isinstance(error, RequestValidationError)
    assert error.field == "dynamic_fields[0].field_name"
    assert error.name == "OrderIDD"
    assert error.known == ("DueDate", "OrderID", "Tags")
    assert "did you mean 'OrderID'?" in str(error)
    assert "match every ticket" in str(error)
    # only what learning the names takes: one ticket ID, then that ticket's fields, no articles
    sent = _operations(transport)
    assert [name for name, _ in sent] == ["TicketSearch", "TicketGet"]
    assert sent[0][1] == {"Limit": 1}
    assert sent[1][1]["DynamicFields"] == 1
    assert "AllArticles" not in sent[1][1]  # no articles: the lightest TicketGet that lists the fields
    assert not any("DynamicField_OrderIDD" in params for _, params in sent)


async def test_names_are_learned_once_per_client() -> None:
    emulator = Emulator.from_seed("demo")
    client, transport = _client(emulator)
    async with client:
        first = await client.search_tickets(RIGHT)
        transport.reset()
        again = await client.with_options(max_retries=0).search_tickets(RIGHT)  # a view shares the names
    assert (
        first
        == again
        == [t.id for t in emulator.helpdesk.data.tickets.values() if t.dynamic_fields.get("OrderID") == "ORD-1002"]
    )
    assert [name for name, _ in _operations(transport)] == ["TicketSearch"]


async def test_an_unknown_dynamic_field_sort_key_is_refused() -> None:
    client, _ = _client(Emulator.from_seed("demo"))
    async with client:
        with pytest.raises(UnknownDynamicFieldError) as caught:
            await client.search_tickets(TicketSearch(sort_by="DynamicField_Priority"))
        sorted_ids = await client.search_tickets(TicketSearch(sort_by="DynamicField_OrderID", limit=3))
    assert caught.value.field == "sort_by[0]"
    assert len(sorted_ids) == 3


async def test_a_field_added_after_learning_is_found_by_learning_again() -> None:
    emulator = Emulator.from_seed("demo")
    client, transport = _client(emulator)
    async with client:
        assert await client.get_dynamic_field_names() == {"DueDate", "OrderID", "Tags"}
        fields = emulator.helpdesk.data.dynamic_fields  # an admin adds a field meanwhile
        fields["Region"] = DynamicFieldDef(id=len(fields) + 1, name="Region", field_type="Text")
        transport.reset()
        assert await client.search_tickets(TicketSearch(dynamic_fields=[{"field_name": "Region", "empty": True}]))
        assert [name for name, _ in _operations(transport)] == ["TicketSearch", "TicketGet", "TicketSearch"]
        transport.reset()
        assert await client.get_dynamic_field_names() == {"DueDate", "OrderID", "Region", "Tags"}
        assert transport.requests == []  # cached
        assert await client.get_dynamic_field_names(refresh=True) == {"DueDate", "OrderID", "Region", "Tags"}
        assert [name for name, _ in _operations(transport)] == ["TicketSearch", "TicketGet"]


async def test_known_names_or_no_check_send_nothing_extra() -> None:
    emulator = Emulator.from_seed("demo")
    known, known_transport = _client(emulator, known_dynamic_fields=["OrderID", "Tags", "DueDate"])
    unchecked, unchecked_transport = _client(emulator, check_dynamic_fields=False)
    async with known, unchecked:
        with pytest.raises(UnknownDynamicFieldError):
            await known.search_tickets(TYPO)
        assert known_transport.requests == []
        assert await known.search_tickets(RIGHT)
        everything = await unchecked.search_tickets(TYPO)  # the caller said they know better
    assert [name for name, _ in _operations(known_transport)] == ["TicketSearch"]
    assert [name for name, _ in _operations(unchecked_transport)] == ["TicketSearch"]
    assert len(everything) == len(emulator.helpdesk.data.tickets)  # what the server does with the typo


def test_known_names_must_be_a_collection() -> None:
    with pytest.raises(TypeError, match="collection of names"):
        make_sync_client(Emulator.from_seed("empty"), known_dynamic_fields="OrderID")


async def test_an_empty_helpdesk_answers_empty_without_an_error() -> None:
    client, transport = _client(Emulator.from_seed("empty"), ROOT)
    async with client:
        assert await client.get_dynamic_field_names() is None  # nothing to learn from
        assert await client.search_tickets(TYPO) == []  # no ticket is readable, so nothing can match
    assert [name for name, _ in _operations(transport)] == ["TicketSearch", "TicketSearch", "TicketSearch"]


async def test_a_ticket_readable_only_after_learning_is_checked_before_anything_is_returned() -> None:
    """The learning search saw no ticket; a ticket appeared before the real search. The search's
    result is then not returned until its names were checked against that ticket's fields."""
    helpdesk = HelpdeskBuilder().queue("Raw").customer_user("carla", "pw").dynamic_field("OrderID", "Text").build()
    emulator = Emulator(helpdesk)
    transport = WatchingTransport(emulator)

    class AppearsLater(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await transport.handle_async_request(request)
            if len(transport.requests) == 1:  # right after the learning search
                create_ticket(helpdesk, title="new", queue="Raw", customer_user="carla")
            return response

    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=AppearsLater()))
    client.login(ROOT, use_session=False)
    async with client:
        with pytest.raises(UnknownDynamicFieldError):
            await client.search_tickets(TYPO)
        assert await client.get_dynamic_field_names() == {"OrderID"}


async def test_a_restricted_agent_learns_the_same_names() -> None:
    """The list does not depend on the ticket or on permissions: bob reads only the Support queues."""
    emulator = Emulator.from_seed("demo")
    http = httpx.AsyncClient(transport=EmulatorTransport(emulator))
    async with OTOBOZnunyClient(emulator_config(), http) as client:
        client.login(BasicAuth(user_login="bob", password="bob-pw"))
        assert await client.get_dynamic_field_names() == {"DueDate", "OrderID", "Tags"}


@pytest.mark.parametrize("server", ["znuny", "otobo"])
async def test_names_are_read_from_the_recorded_ticket_get(server: str) -> None:
    """Learning parses the servers' own replies: every field, empty ones included."""
    exchanges = load_exchanges(server)
    search = next(e for e in exchanges if e.operation == "TicketSearch" and (e.response_json() or {}).get("TicketID"))
    get = next(e for e in exchanges if e.n == 5)  # TicketGet with DynamicFields=1
    listed = {field["Name"] for field in get.response_json()["Ticket"][0]["DynamicField"]}
    empty = {f["Name"] for f in get.response_json()["Ticket"][0]["DynamicField"] if f["Value"] is None}
    assert empty, "the recording lists fields without a value"

    def reply(request: httpx.Request) -> httpx.Response:
        exchange = search if request.url.path.endswith("/TicketSearch") else get
        return httpx.Response(
            exchange.status, headers={"Content-Type": exchange.content_type}, content=exchange.response_body
        )

    config = ClientConfig.generic_ticket("http://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(reply))) as client:
        client.login(AUTH, use_session=False)
        assert await client.get_dynamic_field_names() == listed
        with pytest.raises(UnknownDynamicFieldError, match="OrderIDD"):
            await client.search_tickets(TYPO)
