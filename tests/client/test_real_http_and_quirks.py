"""The client over real HTTP on loopback (the emulator served by uvicorn), and reply quirks."""

from __future__ import annotations

import json

import httpx
import pytest

from otobo_znuny import (
    Article,
    BasicAuth,
    ClientConfig,
    OTOBOZnunyClient,
    OTOBOZnunySyncClient,
    TicketCreate,
    TicketSearch,
)
from otobo_znuny.emulator import Emulator, run_in_thread
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

AUTH = BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)


async def test_async_client_over_loopback_http() -> None:
    emulator = Emulator.from_seed("znuny_lab")
    with run_in_thread(emulator) as server:
        # switching between the emulator and a real helpdesk is a change of host and port
        async with OTOBOZnunyClient(ClientConfig.generic_ticket(server.genericinterface_url)) as client:
            client.login(AUTH)
            ticket = await client.create_ticket(
                TicketCreate(
                    title="over http", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b")
                )
            )
            assert ticket.id in await client.search_tickets(TicketSearch(titles=["over http"]))
            assert (await client.get_ticket(ticket.id)).title == "over http"


def test_sync_client_over_loopback_http() -> None:
    emulator = Emulator.from_seed("znuny_lab")
    with (
        run_in_thread(emulator) as server,
        OTOBOZnunySyncClient(ClientConfig.rest_connector(server.genericinterface_url)) as client,
    ):
        client.login(AUTH)
        assert [t.id for t in client.get_tickets([1])] == [1]
        assert emulator.counters.by_operation["SessionCreate"] == 1


@pytest.mark.parametrize("article_shape", ["object", "list"])
async def test_include_ticket_data_replies_are_absorbed(article_shape: str) -> None:
    """With IncludeTicketData the reply also carries the ticket, its Article an object (OTOBO) or a
    list (Znuny 7.1); both are accepted, and the ticket is read back the usual way."""
    article = {"ArticleID": "6", "Subject": "s", "Body": "b"}
    included = {
        "TicketID": "5",
        "TicketNumber": "2026000000000005",
        "Title": "t",
        "Article": article if article_shape == "object" else [article],
    }
    get_reply = {
        "Ticket": [
            {
                "TicketID": 5,
                "TicketNumber": "2026000000000005",
                "Title": "t",
                "Article": [{"ArticleID": 6, "Subject": "s", "Body": "b"}],
            }
        ]
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/TicketCreate"):
            body = {"TicketID": "5", "TicketNumber": "2026000000000005", "ArticleID": "6", "Ticket": included}
        else:
            body = get_reply
        return httpx.Response(200, json=body)

    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler))) as client:
        client.login(AUTH, use_session=False)
        ticket = await client.create_ticket(
            TicketCreate(title="t", queue="Raw", customer_user="c@example.com", article=Article(subject="s", body="b"))
        )
    assert ticket.id == 5
    assert ticket.articles[0].id == 6


async def test_ids_arrive_as_strings_or_numbers() -> None:
    """TicketCreate answers IDs as strings, TicketUpdate as numbers, TicketSearch as a list of strings."""
    replies = iter(
        [
            {"TicketID": ["3", 2]},
            {"TicketID": "7"},  # a bare scalar (as SOAP would collapse it)
            {},
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=json.dumps(next(replies)).encode(), headers={"Content-Type": "application/json; charset=UTF-8"}
        )

    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler))) as client:
        client.login(AUTH, use_session=False)
        assert await client.search_tickets(TicketSearch()) == [3, 2]
        assert await client.search_tickets(TicketSearch()) == [7]
        assert await client.search_tickets(TicketSearch()) == []
