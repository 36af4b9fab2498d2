"""Replay the recorded exchanges of both servers through the client (httpx.MockTransport).

Znuny 7.0.19 (41 exchanges) with ``flavor=znuny`` and OTOBO 11.0.6 (62) with ``flavor=otobo``. For
every exchange of an operation the client implements, the client is made to send the same request
(built from the recorded request by ``recorded_requests``), the transport answers with the verbatim
recorded reply, and the test checks three things: the request equals the recorded one (method,
route, parameters, credentials), a success reply parses into models holding the recorded values,
and an error reply raises the exception class of its ErrorCode carrying that code.

Not replayed this way: TimeAccountingGet and OutOfOffice (the client does not offer them), the
transport errors (``test_transport_error_replies``), OTOBO's missing operations
(``test_missing_operation_replies``), OTOBO's unknown web service (exchange 57, the concern of the
client's unknown-web-service handling) and the requests the client cannot produce
(``NOT_CLIENT_REQUESTS``: their replies are parsed in ``test_replies_of_requests_the_client_never_sends``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    AccessDeniedError,
    AuthenticationError,
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    InvalidParameterError,
    MissingParameterError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunyClient,
    RequestValidationError,
    ResponseError,
    Route,
    ServerFlavor,
    SessionAuth,
    TicketOperation,
)
from otobo_znuny.client.base import DEFAULT_SEARCH_PAGE_SIZE
from support.recording import Exchange, load_exchanges

from . import recorded_requests as rr

SERVERS = ("znuny", "otobo")
NOT_CLIENT_REQUESTS = {
    "znuny": {},
    "otobo": {
        50: "the history of two tickets in one call (get_ticket_history takes one ticket)",
        58: "an empty body (the client always sends credentials)",
        59: "a JSON array as the body (the client sends an object)",
    },
}
"""Recorded requests no client method produces, per server: number -> why."""
CLIENT_EXCHANGES = [
    (server, e)
    for server in SERVERS
    for e in load_exchanges(server)
    if e.ticket_operation is not None and e.status == 200 and e.n not in NOT_CLIENT_REQUESTS[server]
]
KIND_TO_CLASS = {
    "AuthFail": AuthenticationError,
    "SessionInvalid": AuthenticationError,
    "AccessDenied": AccessDeniedError,
    "MissingParameter": MissingParameterError,
    "InvalidParameter": InvalidParameterError,
}


def replay_id(item: tuple[str, Exchange]) -> str:
    server, exchange = item
    return f"{server}-{exchange.n}-{exchange.operation}"


def base_url(exchange: Exchange) -> str:
    return "http://127.0.0.1:8080" + exchange.path.split("/Webservice/", 1)[0]


def config_for(exchange: Exchange, server: str = "znuny") -> ClientConfig:
    flavor = ServerFlavor(server)
    if exchange.webservice == "GenericTicketConnectorREST":
        return ClientConfig.rest_connector(base_url(exchange), flavor=flavor)
    return ClientConfig.generic_ticket(base_url(exchange), flavor=flavor)


def recorded_reply(exchange: Exchange) -> httpx.Response:
    return httpx.Response(
        exchange.status,
        headers={"Content-Type": exchange.content_type},
        content=exchange.response_body.encode("utf-8"),
    )


def ticket_get_reply_for(ticket_id: int, server: str = "znuny") -> Exchange:
    """The recorded TicketGet reply of exactly this ticket, else the recorded AccessDenied reply."""
    exchanges = load_exchanges(server)
    for exchange in exchanges:
        data = exchange.response_json()
        single = exchange.operation == "TicketGet" and isinstance(data, dict) and len(data.get("Ticket", [])) == 1
        if single and int(data["Ticket"][0]["TicketID"]) == ticket_id:
            return exchange
    return next(e for e in exchanges if e.error_code == "TicketGet.AccessDenied")


class Replay:
    """Answers the first request with the exchange's reply, follow-up TicketGets from the recording."""

    def __init__(self, exchange: Exchange, server: str = "znuny") -> None:
        self.exchange = exchange
        self.server = server
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) == 1:
            return recorded_reply(self.exchange)
        body = json.loads(request.content) if request.content else {}
        ticket_id = int(body.get("TicketID") or request.url.path.rsplit("/", 1)[-1])
        return recorded_reply(ticket_get_reply_for(ticket_id, self.server))


