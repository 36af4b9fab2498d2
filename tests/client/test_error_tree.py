"""The error tree is honest: one root, httpx's own classes where the names are httpx's, a
secret-free ``request`` on transport errors, no invented server codes, no pydantic error from a
client method that takes plain arguments."""

from __future__ import annotations

import inspect

import httpx
import pydantic
import pytest

import otobo_znuny
from otobo_znuny import (
    AccessDeniedError,
    Article,
    BasicAuth,
    ClientConfig,
    ConnectError,
    OTOBOError,
    OTOBOZnunyClient,
    OTOBOZnunyError,
    OTOBOZnunySyncClient,
    OutcomeUnknownError,
    RequestTimeoutError,
    RequestValidationError,
    RetryPolicy,
    ServerFlavor,
    TicketCreate,
    TicketNotFoundError,
    TransportError,
    UnexpectedReplyError,
)
from otobo_znuny import errors as errors_module
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, emulator_config, make_sync_client

AUTH = BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)
NO_WAIT = RetryPolicy(initial_delay=0, max_delay=0)


def exception_classes() -> list[type[BaseException]]:
    return [
        value
        for name in errors_module.__all__
        if inspect.isclass(value := getattr(errors_module, name)) and issubclass(value, BaseException)
    ]


def test_every_exception_is_under_the_one_root_and_importable_from_both_places() -> None:
    classes = exception_classes()
    assert len(classes) >= 20
    for cls in classes:
        assert issubclass(cls, OTOBOZnunyError), cls
        assert getattr(otobo_znuny, cls.__name__) is cls


def test_connect_and_timeout_errors_are_httpx_errors_of_the_same_name() -> None:
    assert issubclass(ConnectError, httpx.ConnectError)
    assert issubclass(RequestTimeoutError, httpx.TimeoutException)
    for cls in (ConnectError, RequestTimeoutError, OutcomeUnknownError):
        assert issubclass(cls, TransportError)
        assert issubclass(cls, httpx.TransportError)
    assert not issubclass(OutcomeUnknownError, httpx.TimeoutException)  # a lost write is not "just slow"


def test_a_refused_connection_is_caught_as_httpx_connect_error() -> None:
    config = ClientConfig.generic_ticket("http://127.0.0.1:9/otrs/nph-genericinterface.pl")  # discard port
    with OTOBOZnunySyncClient(config, max_retries=0) as client:
        client.login(AUTH)
        with pytest.raises(httpx.ConnectError) as caught:
            client.get_ticket(1)
    assert isinstance(caught.value, ConnectError)
    assert caught.value.operation == "SessionCreate"


async def test_a_slow_read_is_caught_as_httpx_timeout_exception() -> None:
    emulator = Emulator.from_seed("znuny_lab")
    emulator.faults.slow(0.5, operations={"TicketGet"})
    with run_in_thread(emulator) as server:
        async with OTOBOZnunyClient(ClientConfig.generic_ticket(server.genericinterface_url)) as client:
            client.login(AUTH)
            with pytest.raises(httpx.TimeoutException) as caught:
                await client.with_options(timeout=0.05, max_retries=0).get_ticket(1)
    assert isinstance(caught.value, RequestTimeoutError)


@pytest.mark.parametrize("flavor", [ServerFlavor.ZNUNY, ServerFlavor.OTOBO])
@pytest.mark.parametrize("use_session", [False, True])
def test_transport_errors_carry_the_request_without_secrets(flavor: ServerFlavor, use_session: bool) -> None:
    """The REST layout sends TicketGet as GET: OTOBO puts the credentials in the query, Znuny in headers."""
    emulator = Emulator.from_seed("znuny_lab")
    config = ClientConfig.rest_connector("http://emulator/otrs/nph-genericinterface.pl", flavor=flavor)
    http = httpx.Client(transport=EmulatorTransport(emulator))
    with OTOBOZnunySyncClient(config, http, retry_policy=NO_WAIT) as client:
        client.login(AUTH, use_session=use_session)
        client.get_ticket(1)
        session_id = client.session_id
        emulator.faults.drop_connections(rate=1.0, operations={"TicketGet"})
        with pytest.raises(TransportError) as read_failed:
            client.get_ticket(1)
        emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
        with pytest.raises(OutcomeUnknownError) as write_lost:
            client.create_ticket(
                TicketCreate(
                    title="lost", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b")
                )
            )
    secrets = [EMULATOR_PASSWORD, *([session_id] if session_id else [])]
    for error, method in ((read_failed.value, "GET"), (write_lost.value, "POST")):
        request = error.request
        assert request.method == method
        assert request.url.path.startswith("/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST/")
        assert request.content == b""
        assert set(request.headers) <= {"host", "content-length"}  # no credential headers
        assert error.__cause__ is not None
        assert error.__cause__.request is request  # the chained httpx error carries the same copy
        for secret in secrets:
            assert secret not in str(request.url)
            assert secret not in repr(error)


