"""Replay the recorded Znuny 7.0.19 exchanges through the client (httpx.MockTransport).

For every exchange of an operation the client implements, the client is made to send the same
request (built from the recorded request by ``recorded_requests``), the transport answers with the
verbatim recorded reply, and the test checks three things: the request equals the recorded one
(method, route, parameters, credentials), a success reply parses into models holding the recorded
values, and an error reply raises the exception class of its ErrorCode carrying that code.

Exchanges 17 (TimeAccountingGet) and 18 (OutOfOffice) are operations the client does not offer;
exchange 30 (GET on a POST-only route) and 31 (malformed body) are transport errors, replayed in
``test_transport_error_replies``.
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
    InvalidParameterError,
    MissingParameterError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunyClient,
    ResponseError,
    Route,
    SessionAuth,
    TicketOperation,
)
from otobo_znuny.client.base import DEFAULT_SEARCH_PAGE_SIZE
from support.recording import Exchange, load_exchanges

from . import recorded_requests as rr

EXCHANGES = load_exchanges()
CLIENT_EXCHANGES = [e for e in EXCHANGES if e.ticket_operation is not None and e.status == 200]
KIND_TO_CLASS = {
    "AuthFail": AuthenticationError,
    "SessionInvalid": AuthenticationError,
    "AccessDenied": AccessDeniedError,
    "MissingParameter": MissingParameterError,
    "InvalidParameter": InvalidParameterError,
}


def base_url(exchange: Exchange) -> str:
    return "http://127.0.0.1:8080" + exchange.path.split("/Webservice/", 1)[0]


def config_for(exchange: Exchange) -> ClientConfig:
    if exchange.webservice == "GenericTicketConnectorREST":
        return ClientConfig.rest_connector(base_url(exchange))
    return ClientConfig.generic_ticket(base_url(exchange))


def recorded_reply(exchange: Exchange) -> httpx.Response:
    return httpx.Response(
        exchange.status,
        headers={"Content-Type": exchange.content_type},
        content=exchange.response_body.encode("utf-8"),
    )


def ticket_get_reply_for(ticket_id: int) -> Exchange:
    """The recorded TicketGet reply of exactly this ticket, else the recorded AccessDenied reply."""
    for exchange in EXCHANGES:
        data = exchange.response_json()
        single = exchange.operation == "TicketGet" and isinstance(data, dict) and len(data.get("Ticket", [])) == 1
        if single and int(data["Ticket"][0]["TicketID"]) == ticket_id:
            return exchange
    return next(e for e in EXCHANGES if e.error_code == "TicketGet.AccessDenied")


class Replay:
    """Answers the first request with the exchange's reply, follow-up TicketGets from the recording."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) == 1:
            return recorded_reply(self.exchange)
        body = json.loads(request.content) if request.content else {}
        ticket_id = int(body.get("TicketID") or request.url.path.rsplit("/", 1)[-1])
        return recorded_reply(ticket_get_reply_for(ticket_id))


def recorded_field_names() -> set[str]:
    """The ticket dynamic fields of the recorded server, as its TicketGet with DynamicFields=1 lists them."""
    for exchange in EXCHANGES:
        data = exchange.response_json()
        if exchange.operation == "TicketGet" and isinstance(data, dict) and data.get("Ticket"):
            fields = data["Ticket"][0].get("DynamicField")
            if fields:
                return {field["Name"] for field in fields}
    raise AssertionError("the recording has no TicketGet with dynamic fields")


def make_client(exchange: Exchange, replay: Replay) -> OTOBOZnunyClient:
    # The server's dynamic fields are given, so the client sends exactly the recorded search and
    # learns nothing first (learning them is tested in test_dynamic_field_names).
    client = OTOBOZnunyClient(
        config_for(exchange),
        httpx.AsyncClient(transport=httpx.MockTransport(replay)),
        known_dynamic_fields=recorded_field_names(),
    )
    sent = exchange.request_json() if exchange.method != "GET" else dict(exchange.query)
    if sent and "SessionID" in sent and "UserLogin" not in sent:
        client.login(SessionAuth(session_id=sent["SessionID"]))
    else:
        user = (sent or {}).get("UserLogin", "api-agent")
        password = (sent or {}).get("Password", "unused-password")
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


