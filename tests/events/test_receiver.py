"""The receiver over real HTTP (uvicorn on loopback): what it accepts, every refusal with its status,
handler errors answered 500 (and logged without the secret), sync and async handlers."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from events.conftest import SECRET, Recorder
from otobo_znuny.events import EventCredentials, EventReceiver, TicketEvent, run_in_thread
from otobo_znuny.events.credentials import TOKEN_HEADER

PATH = "/otobo-znuny/events"
EVENT = {"Event": "TicketCreate", "TicketID": "3"}


def basic(user: str = "otobo-znuny", password: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[httpx.Client, Recorder]]:
    recorder = Recorder()
    receiver = EventReceiver(SECRET, max_body_bytes=1000)
    receiver.add_handler(recorder)
    with run_in_thread(receiver) as handle, httpx.Client(base_url=handle.base_url) as http:
        yield http, recorder


def test_an_event_with_basic_auth_is_handled_and_answered_200_with_an_empty_object(
    served: tuple[httpx.Client, Recorder],
) -> None:
    http, recorder = served
    before = len(recorder.events)
    reply = http.post(PATH, json=EVENT, headers=basic())
    assert (reply.status_code, reply.headers["content-type"], reply.content) == (200, "application/json", b"{}")
    event = recorder.events[before]
    assert (event.name, event.ticket_id, dict(event.data)) == ("TicketCreate", 3, {"TicketID": "3"})


def test_the_token_header_alone_is_accepted(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served
    assert http.post(PATH, json=EVENT, headers={TOKEN_HEADER: SECRET}).status_code == 200


def test_otobos_basic_token_with_spaces_inside_is_accepted(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served
    token = base64.b64encode(f"otobo-znuny:{SECRET}".encode()).decode()
    spaced = " ".join(token[i : i + 8] for i in range(0, len(token), 8))  # LWP sends OTOBO's line breaks as spaces
    assert http.post(PATH, json=EVENT, headers={"Authorization": f"Basic {spaced}"}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({}, 401, "no credentials"),
        ({"Authorization": "Bearer " + SECRET}, 401, "no credentials"),  # another scheme is not ours
        (basic(password=SECRET + "x"), 403, "wrong credentials"),
        (basic(user="someone-else"), 403, "wrong credentials"),
        ({"Authorization": "Basic not*base64"}, 403, "wrong credentials"),
        ({"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()}, 403, "wrong credentials"),
        ({TOKEN_HEADER: SECRET[:-1]}, 403, "wrong credentials"),
        ({**basic(), TOKEN_HEADER: "wrong-token-value-123"}, 403, "wrong credentials"),  # one wrong is enough
    ],
)
def test_missing_or_wrong_credentials_are_refused(
    served: tuple[httpx.Client, Recorder], headers: dict[str, str], status: int, reason: str
) -> None:
    http, recorder = served
    before = len(recorder.events)
    reply = http.post(PATH, json=EVENT, headers=headers)
    assert reply.status_code == status
    assert reason in reply.json()["error"]
    assert len(recorder.events) == before, "no handler runs for a refused request"
    if status == 401:
        assert reply.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "reason"),
    [
        (b"{", "application/json", 400, "malformed JSON"),
        (b"\xff\xfe{}", "application/json", 400, "not UTF-8"),
        (b"[1, 2]", "application/json", 400, "must be a JSON object"),
        (b'{"TicketID": "3"}', "application/json", 400, "no event name"),
        (b'{"Event": "TicketCreate", "TicketID": "abc"}', "application/json", 400, "TicketID must be a positive"),
        (b'{"Event": {"Event": "TicketCreate"}, "Ticket": []}', "application/json", 400, "Ticket must be"),
        (b'{"Event": "TicketCreate"}', "text/plain", 415, "must be JSON"),
        (b'{"Event": "TicketCreate", "x": "' + b"a" * 1000 + b'"}', "application/json", 413, "over the limit"),
    ],
)
def test_bad_bodies_are_refused_with_a_clear_status(
    served: tuple[httpx.Client, Recorder], content: bytes, content_type: str, status: int, reason: str
) -> None:
    http, _ = served
    reply = http.post(PATH, content=content, headers={**basic(), "Content-Type": content_type})
    assert reply.status_code == status, reply.text
    assert reason in reply.json()["error"]


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served

    def chunks() -> Iterator[bytes]:
        yield b'{"Event": "TicketCreate", "x": "'
        for _ in range(100):
            yield b"a" * 100
        yield b'"}'

    reply = http.post(PATH, content=chunks(), headers={**basic(), "Content-Type": "application/json"})
    assert "content-length" not in reply.request.headers  # chunked
    assert reply.status_code == 413


def test_other_methods_and_paths_are_refused(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served
    for method in ("GET", "PUT", "DELETE"):
        reply = http.request(method, PATH, headers=basic())
        assert reply.status_code == 405
        assert reply.headers["allow"] == "POST"
    assert http.post("/elsewhere", json=EVENT, headers=basic()).status_code == 404
    assert http.post(PATH + "/", json=EVENT, headers=basic()).status_code == 200  # a trailing slash is the same path


def test_the_server_keeps_serving_after_every_refusal(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served
    http.post(PATH, content=b"{", headers=basic())
    http.post(PATH, content=b"x" * 5000, headers=basic())
    assert http.post(PATH, json={"Event": "TicketTitleUpdate", "TicketID": 9}, headers=basic()).status_code == 200


def test_refusals_are_logged_without_the_secret(
    served: tuple[httpx.Client, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    http, _ = served
    with caplog.at_level(logging.WARNING, logger="otobo_znuny.events"):
        http.post(PATH, json=EVENT, headers=basic(password=SECRET + "-wrong"))
    assert any("403" in record.getMessage() for record in caplog.records)
    assert SECRET not in caplog.text


# ---- handlers ------------------------------------------------------------------------------------------


@pytest.fixture
def receiver_url() -> Iterator[tuple[EventReceiver, str]]:
    receiver = EventReceiver(SECRET)
    with run_in_thread(receiver) as handle:
        yield receiver, handle.url


def test_a_failing_handler_is_answered_500_the_others_still_run_and_the_log_has_no_secret(
    receiver_url: tuple[EventReceiver, str], caplog: pytest.LogCaptureFixture
) -> None:
    receiver, url = receiver_url
    ran: list[str] = []

    @receiver.on("TicketCreate")
    def broken(event: TicketEvent) -> None:
        raise RuntimeError("the CRM is down")

    @receiver.on()
    async def after(event: TicketEvent) -> None:
        ran.append(event.name)

    with caplog.at_level(logging.ERROR, logger="otobo_znuny.events"):
        reply = httpx.post(url, json=EVENT, headers=basic())
    assert reply.status_code == 500
    assert reply.json() == {"error": "1 of 2 handlers failed on TicketCreate; see the receiver's log"}
    assert ran == ["TicketCreate"], "a later handler runs even though an earlier one failed"
    record = next(r for r in caplog.records if "broken" in r.getMessage())
    assert "TicketCreate" in record.getMessage()
    assert "ticket 3" in record.getMessage()
    assert record.exc_info is not None
    assert "the CRM is down" in caplog.text
    assert SECRET not in caplog.text
    assert httpx.post(url, json={"Event": "ArticleCreate", "TicketID": 3}, headers=basic()).status_code == 200


def test_sync_handlers_run_in_a_worker_thread_and_async_ones_on_the_event_loop(
    receiver_url: tuple[EventReceiver, str],
) -> None:
    receiver, url = receiver_url
    seen: dict[str, Any] = {}

    @receiver.on("TicketCreate")
    def blocking(event: TicketEvent) -> None:
        seen["sync"] = threading.get_ident()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            seen["sync_has_loop"] = False
        else:
            seen["sync_has_loop"] = True

    @receiver.on("TicketCreate")
    async def coroutine(event: TicketEvent) -> None:
        seen["async"] = threading.get_ident()
        seen["async_has_loop"] = asyncio.get_running_loop() is not None

    class Callable:
        async def __call__(self, event: TicketEvent) -> None:
            seen["object"] = event.ticket_id

    receiver.add_handler(Callable(), "Ticket*")
    assert httpx.post(url, json=EVENT, headers=basic()).status_code == 200
    assert seen["sync_has_loop"] is False, "a sync handler must not block the event loop"
    assert seen["async_has_loop"] is True
    assert seen["sync"] != seen["async"]
    assert seen["object"] == 3


def test_handlers_are_chosen_by_event_name_and_pattern(receiver_url: tuple[EventReceiver, str]) -> None:
    receiver, url = receiver_url
    fields, everything = Recorder(), Recorder()
    receiver.add_handler(fields, "TicketDynamicFieldUpdate_*")
    receiver.add_handler(everything)
    for name in ("TicketCreate", "TicketDynamicFieldUpdate_OrderID", "ArticleCreate"):
        assert httpx.post(url, json={"Event": name, "TicketID": 1}, headers=basic()).status_code == 200
    assert fields.names == ["TicketDynamicFieldUpdate_OrderID"]
    assert everything.names == ["TicketCreate", "TicketDynamicFieldUpdate_OrderID", "ArticleCreate"]


def test_json_nested_deeper_than_the_decoder_allows_is_a_400(receiver_url: tuple[EventReceiver, str]) -> None:
    _, url = receiver_url
    body = b'{"Event": "TicketCreate", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    reply = httpx.post(url, content=body, headers={**basic(), "Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "malformed JSON: nested too deeply"
    assert httpx.post(url, json=EVENT, headers=basic()).status_code == 200


def test_an_event_without_handler_is_answered_200(receiver_url: tuple[EventReceiver, str]) -> None:
    _, url = receiver_url
    assert httpx.post(url, json={"Event": "HistoryAdd", "TicketID": 1}, headers=basic()).status_code == 200


# ---- construction -------------------------------------------------------------------------------------


def test_reprs_hide_the_secret() -> None:
    receiver = EventReceiver(SECRET)
    assert SECRET not in repr(receiver)
    assert SECRET not in repr(receiver.credentials)
    assert SECRET not in repr(EventCredentials(SECRET))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": "short"}, "at least 16 characters"),
        ({"secret": "with a space in it!"}, "printable ASCII"),
        ({"secret": "ünïcödé-secret-1234"}, "printable ASCII"),
        ({"secret": SECRET, "user": "a:b"}, "without ':'"),
        ({"secret": SECRET, "path": "events"}, "must start with '/'"),
        ({"secret": SECRET, "max_body_bytes": 0}, "at least 1"),
    ],
)
def test_invalid_receiver_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EventReceiver(**kwargs)


def test_handlers_must_be_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        EventReceiver(SECRET).add_handler("not a function")  # type: ignore[arg-type]


async def test_lifespan_and_websocket_scopes_are_answered() -> None:
    receiver = EventReceiver(SECRET)
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(message)

    await receiver({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    sent.clear()
    await receiver({"type": "websocket", "path": PATH, "headers": []}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_the_reply_of_a_refusal_names_the_path_it_serves(served: tuple[httpx.Client, Recorder]) -> None:
    http, _ = served
    assert PATH in json.loads(http.post("/wrong", json=EVENT, headers=basic()).content)["error"]
