"""Every example of the original library's documentation, run unchanged with both import spellings.

The examples talk to ``https://helpdesk.example/api``; the transport forwards those requests to the
embedded emulator (``znuny_lab`` seed, where the documented queue "Raw" exists). The emulator's
next ticket ID is set to 12345 so that the documented ``client.get_ticket(12345)`` finds the ticket
created by the documented create example.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import httpx
import pytest

from otobo_znuny.emulator import Emulator, EmulatorTransport

SPELLINGS = ["otobo", "otobo_znuny"]


def documented_modules(prefix: str) -> SimpleNamespace:
    return SimpleNamespace(
        client=importlib.import_module(f"{prefix}.clients.otobo_client"),
        config=importlib.import_module(f"{prefix}.domain_models.otobo_client_config"),
        operation=importlib.import_module(f"{prefix}.domain_models.ticket_operation"),
        auth=importlib.import_module(f"{prefix}.domain_models.basic_auth_model"),
        models=importlib.import_module(f"{prefix}.domain_models.ticket_models"),
        errors=importlib.import_module(f"{prefix}.util.otobo_errors"),
    )


def forwarding_client(emulator: Emulator) -> httpx.AsyncClient:
    """An httpx client that serves https://helpdesk.example/api/... from the emulator."""
    inner = EmulatorTransport(emulator)

    async def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.replace("/api/", "/otrs/nph-genericinterface.pl/", 1)
        forwarded = httpx.Request(
            request.method, request.url.copy_with(path=path), headers=request.headers, content=request.content
        )
        return await inner.handle_async_request(forwarded)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("prefix", SPELLINGS)
async def test_documented_examples(prefix: str) -> None:
    m = documented_modules(prefix)
    emulator = Emulator.from_seed("znuny_lab")
    emulator.helpdesk.data.next_ticket_id = 12345

    # --- Configuring the Client (verbatim, plus the transport) ---------------------------------
    OTOBOZnunyClient = m.client.OTOBOZnunyClient
    ClientConfig = m.config.ClientConfig
    TicketOperation = m.operation.TicketOperation
    config = ClientConfig(
        base_url="https://helpdesk.example/api",
        webservice_name="GenericTicket",
        operation_url_map={
            TicketOperation.CREATE: "TicketCreate",
            TicketOperation.SEARCH: "TicketSearch",
            TicketOperation.GET: "TicketGet",
            TicketOperation.UPDATE: "TicketUpdate",
        },
    )
    client = OTOBOZnunyClient(config, client=forwarding_client(emulator))

    # --- Authenticating -------------------------------------------------------------------------
    BasicAuth = m.auth.BasicAuth
    auth = BasicAuth(user_login="api-agent", password="api-secret-1")
    client.login(auth)
    assert client.auth_mode == "password"  # the documented config has no SessionCreate route

    async with client:
        # --- Creating a Ticket ------------------------------------------------------------------
        Article, IdName, TicketCreate = m.models.Article, m.models.IdName, m.models.TicketCreate
        create_payload = TicketCreate(
            title="Sample request",
            queue=IdName(name="Raw"),
            customer_user="customer@example.com",
            article=Article(
                from_addr="customer@example.com",
                subject="Example",
                body="Hello, world!",
                content_type="text/plain; charset=utf-8",
            ),
        )
        ticket = await client.create_ticket(create_payload)
        assert ticket.id == 12345
        assert ticket.title == "Sample request"
        assert ticket.queue.name == "Raw"
        assert ticket.articles[0].body == "Hello, world!"

        # --- Retrieving and Updating Tickets ----------------------------------------------------
        TicketUpdate = m.models.TicketUpdate
        ticket = await client.get_ticket(12345)
        update_payload = TicketUpdate(
            id=ticket.id,
            state=IdName(name="closed successful"),
        )
        updated_ticket = await client.update_ticket(update_payload)
        assert updated_ticket.state.name == "closed successful"

        # --- Searching Tickets ------------------------------------------------------------------
        DynamicFieldFilter, TicketSearch = m.models.DynamicFieldFilter, m.models.TicketSearch
        await client.update_ticket(TicketUpdate(id=ticket.id, dynamic_fields={"OrderID": "ABC-42"}))
        search = TicketSearch(
            queues=[IdName(name="Raw")],
            priorities=[IdName(name="3 normal")],
            dynamic_fields=[
                DynamicFieldFilter(field_name="OrderID", equals="ABC-42"),
            ],
        )
        matching_ids = await client.search_tickets(search)
        full_tickets = await client.search_and_get(search)
        assert matching_ids == [12345]
        assert [t.id for t in full_tickets] == [12345]

        # --- Error Handling ---------------------------------------------------------------------
        with pytest.raises(m.errors.OTOBOError) as caught:
            await client.get_ticket(999999)
        assert caught.value.code == "TicketGet.AccessDenied"

    # --- logout(): operations need a login again ---------------------------------------------------
    client.logout()
    with pytest.raises(RuntimeError):
        await client.search_tickets(search)


@pytest.mark.parametrize("prefix", SPELLINGS)
def test_documented_modules_are_thin_reexports(prefix: str) -> None:
    """The compatibility modules hold the very same classes as the clean API (no copies)."""
    import otobo_znuny

    m = documented_modules(prefix)
    assert m.client.OTOBOZnunyClient is otobo_znuny.OTOBOZnunyClient
    assert m.config.ClientConfig is otobo_znuny.ClientConfig
    assert m.operation.TicketOperation is otobo_znuny.TicketOperation
    assert m.auth.BasicAuth is otobo_znuny.BasicAuth
    assert m.models.TicketCreate is otobo_znuny.TicketCreate
    assert m.errors.OTOBOError is otobo_znuny.OTOBOError
    mappers = importlib.import_module(f"{prefix}.mappers")
    assert callable(mappers.ticket_from_wire)