def test_a_reply_without_the_ticket_is_an_unexpected_reply_with_no_server_code() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Ticket": []})

    with OTOBOZnunySyncClient(emulator_config(), httpx.Client(transport=httpx.MockTransport(handler))) as client:
        client.login(AUTH, use_session=False)
        with pytest.raises(TicketNotFoundError) as caught:
            client.get_ticket(42)
    error = caught.value
    assert isinstance(error, UnexpectedReplyError)
    assert not isinstance(error, OTOBOError)  # OTOBOError.code is the server's, and the server sent none
    assert isinstance(error, RuntimeError)  # what the original library raised here
    assert error.ticket_id == 42
    assert error.operation == "TicketGet"
    assert str(error) == "TicketGet: asked for ticket 42, the reply held no ticket"


def test_a_missing_ticket_is_the_servers_access_denied() -> None:
    with make_sync_client(Emulator.from_seed("znuny_lab")) as client, pytest.raises(AccessDeniedError) as caught:
        client.get_ticket(999_999)
    assert caught.value.code == "TicketGet.AccessDenied"


def test_plain_arguments_the_models_refuse_are_request_validation_errors() -> None:
    emulator = Emulator.from_seed("znuny_lab")
    with make_sync_client(emulator, use_session=False) as client:
        refused = {}
        for label, call in {
            "body": lambda: client.add_note(1, "   "),
            "subject": lambda: client.add_note(1, "text", subject=""),
            "time_unit": lambda: client.add_note(1, "text", time_unit=-1),
            "ticket_id": lambda: client.add_note("one", "text"),  # type: ignore[arg-type]
            "content_type": lambda: client.add_email_article(
                1, to="a@example.com", subject="s", body="b", content_type="bogus"
            ),
            "cc": lambda: client.add_email_article(1, to="a@example.com", subject="s", body="b", cc=5),  # type: ignore[arg-type]
        }.items():
            with pytest.raises(RequestValidationError) as caught:
                call()
            refused[label] = caught.value.field
    assert refused == {name: name for name in refused}
    assert emulator.counters.by_operation.get("TicketUpdate", 0) == 0  # refused before sending


def test_models_built_by_the_caller_raise_pydantics_error_where_they_are_built() -> None:
    """Documented in errors.py and the README: outside the tree, and a ValueError."""
    with pytest.raises(pydantic.ValidationError) as caught:
        Article(subject="s", body="b", time_unit=-1)
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, OTOBOZnunyError)


@pytest.mark.parametrize("password", ['pa"ss\\word', "p@ss w&rd/+1", "ünï/cödé"])
@pytest.mark.parametrize("layout", ["generic_ticket", "rest_connector"])
def test_a_reply_echoing_the_request_shows_no_part_of_an_escaped_or_encoded_password(
    password: str, layout: str
) -> None:
    """A proxy's error page may echo the request: the password then appears JSON-escaped (body) or
    URL-encoded (OTOBO's query string), not as typed; neither form may show in the error."""

    def echo(request: httpx.Request) -> httpx.Response:
        text = f"Bad gateway for {request.url.raw_path.decode()} body {request.content.decode()}"
        return httpx.Response(502, text=text, headers={"content-type": "text/html"})

    config = emulator_config(layout, flavor="otobo")  # type: ignore[arg-type]
    http = httpx.Client(transport=httpx.MockTransport(echo))
    with OTOBOZnunySyncClient(config, http, retry_policy=RetryPolicy(max_retries=0)) as client:
        client.login(BasicAuth(user_login="agent", password=password), use_session=False)
        with pytest.raises(otobo_znuny.ResponseError) as caught:
            client.get_ticket(1)
    shown = str(caught.value) + repr(caught.value) + caught.value.body_snippet
    assert "Bad gateway" in shown
    for piece in (password, *password.split('"'), "ss\\\\wo", "w%26rd", "c%C3%B6d", "c\\u00f6d"):
        if len(piece) >= 3:
            assert piece not in shown, piece


def test_a_gateway_error_page_after_a_create_says_the_outcome_is_unknown() -> None:
    """A proxy's 502 can come after the server made the ticket. The client does not re-send (one
    ticket), and its ResponseError used to read like a plain failure, inviting a second create."""
    emulator = Emulator.from_seed("znuny_lab")
    inner = EmulatorTransport(emulator)

    def proxy(request: httpx.Request) -> httpx.Response:
        inner.handle_request(request)  # processed by the server...
        return httpx.Response(
            502, text="<html>Bad Gateway</html>", headers={"content-type": "text/html"}
        )  # ...reply lost

    before = len(emulator.helpdesk.data.tickets)
    with OTOBOZnunySyncClient(emulator_config(), httpx.Client(transport=httpx.MockTransport(proxy))) as client:
        client.login(AUTH, use_session=False)
        ticket = TicketCreate(
            title="via proxy", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b")
        )
        with pytest.raises(otobo_znuny.ResponseError) as created:
            client.create_ticket(ticket)
        with pytest.raises(otobo_znuny.ResponseError) as read:
            client.with_options(retry_policy=NO_WAIT).get_ticket(1)
    assert len(emulator.helpdesk.data.tickets) == before + 1  # made once, never re-sent
    assert created.value.status_code == 502
    assert "outcome is unknown" in str(created.value)
    assert "not re-sent" in str(created.value)
    assert "outcome" not in str(read.value)  # a read changes nothing
