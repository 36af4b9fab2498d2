"""No password or SessionID in logs, exceptions, tracebacks or reprs - whatever happens.

With every logger at DEBUG, each scenario drives a real client (sync and async) through every
operation, through failures (wrong password, expired sessions with and without renewal, retries
after injected faults, dropped connections, HTTP 500 pages and error objects that echo the
credentials), on every credential placement (JSON body, Znuny headers, OTOBO query strings,
SessionIDs in route paths). ``SecretWatch`` learns every SessionID that travels and checks every
place a user could see one. Request bodies are never logged.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    Article,
    Attachment,
    AuthenticationError,
    BasicAuth,
    BatchFetchError,
    ClientConfig,
    ConnectError,
    OTOBOZnunyClient,
    OTOBOZnunyError,
    OTOBOZnunySyncClient,
    OutcomeUnknownError,
    ResponseError,
    SessionAuth,
    SessionExpiredError,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
    TransportError,
    UnexpectedReplyError,
)
from otobo_znuny.client.engine import RawReply, Send
from otobo_znuny.client.retry import RetryPolicy
from otobo_znuny.config import ServerFlavor
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.operations import sessions, tickets
from otobo_znuny.operations.http import build_http_request
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER
from otobo_znuny.wire.mapping import credentials_to_wire

from .clients import KINDS, Kind, call, close
from .secret_watch import SecretWatch

NO_WAIT = RetryPolicy(initial_delay=0.0, max_delay=0.0)
TITLE_MARKER = "TITLE-MARKER-4b1d"
BODY_MARKER = "BODY-MARKER-9c2e"
FILE_BYTES = b"FILE-MARKER-77aa" * 8
WRONG_PASSWORD = "wrong-secret-77"

Client = OTOBOZnunyClient | OTOBOZnunySyncClient
LAYOUTS = {
    "generic_ticket": ClientConfig.generic_ticket(EMULATOR_BASE_URL),
    "rest_znuny": ClientConfig.rest_connector(EMULATOR_BASE_URL),
    "rest_otobo": ClientConfig.rest_connector(EMULATOR_BASE_URL, flavor=ServerFlavor.OTOBO),
    "ready2adopt": ClientConfig.ready2adopt(EMULATOR_BASE_URL),
}
EMULATED = ("generic_ticket", "rest_znuny", "rest_otobo")
"""The layouts the emulator serves (it has no Ready2Adopt web service)."""


def _client(
    kind: Kind,
    watch: SecretWatch,
    transport: Any,
    *,
    layout: str = "generic_ticket",
    auth: BasicAuth | SessionAuth | None = None,
    use_session: bool | None = None,
    **options: Any,
) -> Client:
    config = LAYOUTS[layout]
    spy = watch.spy(transport)
    client: Client
    if kind == "sync":
        client = OTOBOZnunySyncClient(config, httpx.Client(transport=spy), retry_policy=NO_WAIT, **options)
    else:
        client = OTOBOZnunyClient(config, httpx.AsyncClient(transport=spy), retry_policy=NO_WAIT, **options)
    auth = auth or BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)
    client.login(auth, use_session=use_session if isinstance(auth, BasicAuth) else None)
    watch.show("login", client, auth, client.config, client._auth)
    return client


async def _run(
    watch: SecretWatch, client: Client, method: str, *args: Any, expect: type[Exception] | None = None, **kwargs: Any
) -> Any:
    """Call ``method``; record the result or the expected typed error for the leak check."""
    try:
        result = await call(client, method, *args, **kwargs)
    except OTOBOZnunyError as error:
        watch.raised(method, error)
        if expect is None or not isinstance(error, expect):
            raise
        return error
    assert expect is None, f"{method} did not raise {expect.__name__}"
    if method == "create_session":
        watch.show(method, client, vars(client))  # the result is a SessionID, a secret by design
    else:
        watch.show(method, result, client, vars(client))
    return result


def _new_ticket() -> TicketCreate:
    return TicketCreate(
        title=TITLE_MARKER,
        queue="Raw",
        customer_user="carla",
        article=Article(subject="s", body=BODY_MARKER, attachments=[Attachment.from_bytes("f.bin", FILE_BYTES)]),
    )


# ---- scenarios ----------------------------------------------------------------------------------


async def every_operation(kind: Kind, watch: SecretWatch, layout: str, use_session: bool) -> None:
    emulator = Emulator.from_seed("demo")
    client = _client(kind, watch, EmulatorTransport(emulator), layout=layout, use_session=use_session)
    ticket = await _run(watch, client, "create_ticket", _new_ticket())
    await _run(watch, client, "get_ticket", ticket.id, attachments=True)
    await _run(watch, client, "get_tickets", [ticket.id, 1])
    await _run(watch, client, "update_ticket", TicketUpdate(id=ticket.id, title=TITLE_MARKER + "-2"))
    await _run(watch, client, "search_tickets", TicketSearch(titles=[TITLE_MARKER + "*"]))
    await _run(watch, client, "search_all_ticket_ids", TicketSearch(queues=["Raw"]), page_limit=5)
    await _run(watch, client, "search_and_get", TicketSearch(titles=[TITLE_MARKER + "*"]))
    await _run(watch, client, "get_ticket_history", ticket.id)
    await _run(watch, client, "add_note", ticket.id, BODY_MARKER, attachments=[Attachment.from_bytes("g", FILE_BYTES)])
    await _run(watch, client, "add_email_article", ticket.id, to="a@example.com", subject="s", body=BODY_MARKER)
    other = await _run(watch, client, "create_session")
    await _run(watch, client, "get_session", other)
    if "SessionRemove" in {op.value for op in client.config.operation_url_map}:
        await _run(watch, client, "remove_session", other)
    if use_session:
        await _run(watch, client, "get_session")
    await close(client)


async def wrong_password(kind: Kind, watch: SecretWatch, layout: str, use_session: bool) -> None:
    emulator = Emulator.from_seed("demo")
    auth = BasicAuth(user_login=EMULATOR_USER, password=WRONG_PASSWORD)
    client = _client(kind, watch, EmulatorTransport(emulator), layout=layout, auth=auth, use_session=use_session)
    await _run(watch, client, "get_ticket", 1, expect=AuthenticationError)
    await _run(watch, client, "create_ticket", _new_ticket(), expect=AuthenticationError)
    await close(client)


async def expired_sessions(kind: Kind, watch: SecretWatch, layout: str, use_session: bool) -> None:
    emulator = Emulator.from_seed("demo")
    client = _client(kind, watch, EmulatorTransport(emulator), layout=layout, use_session=True)
    await _run(watch, client, "get_ticket", 1)
    emulator.faults.expire_sessions()
    await _run(watch, client, "get_ticket", 1)  # renewed with the password
    session_id = await _run(watch, client, "create_session")
    only_session = _client(
        kind, watch, EmulatorTransport(emulator), layout=layout, auth=SessionAuth(session_id=session_id)
    )
    await _run(watch, only_session, "get_ticket", 1)
    emulator.faults.expire_sessions()
    await _run(watch, only_session, "get_ticket", 1, expect=SessionExpiredError)  # no password to renew with
    await close(client)
    await close(only_session)


async def injected_faults(kind: Kind, watch: SecretWatch, layout: str, use_session: bool) -> None:
    emulator = Emulator.from_seed("demo")
    client = _client(kind, watch, EmulatorTransport(emulator), layout=layout, use_session=use_session)
    emulator.faults.drop_connections(when="before", count=1)
    emulator.faults.http_500_text(count=1)
    emulator.faults.drop_connections(when="after", count=1, operations={"TicketGet"})
    await _run(watch, client, "get_ticket", 1)  # after three retried failures
    emulator.faults.clear()
    emulator.faults.drop_connections(when="after", operations={"TicketCreate"})
    await _run(watch, client, "create_ticket", _new_ticket(), expect=OutcomeUnknownError)
    emulator.faults.clear()
    emulator.faults.drop_connections(when="before")
    await _run(watch, client, "search_tickets", TicketSearch(), expect=ConnectError)
    emulator.faults.clear()
    await _run(watch, client, "get_tickets", [1, 999_999], expect=BatchFetchError)
    await close(client)


SESSION_FROM_ECHO = "EchoSession0123456789abcdefABCDEF"


def _echoing_server(request: httpx.Request) -> httpx.Response:
    """A broken server whose every failure repeats the credentials it received."""
    operation = request.url.path.rsplit("/", 1)[-1]
    echo = f"received {request.content.decode()} at {request.url}"
    if operation == "SessionCreate":
        return httpx.Response(200, json={"SessionID": SESSION_FROM_ECHO})
    if operation == "TicketGet":
        return httpx.Response(500, text=f"Internal Server Error: {echo}")
    if operation == "TicketSearch":
        return httpx.Response(200, headers={"Content-Type": "application/json"}, text=f"<pre>{echo}</pre>")
    if operation == "TicketHistoryGet":
        return httpx.Response(200, json={"Error": {"ErrorCode": "TicketHistoryGet.AuthFail", "ErrorMessage": echo}})
    if operation == "TicketUpdate":
        return httpx.Response(502, json={"faultcode": "Server", "faultstring": echo})
    if operation == "SessionGet":
        return httpx.Response(200, json={"SessionData": f"{echo}"})
    raise httpx.ReadError(f"connection reset while reading the reply to {request.url} ({echo})", request=request)


async def echoing_server(kind: Kind, watch: SecretWatch, layout: str, use_session: bool) -> None:
    client = _client(kind, watch, httpx.MockTransport(_echoing_server), use_session=use_session, max_retries=1)
    await _run(watch, client, "get_ticket", 1, expect=ResponseError)
    await _run(watch, client, "search_tickets", TicketSearch(), expect=ResponseError)
    await _run(watch, client, "get_ticket_history", 1, expect=AuthenticationError)
    await _run(watch, client, "add_note", 1, BODY_MARKER, expect=ResponseError)
    await _run(watch, client, "get_session", SESSION_FROM_ECHO, expect=UnexpectedReplyError)
    await _run(watch, client, "create_ticket", _new_ticket(), expect=TransportError)
    await close(client)


Scenario = Callable[[Kind, SecretWatch, str, bool], Awaitable[None]]
SCENARIOS: list[tuple[Scenario, str, bool]] = [
    *((every_operation, layout, session) for layout in EMULATED for session in (True, False)),
    *((wrong_password, layout, session) for layout in ("generic_ticket", "rest_otobo") for session in (True, False)),
    *((expired_sessions, layout, True) for layout in ("generic_ticket", "rest_otobo")),
    *((injected_faults, layout, session) for layout in ("generic_ticket", "rest_otobo") for session in (True, False)),
    (echoing_server, "generic_ticket", True),
    (echoing_server, "generic_ticket", False),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("scenario", "layout", "use_session"),
    SCENARIOS,
    ids=[f"{s.__name__}-{layout}-{'session' if session else 'password'}" for s, layout, session in SCENARIOS],
)
async def test_no_secret_anywhere(
    kind: Kind, scenario: Scenario, layout: str, use_session: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    watch = SecretWatch(EMULATOR_PASSWORD, WRONG_PASSWORD)
    await scenario(kind, watch, layout, use_session)
    watch.logs(caplog.records)
    if use_session and scenario is not wrong_password:
        assert len(watch.secrets) > 2, "the scenario never saw a SessionID"
    assert any(where.startswith("log otobo_znuny") for where, _ in watch.texts), "nothing was logged"
    assert watch.leaks() == []
    logged_bodies = [where for where in watch.text_containing(BODY_MARKER) if where.startswith("log")]
    logged_files = [
        where for where in watch.text_containing(base64.b64encode(FILE_BYTES).decode()) if where.startswith("log")
    ]
    assert logged_bodies == logged_files == [], "a request body was logged"


def test_no_secret_over_real_http(caplog: pytest.LogCaptureFixture) -> None:
    """A real socket (uvicorn + httpcore), OTOBO's query-string credentials and a path SessionID."""
    caplog.set_level(logging.DEBUG)
    watch = SecretWatch(EMULATOR_PASSWORD)
    emulator = Emulator.from_seed("demo")
    with run_in_thread(emulator) as server:
        for flavor in ServerFlavor:
            config = ClientConfig.rest_connector(server.genericinterface_url, flavor=flavor)
            for use_session in (False, True):
                with OTOBOZnunySyncClient(config, retry_policy=NO_WAIT) as client:
                    client.login(
                        BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD), use_session=use_session
                    )
                    watch.show("client", client, vars(client))
                    watch.show("ticket", client.get_ticket(1), client.search_tickets(TicketSearch(queues=["Raw"])))
                    session_id = client.create_session()
                    watch.secrets.add(session_id)
                    watch.show("session", client.get_session(session_id))
                    if client.session_id:
                        watch.secrets.add(client.session_id)
    watch.logs(caplog.records)
    assert any(record.name.startswith("httpcore") for record in caplog.records), "httpcore did not log"
    assert watch.leaks() == []