def recorded_field_names(server: str) -> set[str]:
    """The ticket dynamic fields of the recorded server, as its TicketGet with DynamicFields=1 lists them."""
    for exchange in load_exchanges(server):
        data = exchange.response_json()
        if exchange.operation == "TicketGet" and isinstance(data, dict) and data.get("Ticket"):
            fields = data["Ticket"][0].get("DynamicField")
            if fields:
                return {field["Name"] for field in fields}
    raise AssertionError("the recording has no TicketGet with dynamic fields")


def make_client(exchange: Exchange, replay: Replay, server: str = "znuny") -> OTOBOZnunyClient:
    # The server's dynamic fields are given, so the client sends exactly the recorded search and
    # learns nothing first (learning them is tested in test_dynamic_field_names).
    client = OTOBOZnunyClient(
        config_for(exchange, server),
        httpx.AsyncClient(transport=httpx.MockTransport(replay)),
        known_dynamic_fields=recorded_field_names(server),
    )
    sent = (exchange.request_json() if exchange.method != "GET" else dict(exchange.query)) or {}
    if not isinstance(sent, dict) or not set(sent) & set(rr.CREDENTIALS):
        return client  # the request had no credentials: the client is not logged in
    if "SessionID" in sent and "UserLogin" not in sent:
        client.login(SessionAuth(session_id=sent["SessionID"]))
    elif "CustomerUserLogin" in sent:
        auth = BasicAuth(customer_user_login=sent["CustomerUserLogin"], password=sent.get("Password", "unused"))
        client.login(auth, use_session=False)
    else:
        user = sent.get("UserLogin", "api-agent")
        password = sent.get("Password", "unused-password")
        client.login(BasicAuth(user_login=user, password=password), use_session=False)
    return client


async def perform(exchange: Exchange, client: OTOBOZnunyClient) -> Any:
    """Call the client method that sends this exchange's request."""
    operation = exchange.ticket_operation
    if operation is TicketOperation.SESSION_CREATE:
        return await client.create_session()
    if operation is TicketOperation.SESSION_GET:
        return await client.get_session(rr.session_id(exchange))
    if operation is TicketOperation.SESSION_REMOVE:
        return await client.remove_session(rr.session_id(exchange))
    if operation is TicketOperation.CREATE:
        return await client.create_ticket(rr.ticket_create(exchange))
    if operation is TicketOperation.UPDATE:
        return await client.update_ticket(rr.ticket_update(exchange))
    if operation is TicketOperation.SEARCH:
        return await client.search_tickets(rr.ticket_search(exchange))
    if operation is TicketOperation.HISTORY_GET:
        return await client.get_ticket_history(rr.ticket_ids(exchange)[0])
    if operation is TicketOperation.GET:
        ids = rr.ticket_ids(exchange)
        if len(ids) == 1:
            return [await client.get_ticket(ids[0], **rr.get_options(exchange))]
        return await client.get_tickets(ids, **rr.get_options(exchange))
    raise AssertionError(f"no client call for {operation}")


def normalised(params: dict[str, Any]) -> dict[str, Any]:
    """Forms the server treats alike: a single DynamicField/Attachment object and a one-element list
    of them; a string-or-list search parameter given as one string and as a one-element list."""
    result = dict(params)
    for key, value in params.items():
        if key in ("DynamicField", "Attachment"):
            if isinstance(value, dict):
                result[key] = [value]
        elif isinstance(value, list) and len(value) == 1 and not isinstance(value[0], (dict, list)):
            result[key] = value[0]
    return result


def sent_params(request: httpx.Request) -> dict[str, Any]:
    if request.method == "GET":
        grouped: dict[str, list[str]] = {}
        for key, value in request.url.params.multi_items():
            grouped.setdefault(key, []).append(value)
        params = {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}
    else:
        params = json.loads(request.content)
    return {key: value for key, value in params.items() if key not in rr.CREDENTIALS}


def sent_credentials(request: httpx.Request) -> dict[str, str]:
    found = {}
    for key in rr.CREDENTIALS:
        header = request.headers.get(f"X-OTRS-Header-{key}")
        if header is not None:
            found[key] = header
    if request.method == "GET":
        found.update({k: v for k, v in request.url.params.items() if k in rr.CREDENTIALS})
    elif request.content:
        found.update({k: v for k, v in json.loads(request.content).items() if k in rr.CREDENTIALS})
    return found


def recorded_credentials(exchange: Exchange) -> dict[str, str]:
    sent = exchange.request_json() if exchange.method != "GET" else dict(exchange.query)
    return {key: value for key, value in (sent or {}).items() if key in rr.CREDENTIALS}


