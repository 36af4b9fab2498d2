"""A wrong web-service name is reported as such, with the name and the URL, on both servers' behaviours.

Znuny closes the connection without a reply (CONTRACT notes; the emulator does the same); OTOBO 11
answers HTTP 500 with an empty body and no Content-Type (recorded exchange 57). The client confirms
with a probe of the web service's URL before it says so, and never re-sends a write.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bulk.helpers import AUTH, NO_WAIT
from otobo_znuny import (
    Article,
    ClientConfig,
    OTOBOZnunyClient,
    OutcomeUnknownError,
    ServerFlavor,
    TicketCreate,
    TicketSearch,
    TransportError,
    WebServiceNotFoundError,
)
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.testing import EMULATOR_BASE_URL
from support.recording import load_exchanges

NEW_TICKET = TicketCreate(title="t", queue="Raw", customer_user="carla", article=Article(subject="s", body="b"))


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def _client(transport: httpx.AsyncBaseTransport, name: str = "NoSuchWebservice", **options: Any) -> OTOBOZnunyClient:
    config = ClientConfig.generic_ticket(EMULATOR_BASE_URL, webservice_name=name)
    client = OTOBOZnunyClient(config, httpx.AsyncClient(transport=transport), retry_policy=NO_WAIT, **options)
    client.login(AUTH, use_session=False)
    return client


WEBSERVICE_URL = f"{EMULATOR_BASE_URL}/Webservice/NoSuchWebservice"
PROBE = "GET /otrs/nph-genericinterface.pl/Webservice/NoSuchWebservice"


# ---- Znuny: the connection closes without a reply -------------------------------------------------


async def test_znuny_a_read_names_the_web_service_and_the_url() -> None:
    recorder = Recorder(EmulatorTransport(Emulator.from_seed("demo")))
    async with _client(recorder) as client:
        with pytest.raises(WebServiceNotFoundError) as caught:
            await client.search_tickets(TicketSearch())
    error = caught.value
    assert (error.webservice, error.url, error.operation) == ("NoSuchWebservice", WEBSERVICE_URL, "TicketSearch")
    message = str(error)
    assert "no web service 'NoSuchWebservice'" in message
    assert WEBSERVICE_URL in message
    assert "Znuny does this for an unknown web-service name" in message
    assert "webservice_name" in message
    search = "POST /otrs/nph-genericinterface.pl/Webservice/NoSuchWebservice/TicketSearch"
    assert recorder.paths() == [search, search, search, PROBE]  # the read was retried, then probed once


async def test_znuny_a_write_is_sent_once_and_says_the_name_is_probably_wrong() -> None:
    recorder = Recorder(EmulatorTransport(Emulator.from_seed("demo")))
    async with _client(recorder) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.create_ticket(NEW_TICKET)
    message = str(caught.value)
    assert "not re-sent" in message
    assert "'NoSuchWebservice' is probably not defined" in message
    assert WEBSERVICE_URL in message
    assert recorder.paths() == ["POST /otrs/nph-genericinterface.pl/Webservice/NoSuchWebservice/TicketCreate", PROBE]


async def test_znuny_the_first_request_of_a_session_reports_it_too() -> None:
    config = ClientConfig.generic_ticket(EMULATOR_BASE_URL, webservice_name="NoSuchWebservice")
    http = httpx.AsyncClient(transport=EmulatorTransport(Emulator.from_seed("demo")))
    async with OTOBOZnunyClient(config, http, retry_policy=NO_WAIT) as client:
        client.login(AUTH)  # session mode: SessionCreate goes first
        with pytest.raises(WebServiceNotFoundError, match="SessionCreate: no web service"):
            await client.get_ticket(1)


async def test_znuny_over_real_http() -> None:
    with run_in_thread(Emulator.from_seed("demo")) as server:
        config = ClientConfig.generic_ticket(server.genericinterface_url, webservice_name="Typo")
        async with OTOBOZnunyClient(config, retry_policy=NO_WAIT) as client:
            client.login(AUTH, use_session=False)
            with pytest.raises(WebServiceNotFoundError) as caught:
                await client.get_ticket(1)
    assert caught.value.url == f"{server.genericinterface_url}/Webservice/Typo"


async def test_a_dropping_server_with_the_right_name_is_not_taken_for_a_wrong_name() -> None:
    emulator = Emulator.from_seed("demo")
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketSearch"})
    recorder = Recorder(EmulatorTransport(emulator))
    async with _client(recorder, name="GenericTicket") as client:
        with pytest.raises(TransportError) as caught:
            await client.search_tickets(TicketSearch())
    assert not isinstance(caught.value, WebServiceNotFoundError)
    assert "web service" not in str(caught.value)
    assert recorder.paths()[-1] == "GET /otrs/nph-genericinterface.pl/Webservice/GenericTicket"  # the probe answered


async def test_after_the_web_service_answered_once_no_probe_is_sent() -> None:
    emulator = Emulator.from_seed("demo")
    recorder = Recorder(EmulatorTransport(emulator))
    async with _client(recorder, name="GenericTicket") as client:
        await client.get_ticket(1)
        emulator.faults.drop_connections(rate=1.0, when="after")
        with pytest.raises(TransportError):
            await client.get_ticket(1)
    assert not any(request.method == "GET" for request in recorder.requests)


async def test_a_created_session_counts_as_the_web_service_answering() -> None:
    """SessionCreate answered, so the name is right: a later dropped write is no reason to probe."""
    emulator = Emulator.from_seed("demo")
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
    recorder = Recorder(EmulatorTransport(emulator))
    config = ClientConfig.generic_ticket(EMULATOR_BASE_URL, webservice_name="GenericTicket")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=recorder), retry_policy=NO_WAIT) as client:
        client.login(AUTH, use_session=True)
        with pytest.raises(OutcomeUnknownError):
            await client.create_ticket(NEW_TICKET)
    assert [path.rsplit("/", 1)[-1] for path in recorder.paths()] == ["SessionCreate", "TicketCreate"]


# ---- OTOBO: HTTP 500, empty body, no Content-Type (recorded) ---------------------------------------


def _otobo_unknown_webservice() -> httpx.MockTransport:
    """Every request to the unknown web service gets OTOBO's recorded reply (exchange 57); other
    web services answer as the recording's existing one does to a request for no operation."""
    exchanges = load_exchanges("otobo")
    unknown = next(e for e in exchanges if e.webservice == "NoSuchWebservice")
    assert unknown.status == 500
    assert unknown.response_body.strip() == ""
    assert "Content-Type" not in unknown.response_headers

    def reply(request: httpx.Request) -> httpx.Response:
        assert "/Webservice/NoSuchWebservice" in request.url.path
        headers = {k: v for k, v in unknown.response_headers.items() if k.lower() == "content-length"}
        return httpx.Response(unknown.status, headers=headers, content=unknown.response_body.encode())

    return httpx.MockTransport(reply)