def test_internal_request_and_reply_objects_hide_credentials() -> None:
    """What the engine passes around (and what a debugger or a traceback shows) carries no secret."""
    watch = SecretWatch(EMULATOR_PASSWORD, SESSION_FROM_ECHO)
    auth = BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)
    tz = LAYOUTS["generic_ticket"].timezone
    for name, config in LAYOUTS.items():
        for credentials in (credentials_to_wire(auth), credentials_to_wire(None, SESSION_FROM_ECHO)):
            for call_ in (
                tickets.ticket_get([1], tickets.TicketGetOptions(), tz),
                sessions.session_get(SESSION_FROM_ECHO),
            ):
                if call_.operation not in config.operation_url_map:
                    continue
                request = build_http_request(config, call_, credentials)
                watch.show(f"{name} {call_.operation.value}", request, Send(request), request.redacted_url)
    reply = RawReply(200, "application/json", f'{{"SessionID":"{SESSION_FROM_ECHO}"}}'.encode())
    watch.show("reply", reply)
    assert watch.leaks() == []


def test_exception_chain_of_a_transport_error_is_scrubbed() -> None:
    """httpx errors may quote the URL; on OTOBO GET routes the URL holds the password."""
    watch = SecretWatch(EMULATOR_PASSWORD)

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError(f"connection reset by peer while reading {request.url}", request=request)

    config = ClientConfig.rest_connector(EMULATOR_BASE_URL, flavor=ServerFlavor.OTOBO)
    with OTOBOZnunySyncClient(config, httpx.Client(transport=httpx.MockTransport(reset)), max_retries=0) as client:
        client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD), use_session=False)
        with pytest.raises(TransportError) as raised:
            client.get_ticket(1)
    watch.raised("get_ticket", raised.value)
    assert "connection reset by peer" in str(raised.value)
    assert watch.leaks() == []