def check_request(exchange: Exchange, request: httpx.Request) -> None:
    assert request.method == exchange.method
    if exchange.route == "/TicketList":
        # our REST preset sends a batch as GET /Ticket/2,5 (TicketID is a comma list) instead of TicketList
        assert request.url.path.endswith("/Ticket/" + ",".join(str(i) for i in rr.ticket_ids(exchange)))
        return
    assert request.url.path == exchange.path.split("?", 1)[0]
    expected = rr.request_params(exchange)
    if exchange.operation == "TicketSearch" and "Limit" not in expected:
        # a search for every match asks for a page of known size, so a full page is recognised
        expected["Limit"] = str(DEFAULT_SEARCH_PAGE_SIZE) if request.method == "GET" else DEFAULT_SEARCH_PAGE_SIZE
    assert normalised(sent_params(request)) == normalised(expected)
    assert sent_credentials(request) == recorded_credentials(exchange)
    if request.method != "GET":
        assert request.headers["Content-Type"].startswith("application/json")


def check_tickets(tickets: list[Any], reply: dict[str, Any]) -> None:
    assert [t.id for t in tickets] == [int(w["TicketID"]) for w in reply["Ticket"]]
    for ticket, wire in zip(tickets, reply["Ticket"], strict=True):
        assert ticket.number == wire["TicketNumber"]
        assert ticket.title == wire["Title"]
        assert ticket.queue.name == wire["Queue"]
        assert ticket.queue.id == int(wire["QueueID"])
        assert ticket.state.name == wire["State"]
        assert ticket.state_type == wire["StateType"]
        assert ticket.priority.name == wire["Priority"]
        assert ticket.owner.name == wire["Owner"]
        assert ticket.customer_user == wire["CustomerUserID"]
        assert ticket.created_at is not None
        assert ticket.created_at.strftime("%Y-%m-%d %H:%M:%S") == wire["Created"]
        assert ticket.dynamic_fields == {f["Name"]: f["Value"] for f in wire.get("DynamicField", [])}
        assert [a.body for a in ticket.articles] == [a["Body"] for a in wire.get("Article", [])]
        for article, wire_article in zip(ticket.articles, wire.get("Article", []), strict=True):
            assert article.id == int(wire_article["ArticleID"])
            assert article.sender_type == wire_article["SenderType"]
            assert [att.content for att in article.attachments] == [
                base64.b64decode(att["Content"]) for att in wire_article.get("Attachment", [])
            ]


def check_result(exchange: Exchange, result: Any, server: str = "znuny") -> None:
    reply = exchange.response_json()
    operation = exchange.ticket_operation
    if operation is TicketOperation.SESSION_CREATE:
        assert result == reply["SessionID"]
    elif operation is TicketOperation.SESSION_GET:
        assert set(result.data) == {entry["Key"] for entry in reply["SessionData"]}
        assert result.user_login == next(e["Value"] for e in reply["SessionData"] if e["Key"] == "UserLogin")
    elif operation is TicketOperation.SESSION_REMOVE:
        assert result is bool(reply["Success"])
    elif operation is TicketOperation.SEARCH:
        assert result == [int(i) for i in reply.get("TicketID", [])]
    elif operation is TicketOperation.HISTORY_GET:
        history = reply["TicketHistory"][0]["History"]
        assert [h.history_type for h in result] == [h["HistoryType"] for h in history]
        assert [h.article_id for h in result] == [int(h["ArticleID"]) or None for h in history]
    elif operation is TicketOperation.GET:
        check_tickets(result, reply)
    elif operation in (TicketOperation.CREATE, TicketOperation.UPDATE):
        assert result.id == int(reply["TicketID"])
        assert result.number == reply["TicketNumber"]
        read_back = ticket_get_reply_for(result.id, server)
        if read_back.error_code is None:
            check_tickets([result], read_back.response_json())
        else:  # the write succeeded, the read-back failed: no exception, the reason is kept
            assert "TicketGet.AccessDenied" in result.extra["read_back_error"]


def refused_before_sending(exchange: Exchange) -> type[Exception] | None:
    """Requests the client refuses to send, because it knows the server would refuse them."""
    sent = (exchange.request_json() if exchange.method != "GET" else dict(exchange.query)) or {}
    if exchange.operation != "SessionGet" and not set(sent) & set(rr.CREDENTIALS):
        return NotLoggedInError  # no credentials at all (OTOBO exchange 54); SessionGet needs none
    if exchange.operation == "SessionRemove" and "Password" not in sent:
        return NotLoggedInError  # SessionRemove needs the password as well as the SessionID
    if exchange.operation == "TicketCreate" and "Title" not in sent.get("Ticket", {}):
        return ValueError  # TicketCreate(title=...) is required by the model
    if exchange.operation == "TicketGet":
        try:
            rr.ticket_ids(exchange)
        except ValueError:
            return RequestValidationError  # a TicketID that is not a number (OTOBO exchange 55)
    return None