def check_result(exchange: Exchange, result: Any) -> None:
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
        read_back = ticket_get_reply_for(result.id)
        if read_back.error_code is None:
            check_tickets([result], read_back.response_json())
        else:  # the write succeeded, the read-back failed: no exception, the reason is kept
            assert "TicketGet.AccessDenied" in result.extra["read_back_error"]


def refused_before_sending(exchange: Exchange) -> type[Exception] | None:
    """Requests the client refuses to send, because it knows the server would refuse them."""
    sent = exchange.request_json() or {}
    if exchange.operation == "SessionRemove" and "Password" not in sent:
        return NotLoggedInError  # SessionRemove needs the password as well as the SessionID
    if exchange.operation == "TicketCreate" and "Title" not in sent.get("Ticket", {}):
        return ValueError  # TicketCreate(title=...) is required by the model
    return None


@pytest.mark.parametrize("exchange", CLIENT_EXCHANGES, ids=lambda e: f"{e.n}-{e.operation}")
async def test_replay(exchange: Exchange) -> None:
    replay = Replay(exchange)
    refusal = refused_before_sending(exchange)
    if refusal is not None:
        async with make_client(exchange, replay) as client:
            with pytest.raises(refusal):
                await perform(exchange, client)
        assert replay.requests == []
        return
    async with make_client(exchange, replay) as client:
        if exchange.error_code is None:
            result = await perform(exchange, client)
            check_result(exchange, result)
        else:
            with pytest.raises(OTOBOError) as caught:
                await perform(exchange, client)
            assert caught.value.code == exchange.error_code
            assert caught.value.message == exchange.response_json()["Error"]["ErrorMessage"]
            assert isinstance(caught.value, KIND_TO_CLASS[exchange.error_code.rsplit(".", 1)[1]])
    check_request(exchange, replay.requests[0])


@pytest.mark.parametrize("exchange", [e for e in CLIENT_EXCHANGES if refused_before_sending(e)], ids=lambda e: str(e.n))
def test_replies_to_requests_the_client_refuses_still_parse(exchange: Exchange) -> None:
    """The recorded error replies of requests the client never sends still map to their exceptions."""
    from otobo_znuny.operations.replies import reply_parser
    from otobo_znuny.wire.shapes import WsReply

    parse = reply_parser(exchange.operation or "", WsReply, lambda reply: reply)
    with pytest.raises(OTOBOError) as caught:
        parse(exchange.response_body.encode())
    assert caught.value.code == exchange.error_code
    assert isinstance(caught.value, KIND_TO_CLASS[caught.value.kind])


def test_every_recorded_client_operation_is_replayed() -> None:
    covered = {e.ticket_operation for e in CLIENT_EXCHANGES}
    assert covered == set(TicketOperation)
    not_replayed = [e.n for e in EXCHANGES if e not in CLIENT_EXCHANGES]
    assert all(
        e.operation in (None, "TimeAccountingGet", "OutOfOffice") or e.status != 200
        for e in EXCHANGES
        if e.n in not_replayed
    )


TRANSPORT_ERRORS = [e for e in EXCHANGES if e.status == 500]


@pytest.mark.parametrize("exchange", TRANSPORT_ERRORS, ids=lambda e: str(e.n))
async def test_transport_error_replies(exchange: Exchange) -> None:
    """A text/plain HTTP 500 becomes a ResponseError with status and the server's text."""
    handler: Callable[[httpx.Request], httpx.Response] = lambda request: recorded_reply(exchange)  # noqa: E731
    route = Route(path="TicketGet", method=exchange.method)  # e.g. a route misconfigured as GET
    config = ClientConfig(
        base_url=base_url(exchange), webservice_name="GenericTicket", operation_url_map={TicketOperation.GET: route}
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
