"""Text that cannot be sent is refused before sending; all other text arrives at the server exactly.

Python strings may hold lone surrogates (U+D800-U+DFFF), which have no UTF-8 form, and HTTP
headers carry only printable ASCII (Znuny's ``X-OTRS-Header-*`` credentials on GET routes). Such
input must give a ``RequestValidationError`` naming the field, with nothing sent; anything else
must reach the server byte for byte (JSON body, query string or header).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from otobo_znuny import (
    Article,
    BasicAuth,
    ClientConfig,
    OTOBOZnunySyncClient,
    RequestValidationError,
    TicketCreate,
    TicketSearch,
)
from otobo_znuny.config import ServerFlavor

from .outcomes import attempt
from .strategies import FUZZ, odd_text

BASE_URL = "http://helpdesk.invalid/otrs/nph-genericinterface.pl"
LAYOUTS = {
    "generic_ticket": ClientConfig.generic_ticket(BASE_URL),
    "rest_znuny": ClientConfig.rest_connector(BASE_URL),
    "rest_otobo": ClientConfig.rest_connector(BASE_URL, flavor=ServerFlavor.OTOBO),
}


class Recorder:
    """An httpx transport that records requests and answers like a friendly server."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = request.url.path.split("/Webservice/", 1)[1].split("/", 1)[1]
        if route in ("SessionCreate", "Session"):
            return httpx.Response(200, json={"SessionID": "s" * 32})
        if route == "TicketSearch" or (route == "Ticket" and request.method == "GET"):
            return httpx.Response(200, json={"TicketID": ["1"]})
        if route == "TicketGet" or (route.startswith("Ticket/") and request.method == "GET"):
            return httpx.Response(200, json={"Ticket": [{"TicketID": 1, "TicketNumber": "1"}]})
        return httpx.Response(200, json={"TicketID": 1, "TicketNumber": "1", "ArticleID": 1})

    def parameters(self, request: httpx.Request) -> dict[str, Any]:
        """What the server reads: the JSON body, or the query string and credential headers."""
        if request.content:
            body: dict[str, Any] = json.loads(request.content.decode("utf-8"))
            return body
        values: dict[str, Any] = {key: request.url.params.get_list(key) for key in request.url.params}
        values.update(
            {
                name.removeprefix("x-otrs-header-"): value
                for name, value in request.headers.items()
                if name.startswith("x-otrs-header-")
            }
        )
        return values


def _client(
    layout: str, recorder: Recorder, password: str = "secret-1", use_session: bool = False
) -> OTOBOZnunySyncClient:
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = OTOBOZnunySyncClient(LAYOUTS[layout], http, max_retries=0)
    client.login(BasicAuth(user_login="agent", password=password), use_session=use_session)
    return client


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(character) <= 0xDFFF for character in text)


def _sent_or_refused(recorder: Recorder, send: Callable[[], Any], text: str, field: str) -> None:
    _, error = attempt(send, RequestValidationError)
    if error is None:
        assert not _has_surrogate(text), "a lone surrogate was sent"
        return
    assert isinstance(error, RequestValidationError)
    assert _has_surrogate(text), f"sendable text refused: {error}"
    assert error.field == field
    assert "surrogate" in str(error)
    assert recorder.requests == []


@FUZZ
@given(layout=st.sampled_from(sorted(LAYOUTS)), title=odd_text(surrogates=True).filter(lambda t: t.strip()))
def test_ticket_title_arrives_exactly_or_is_refused(layout: str, title: str) -> None:
    recorder = Recorder()
    ticket = TicketCreate(
        title=title.replace("\r", "").replace("\n", "") or "x",
        queue="Raw",
        customer_user="customer-1",
        article=Article(subject="s", body="b"),
    )
    with _client(layout, recorder) as client:
        _sent_or_refused(recorder, lambda: client.create_ticket(ticket), ticket.title, "Ticket.Title")
    if recorder.requests:
        assert recorder.parameters(recorder.requests[0])["Ticket"]["Title"] == ticket.title


@FUZZ
@given(layout=st.sampled_from(sorted(LAYOUTS)), title=odd_text(surrogates=True).filter(lambda t: t.strip("*% ")))
def test_search_text_arrives_exactly_or_is_refused(layout: str, title: str) -> None:
    """On REST layouts TicketSearch is a GET: the text travels in the query string."""
    recorder = Recorder()
    with _client(layout, recorder) as client:
        _sent_or_refused(recorder, lambda: client.search_tickets(TicketSearch(titles=[title])), title, "Title.0")
    if recorder.requests:
        assert recorder.parameters(recorder.requests[0])["Title"] == [title]


@FUZZ
@given(body=odd_text(surrogates=True, max_size=200).filter(lambda t: t.strip()))
def test_article_body_arrives_exactly_or_is_refused(body: str) -> None:
    recorder = Recorder()
    with _client("generic_ticket", recorder) as client:
        _sent_or_refused(recorder, lambda: client.add_note(1, body), body, "Article.Body")
    if recorder.requests:
        assert recorder.parameters(recorder.requests[0])["Article"]["Body"] == body


def _refusal(layout: str, password: str) -> str:
    """The refusal message for another unsendable password: it must not depend on the password."""
    with _client(layout, Recorder(), password=password) as client, pytest.raises(RequestValidationError) as raised:
        client.get_ticket(1)
    return str(raised.value)


def _header_safe(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == text.strip()


@FUZZ
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    password=odd_text(surrogates=True).filter(bool) | st.sampled_from(["pässwort", " lead", "trail ", "tab\there"]),
)
def test_password_arrives_exactly_or_is_refused(layout: str, password: str) -> None:
    """Znuny's GET routes carry the password in a header (printable ASCII only); POST bodies and
    OTOBO's query strings carry any text."""
    recorder = Recorder()
    in_header = layout == "rest_znuny"
    with _client(layout, recorder, password=password) as client:
        _, error = attempt(lambda: client.get_ticket(1), RequestValidationError)
    if error is not None:
        assert isinstance(error, RequestValidationError)
        assert _has_surrogate(password) or (in_header and not _header_safe(password)), error
        assert error.field == "Password"
        assert str(error) == _refusal(layout, "\ud800" if _has_surrogate(password) else "pässwort")
        assert recorder.requests == []
        return
    assert not _has_surrogate(password)
    assert not in_header or _header_safe(password)
    sent = recorder.parameters(recorder.requests[0])
    assert sent["password" if in_header else "Password"] in (password, [password])


@pytest.mark.parametrize("password", ["pässwort", "line\nbreak", "nul\x00"])
def test_session_mode_lets_any_password_log_in_on_get_routes(password: str) -> None:
    """In session mode the password travels once, in SessionCreate's JSON body; GETs carry the SessionID."""
    recorder = Recorder()
    with _client("rest_znuny", recorder, password=password, use_session=True) as client:
        client.search_tickets(TicketSearch(titles=["x"]))
    create, search = recorder.requests
    assert recorder.parameters(create)["Password"] == password
    assert recorder.parameters(search)["sessionid"] == "s" * 32