@pytest.mark.parametrize("item", CLIENT_EXCHANGES, ids=replay_id)
async def test_replay(item: tuple[str, Exchange]) -> None:
    server, exchange = item
    replay = Replay(exchange, server)
    refusal = refused_before_sending(exchange)
    if refusal is not None:
        async with make_client(exchange, replay, server) as client:
            attempt = (
                client.get_ticket(rr.request_params(exchange)["TicketID"])
                if refusal is RequestValidationError
                else perform(exchange, client)
            )
            with pytest.raises(refusal):
                await attempt
        assert replay.requests == []
        return
    async with make_client(exchange, replay, server) as client:
        if exchange.error_code is None:
            result = await perform(exchange, client)
            check_result(exchange, result, server)
        else:
            with pytest.raises(OTOBOError) as caught:
                await perform(exchange, client)
            assert caught.value.code == exchange.error_code
            assert caught.value.message == exchange.response_json()["Error"]["ErrorMessage"]
            assert isinstance(caught.value, KIND_TO_CLASS[exchange.error_code.rsplit(".", 1)[1]])
    check_request(exchange, replay.requests[0])


@pytest.mark.parametrize("item", [i for i in CLIENT_EXCHANGES if refused_before_sending(i[1])], ids=replay_id)
def test_replies_to_requests_the_client_refuses_still_parse(item: tuple[str, Exchange]) -> None:
    """The recorded error replies of requests the client never sends still map to their exceptions."""
    from otobo_znuny.operations.replies import reply_parser
    from otobo_znuny.wire.shapes import WsReply

    _, exchange = item
    parse = reply_parser(exchange.operation or "", WsReply, lambda reply: reply)
    with pytest.raises(OTOBOError) as caught:
        parse(exchange.response_body.encode())
    assert caught.value.code == exchange.error_code
    assert isinstance(caught.value, KIND_TO_CLASS[caught.value.kind])


@pytest.mark.parametrize("server", SERVERS)
def test_every_recorded_client_operation_is_replayed(server: str) -> None:
    exchanges = load_exchanges(server)
    replayed = [e for s, e in CLIENT_EXCHANGES if s == server]
    flavor = ServerFlavor(server)
    assert {e.ticket_operation for e in replayed} == {op for op in TicketOperation if flavor.has_operation(op)}
    not_replayed = [e for e in exchanges if e not in replayed]
    assert all(
        e.operation in (None, "TimeAccountingGet", "OutOfOffice")
        or e.status != 200
        or e.n in NOT_CLIENT_REQUESTS[server]
        for e in not_replayed
    )


def _no_backend(exchange: Exchange) -> bool:
    """An OTOBO reply to an operation it lacks: HTTP 500 with a "Can't load operation backend" fault."""
    return exchange.status == 500 and "Can't load operation backend module" in exchange.response_body


TRANSPORT_ERRORS = [
    (server, e)
    for server in SERVERS
    for e in load_exchanges(server)
    if e.status == 500 and not _no_backend(e) and e.content_type  # OTOBO 57: no reply body, no type
]
MISSING_OPERATIONS = [e for e in load_exchanges("otobo") if _no_backend(e)]


@pytest.mark.parametrize("item", TRANSPORT_ERRORS, ids=replay_id)
async def test_transport_error_replies(item: tuple[str, Exchange]) -> None:
    """A text/plain HTTP 500 becomes a ResponseError with status and the server's text."""
    server, exchange = item
    handler: Callable[[httpx.Request], httpx.Response] = lambda request: recorded_reply(exchange)  # noqa: E731
    route = Route(path="TicketGet", method=exchange.method)  # e.g. a route misconfigured as GET
    config = ClientConfig(
        base_url=base_url(exchange),
        webservice_name="GenericTicket",
        operation_url_map={TicketOperation.GET: route},
        flavor=ServerFlavor(server),
    )
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(handler)), 0) as client:
        client.login(BasicAuth(user_login="api-agent", password="not-in-the-message"))
        with pytest.raises(ResponseError) as caught:
            await client.get_ticket(2)
    error = caught.value
    assert error.status_code == 500
    assert error.content_type is not None
    assert error.content_type.startswith("text/plain")
    assert exchange.response_body.strip() in str(error)
    assert "not-in-the-message" not in str(error)


