"""Route layouts (GenericTicket, GenericTicketConnectorREST, Ready2Adopt, a web-service YAML) and
server flavours (Znuny: credential headers on GET; OTOBO: no headers, one article per call)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from otobo_znuny import (
    Article,
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    DynamicFieldFilter,
    OTOBOZnunyClient,
    RequestValidationError,
    Route,
    ServerFlavor,
    TicketCreate,
    TicketOperation,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_BASE_URL
from support.recording import contract_file

AUTH = BasicAuth(user_login="api-agent", password="api-secret-1")


class Recorder:
    """Forwards to the emulator and keeps every request."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def client_with(config: ClientConfig, recorder: Recorder) -> OTOBOZnunyClient:
    return OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(recorder)))


async def exercise(client: OTOBOZnunyClient) -> None:
    """Create, read (one and many), search, update and read history through the configured routes."""
    created = await client.create_ticket(
        TicketCreate(
            title="layout test", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b")
        )
    )
    assert (await client.get_ticket(created.id)).title == "layout test"
    assert [t.id for t in await client.get_tickets([1, created.id])] == [1, created.id]
    assert created.id in await client.search_tickets(TicketSearch(queues=["Raw"], state_types=["new"]))
    updated = await client.update_ticket(TicketUpdate(id=created.id, state="open"))
    assert updated.state.name == "open"
    assert (await client.get_ticket_history(created.id))[0].history_type == "NewTicket"


async def test_rest_connector_layout() -> None:
    recorder = Recorder(Emulator.from_seed("znuny_lab"))
    async with client_with(ClientConfig.rest_connector(EMULATOR_BASE_URL), recorder) as client:
        client.login(AUTH)
        await exercise(client)
    seen = {(r.method, r.url.path.split("/GenericTicketConnectorREST", 1)[1]) for r in recorder.requests}
    assert ("POST", "/Session") in seen
    assert ("POST", "/Ticket") in seen
    assert ("PATCH", "/Ticket/2") in seen
    assert ("GET", "/Ticket/1,2") in seen
    assert ("GET", "/TicketHistory/2") in seen
    search = next(r for r in recorder.requests if r.method == "GET" and r.url.path.endswith("/Ticket"))
    assert search.url.params.get_list("StateType") == ["new"]
    # GETs carry the session in Znuny's header, never in the URL
    assert all("SessionID" not in str(r.url) for r in recorder.requests)
    assert all(r.headers.get("X-OTRS-Header-SessionID") for r in recorder.requests if r.method == "GET")


async def test_dynamic_field_search_needs_a_post_route() -> None:
    recorder = Recorder(Emulator.from_seed("znuny_lab"))
    async with client_with(ClientConfig.rest_connector(EMULATOR_BASE_URL), recorder) as client:
        client.login(AUTH, use_session=False)
        with pytest.raises(RequestValidationError) as caught:
            await client.search_tickets(TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="X", equals="1")]))
    assert caught.value.field == "DynamicField_X"
    assert "POST route" in str(caught.value)
    assert recorder.requests == []


async def test_ready2adopt_layout_from_its_yaml(tmp_path: Path) -> None:
    """Znuny's Ready2Adopt routes (POST /Ticket/Search, /Ticket/History/:TicketID), served from a YAML."""
    config = ClientConfig.ready2adopt(EMULATOR_BASE_URL, webservice_name="Ready2Adopt")
    document = yaml.safe_load(contract_file("GenericTicketConnectorREST.yml").read_text(encoding="utf-8"))
    mapping = document["Provider"]["Transport"]["Config"]["RouteOperationMapping"]
    types = {
        op.value: f"{'Session' if op.value.startswith('Session') else 'Ticket'}::{op.value}" for op in TicketOperation
    }
    document["Provider"]["Operation"] = {op.value: {"Type": types[op.value]} for op in config.operation_url_map}
    mapping.clear()
    for op, route in config.operation_url_map.items():
        mapping[op.value] = {"RequestMethod": [route.method], "Route": "/" + route.path}
    path = tmp_path / "Ready2Adopt.yml"
    path.write_text(yaml.safe_dump(document))
    emulator = Emulator.from_seed("znuny_lab")
    emulator.load_webservice(path)
    recorder = Recorder(emulator)
    async with client_with(ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, path), recorder) as client:
        assert client.config.route_for(TicketOperation.SEARCH) == Route(path="Ticket/Search", method="POST")
        client.login(AUTH)
        await exercise(client)
        ids = await client.search_tickets(
            TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", empty=True)])
        )
        assert 1 in ids


@pytest.mark.parametrize("name", ["GenericTicket", "GenericTicketConnectorREST"])
async def test_config_from_the_shipped_webservice_files(name: str) -> None:
    path = contract_file(f"{name}.yml")
    config = ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, path)
    preset = ClientConfig.generic_ticket if name == "GenericTicket" else ClientConfig.rest_connector
    expected = preset(EMULATOR_BASE_URL).operation_url_map
    # the REST sample has TicketGet and TicketGetList of one type: the route named TicketGet wins
    assert config.operation_url_map == expected
    async with client_with(config, Recorder(Emulator.from_seed("znuny_lab"))) as client:
        client.login(AUTH)
        await exercise(client)


def test_broken_webservice_file_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("Provider: {}\n")
    with pytest.raises(ConfigurationError, match="RouteOperationMapping"):
        ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, path)
    with pytest.raises(ConfigurationError, match="cannot read"):
        ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, tmp_path / "missing.yml")


async def test_otobo_flavor_sends_get_credentials_in_the_query_and_one_article_per_call() -> None:
    recorder = Recorder(Emulator.from_seed("znuny_lab"))
    config = ClientConfig.rest_connector(EMULATOR_BASE_URL, flavor=ServerFlavor.OTOBO)
    async with client_with(config, recorder) as client:
        client.login(AUTH, use_session=False)
        ticket = await client.get_ticket(1)
        assert ticket.id == 1
        with pytest.raises(RequestValidationError, match="one article per call"):
            await client.create_ticket(
                TicketCreate(
                    title="t",
                    queue="Raw",
                    customer_user="customer-1",
                    articles=[Article(subject="a", body="1"), Article(subject="b", body="2")],
                )
            )
    get = recorder.requests[0]
    assert get.url.params["UserLogin"] == "api-agent"
    assert "X-OTRS-Header-Password" not in get.headers
    assert len(recorder.requests) == 1


def test_booleans_are_sent_as_numbers() -> None:
    from otobo_znuny.wire.mapping import ticket_search_to_wire
    from otobo_znuny.wire.values import wire_bool

    wire = ticket_search_to_wire(
        TicketSearch(
            queues=["Raw"], use_sub_queues=True, dynamic_fields=[DynamicFieldFilter(field_name="X", empty=False)]
        ),
        tz=ClientConfig.generic_ticket(EMULATOR_BASE_URL).timezone,
    )
    assert wire["UseSubQueues"] == 1
    assert wire["DynamicField_X"] == {"Empty": 0}
    assert (wire_bool(True), wire_bool(False)) == (1, 0)


async def test_update_by_number_needs_an_id_on_rest_routes() -> None:
    recorder = Recorder(Emulator.from_seed("znuny_lab"))
    async with client_with(ClientConfig.rest_connector(EMULATOR_BASE_URL), recorder) as client:
        client.login(AUTH)
        with pytest.raises(RequestValidationError, match="by ID"):
            await client.update_ticket(TicketUpdate(number="2026000000000001", title="x"))
    assert recorder.requests == []
