"""The whole client (async and sync) against a server that answers anything at all.

An ``httpx.MockTransport`` answers every request with a generated reply: any status, any content
type, any body (arbitrary JSON, HTML, text, nothing, garbage, cut-off JSON), odd headers, or an
httpx transport error. Whatever happens, a client method either returns what it promises or
raises an ``OTOBOZnunyError`` with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from otobo_znuny import (
    Article,
    BasicAuth,
    ClientConfig,
    HistoryEntry,
    OTOBOZnunyClient,
    OTOBOZnunyError,
    OTOBOZnunySyncClient,
    SessionInfo,
    Ticket,
    TicketCreate,
    TicketReference,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.errors import ResponseError, UnexpectedReplyError
from otobo_znuny.operations.replies import parse_retry_after

from .outcomes import attempt
from .replies import recorded_replies
from .strategies import CONTENT_TYPES, FUZZ, FUZZ_HEAVY, http_statuses, reply_bodies

BASE_URL = "http://helpdesk.invalid/otrs/nph-genericinterface.pl"
TICKET = TicketCreate(title="Printer", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))


def _all(kind: type) -> Callable[[Any], bool]:
    return lambda result: isinstance(result, list) and all(isinstance(item, kind) for item in result)


# (method name, arguments, check of the result) for every public operation of both clients.
OPERATIONS: list[tuple[str, tuple[Any, ...], dict[str, Any], Callable[[Any], bool]]] = [
    ("create_ticket", (TICKET,), {}, lambda r: isinstance(r, Ticket)),
    ("get_ticket", (1,), {"attachments": True}, lambda r: isinstance(r, Ticket)),
    ("get_tickets", ([1, 2, 3],), {"batch_size": 2, "on_error": "skip"}, _all(Ticket)),
    ("update_ticket", (TicketUpdate(id=1, title="t"),), {}, lambda r: isinstance(r, Ticket)),
    ("search_tickets", (TicketSearch(titles=["x"]),), {}, _all(int)),
    ("search_and_get", (TicketSearch(titles=["x"]),), {"on_error": "skip"}, _all(Ticket)),
    ("get_ticket_history", (1,), {}, _all(HistoryEntry)),
    ("add_note", (1, "body"), {}, lambda r: isinstance(r, TicketReference)),
    (
        "add_email_article",
        (1,),
        {"to": "a@example.com", "subject": "s", "body": "b"},
        lambda r: isinstance(r, TicketReference),
    ),
    ("create_session", (), {}, lambda r: isinstance(r, str)),
    ("get_session", ("s" * 32,), {}, lambda r: isinstance(r, SessionInfo)),
    ("remove_session", ("s" * 32,), {}, lambda r: isinstance(r, bool)),
]

TRANSPORT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.LocalProtocolError,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)

_RECORDED_BODIES = [reply.body for reply in recorded_replies()]

_headers = st.dictionaries(
    st.sampled_from(["Content-Length", "Content-Encoding", "Retry-After", "Transfer-Encoding", "X-Other"]),
    st.sampled_from(["0", "1", "-1", "99999999999999999999", "²", "١٢", "gzip", "br", "chunked", "", "Ⅻ"])
    | st.text(st.characters(codec="latin-1"), max_size=12),
    max_size=2,
)


@st.composite
def replies(draw: st.DrawFn) -> Callable[[httpx.Request], httpx.Response]:
    """One reply: a generated HTTP answer, or an httpx transport error."""
    if draw(st.integers(0, 9)) == 0:
        error = draw(st.sampled_from(TRANSPORT_ERRORS))
        message = draw(st.sampled_from(["", "connection reset", "Server disconnected without sending a response."]))

        def fail(request: httpx.Request) -> httpx.Response:
            raise error(message, request=request)

        return fail
    status = draw(http_statuses())
    content_type = draw(st.sampled_from(CONTENT_TYPES) | st.none())
    body = draw(reply_bodies() | st.sampled_from(_RECORDED_BODIES))
    headers = draw(_headers)
    if content_type is not None:
        headers["Content-Type"] = content_type
    raw_headers = [(name.encode("ascii"), value.encode("utf-8")) for name, value in headers.items()]
    return lambda request: httpx.Response(status, headers=raw_headers, content=body)


def _handler(data: st.DataObject) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        return data.draw(replies(), label=f"reply to {request.url.path.rsplit('/', 1)[-1]}")(request)

    return handle


def _login(client: OTOBOZnunyClient | OTOBOZnunySyncClient, use_session: bool) -> None:
    client.login(BasicAuth(user_login="agent", password="hunter2-secret"), use_session=use_session)


def _check(result: Any, check: Callable[[Any], bool]) -> None:
    assert check(result), f"unexpected result {result!r}"


def _check_error(error: OTOBOZnunyError) -> None:
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    assert "hunter2-secret" not in message


@FUZZ_HEAVY
@given(data=st.data(), operation=st.sampled_from(OPERATIONS), use_session=st.booleans())
def test_sync_client_raises_only_typed_errors(
    data: st.DataObject,
    operation: tuple[str, tuple[Any, ...], dict[str, Any], Callable[[Any], bool]],
    use_session: bool,
) -> None:
    name, args, kwargs, check = operation
    http = httpx.Client(transport=httpx.MockTransport(_handler(data)))
    # one thread: hypothesis draws the replies, and it draws only on the calling thread
    with OTOBOZnunySyncClient(ClientConfig.generic_ticket(BASE_URL), http, max_retries=0, max_concurrency=1) as client:
        _login(client, use_session)
        try:
            result = getattr(client, name)(*args, **kwargs)
        except OTOBOZnunyError as error:
            _check_error(error)
        else:
            _check(result, check)


@FUZZ_HEAVY
@given(data=st.data(), operation=st.sampled_from(OPERATIONS), use_session=st.booleans())
async def test_async_client_raises_only_typed_errors(
    data: st.DataObject,
    operation: tuple[str, tuple[Any, ...], dict[str, Any], Callable[[Any], bool]],
    use_session: bool,
) -> None:
    name, args, kwargs, check = operation
    http = httpx.AsyncClient(transport=httpx.MockTransport(_handler(data)))
    async with OTOBOZnunyClient(ClientConfig.generic_ticket(BASE_URL), http, max_retries=0) as client:
        _login(client, use_session)
        try:
            result = await getattr(client, name)(*args, **kwargs)
        except OTOBOZnunyError as error:
            _check_error(error)
        else:
            _check(result, check)


@FUZZ
@given(
    operation=st.sampled_from(["TicketGet", "TicketCreate", "SessionCreate"]),
    status=http_statuses(),
    content_type=st.sampled_from(CONTENT_TYPES) | st.none() | st.text(max_size=30),
    body=reply_bodies(),
    retry_after=st.none() | st.text(max_size=30),
)
def test_check_http_reply_accepts_only_genericinterface_json(
    operation: str, status: int, content_type: str | None, body: bytes, retry_after: str | None
) -> None:
    from otobo_znuny.operations.replies import check_http_reply

    mime = (content_type or "").split(";", 1)[0].strip().lower()
    is_json = mime == "application/json" or mime.endswith("+json")
    _, error = attempt(lambda: check_http_reply(operation, status, content_type, body, retry_after), ResponseError)
    if error is None:
        assert is_json, f"HTTP {status} {content_type!r} passed as GenericInterface JSON"
        assert 200 <= status < 300 or b'"Error"' in body
        return
    assert isinstance(error, ResponseError)
    assert not (is_json and 200 <= status < 300)
    assert error.status_code == status
    assert str(error).startswith(f"{operation}: HTTP {status} with ")
    assert len(str(error)) <= 600
    assert error.retry_after is None or error.retry_after >= 0


@FUZZ
@given(value=st.none() | st.text(max_size=40) | st.sampled_from(["1e400", "-1e400", "nan", "inf", "-5", "0"]))
def test_retry_after_is_a_non_negative_number_or_none(value: str | None) -> None:
    seconds = parse_retry_after(value, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert seconds is None or seconds >= 0


class _RequestCap(Exception):
    """Raised by the test transport when the client keeps sending (it would never stop)."""


def test_search_all_stops_when_the_server_ignores_the_time_window() -> None:
    """A server (or a caching proxy) that answers every TicketSearch with the same IDs, whatever the
    creation-time window, must not send the client into an endless split of windows."""
    sent = 0

    def same_ids_for_every_window(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        if sent > 200:
            raise _RequestCap
        if request.url.path.endswith("/SessionCreate"):
            return httpx.Response(200, json={"SessionID": "s" * 32})
        return httpx.Response(200, json={"TicketID": ["3", "2", "1"]})

    http = httpx.Client(transport=httpx.MockTransport(same_ids_for_every_window))
    with OTOBOZnunySyncClient(ClientConfig.generic_ticket(BASE_URL), http, max_retries=0) as client:
        _login(client, use_session=False)
        with pytest.raises(UnexpectedReplyError, match="ignores the TicketCreateTime filters"):
            client.search_all_ticket_ids(TicketSearch(titles=["x"]), page_limit=2)
    assert sent <= 200