def test_the_recordings_hold_otobos_missing_operations() -> None:
    assert sorted(e.operation or "" for e in MISSING_OPERATIONS) == [
        "OutOfOffice",
        "SessionRemove",
        "SessionRemove",
        "TimeAccountingGet",
    ]


@pytest.mark.parametrize(
    "exchange", [e for e in MISSING_OPERATIONS if e.operation == "SessionRemove"], ids=lambda e: str(e.n)
)
async def test_remove_session_on_otobo_is_refused_before_sending(exchange: Exchange) -> None:
    """flavor=otobo: remove_session says OTOBO 11 has no SessionRemove and sends nothing, also when
    the configuration names a SessionRemove route (the recorded web service lists one)."""
    replay = Replay(exchange, "otobo")
    config = ClientConfig.generic_ticket(base_url(exchange), flavor=ServerFlavor.OTOBO)
    assert TicketOperation.SESSION_REMOVE not in config.operation_url_map
    explicit = ClientConfig(
        base_url=base_url(exchange),
        webservice_name="GenericTicket",
        operation_url_map={**config.operation_url_map, TicketOperation.SESSION_REMOVE: Route(path="SessionRemove")},
        flavor=ServerFlavor.OTOBO,
    )
    for configured in (config, explicit):
        async with OTOBOZnunyClient(configured, httpx.AsyncClient(transport=httpx.MockTransport(replay))) as client:
            client.login(SessionAuth(session_id="s" * 32))  # no password: the flavour is still the first reason
            with pytest.raises(ConfigurationError) as caught:
                await client.remove_session()
        message = str(caught.value)
        assert message.startswith("SessionRemove: OTOBO 11 has no SessionRemove operation")
        assert "stays valid until it expires" in message
    assert replay.requests == []


@pytest.mark.parametrize("exchange", MISSING_OPERATIONS, ids=lambda e: f"{e.n}-{e.operation}")
async def test_missing_operation_replies(exchange: Exchange) -> None:
    """A client configured for Znuny that reaches an OTOBO gets the recorded 500 fault: a
    ConfigurationError naming the missing operation and the fix, sent once (not retried)."""
    replay = Replay(exchange, "otobo")
    config = ClientConfig.generic_ticket(base_url(exchange))  # flavor znuny: SessionRemove is sent
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(replay)), 3) as client:
        client.login(BasicAuth(user_login="api-agent", password="not-in-the-message"), use_session=False)
        # operations the client does not offer (TimeAccountingGet, OutOfOffice): the same reply to any call
        attempt = client.remove_session("t" * 32) if exchange.operation == "SessionRemove" else client.get_ticket(2)
        with pytest.raises(ConfigurationError) as caught:
            await attempt
    message = str(caught.value)
    kind = json.loads(exchange.response_body)["faultstring"].rsplit("Operation::", 1)[1].rstrip("!")
    assert message.startswith(f"{exchange.operation if exchange.operation == 'SessionRemove' else 'TicketGet'}: ")
    assert f"the server has no {kind} operation" in message
    if exchange.operation == "SessionRemove":
        assert "OTOBO 11 has no SessionRemove: for an OTOBO server set flavor='otobo'" in message
    assert "not-in-the-message" not in message
    assert len(replay.requests) == 1


@pytest.mark.parametrize(
    "exchange", [e for e in load_exchanges("otobo") if e.n in NOT_CLIENT_REQUESTS["otobo"]], ids=lambda e: str(e.n)
)
def test_replies_of_requests_the_client_never_sends(exchange: Exchange) -> None:
    """The replies still parse: errors into their exception class, O50's two histories (whose
    TicketIDs are JSON numbers, echoing the request's list) into entries of both tickets."""
    from datetime import timezone

    from otobo_znuny.operations import sessions, tickets

    if exchange.operation == "TicketHistoryGet":
        entries = tickets.ticket_history_get(2, timezone.utc).parse(exchange.response_body.encode())
        reply = exchange.response_json()["TicketHistory"]
        assert [e.ticket_id for e in entries] == [int(t["TicketID"]) for t in reply for _ in t["History"]]
        assert {type(t["TicketID"]) for t in reply} == {int}
        return
    with pytest.raises(MissingParameterError) as caught:
        sessions.session_create().parse(exchange.response_body.encode())
    assert caught.value.code == exchange.error_code == "SessionCreate.MissingParameter"