async def test_otobo_a_read_names_the_web_service_without_retrying() -> None:
    recorder = Recorder(_otobo_unknown_webservice())
    async with _client(recorder, max_retries=5) as client:
        with pytest.raises(WebServiceNotFoundError) as caught:
            await client.get_ticket(1)
    message = str(caught.value)
    assert f"no web service 'NoSuchWebservice' at {WEBSERVICE_URL}" in message
    assert "OTOBO answers an unknown web-service name this way" in message
    assert recorder.paths() == ["POST /otrs/nph-genericinterface.pl/Webservice/NoSuchWebservice/TicketGet", PROBE]


async def test_otobo_a_write_is_sent_once() -> None:
    recorder = Recorder(_otobo_unknown_webservice())
    config = ClientConfig.generic_ticket(
        EMULATOR_BASE_URL, webservice_name="NoSuchWebservice", flavor=ServerFlavor.OTOBO
    )
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=recorder), retry_policy=NO_WAIT) as client:
        client.login(AUTH, use_session=False)
        with pytest.raises(WebServiceNotFoundError):
            await client.create_ticket(NEW_TICKET)
    assert [path for path in recorder.paths() if path.endswith("/TicketCreate")] == [
        "POST /otrs/nph-genericinterface.pl/Webservice/NoSuchWebservice/TicketCreate"
    ]


async def test_an_empty_500_from_an_existing_web_service_is_a_server_error() -> None:
    """The probe decides: a web service that answers it exists, and the 500 stays a ResponseError."""
    from otobo_znuny import ResponseError

    exchanges = load_exchanges("otobo")
    empty = next(e for e in exchanges if e.webservice == "NoSuchWebservice")
    exists = next(e for e in exchanges if "Error while determine Operation" in e.response_body)

    def reply(request: httpx.Request) -> httpx.Response:
        chosen = exists if request.method == "GET" else empty
        headers = {k: v for k, v in chosen.response_headers.items() if k.lower() in ("content-type", "content-length")}
        return httpx.Response(chosen.status, headers=headers, content=chosen.response_body.encode())

    async with _client(httpx.MockTransport(reply), name="GenericTicket", max_retries=0) as client:
        with pytest.raises(ResponseError) as caught:
            await client.get_ticket(1)
    assert not isinstance(caught.value, WebServiceNotFoundError)
    assert caught.value.status_code == 500
