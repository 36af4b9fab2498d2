"""End to end: the client changes tickets on the emulator, the emulator posts the events like the
server's invokers (loaded from the rendered YAML), the receiver (real uvicorn on loopback) hands them
to the handlers. Then the server-side quirks, failures, retries and the daemon."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from events.conftest import LONG_SECRET, NOW, SECRET, Wired, render_yaml
from hostile.test_tls import SELF_SIGNED_CERT, SELF_SIGNED_KEY
from otobo_znuny import Article, TicketCreate, TicketUpdate
from otobo_znuny.emulator import Emulator
from otobo_znuny.events import EventReceiver, TicketEvent, run_in_thread
from otobo_znuny.testing import make_sync_client

EVERY = [
    "TicketCreate",
    "TicketCustomerUpdate",
    "TicketDynamicFieldUpdate_OrderID",
    "ArticleCreate",
    "TicketOwnerUpdate",
    "TicketLockUpdate",
    "TicketTitleUpdate",
    "TicketQueueUpdate",
    "TicketStateUpdate",
    "TicketPendingTimeUpdate",
    "TicketPriorityUpdate",
    "TicketAccountTime",
]


def new_ticket(wired: Wired, **fields: Any) -> int:
    ticket = wired.client.create_ticket(
        TicketCreate(
            title="Printer on fire",
            queue="Raw",
            customer_user="customer-1",
            article=Article(subject="Help", body="It is on fire."),
            **fields,
        )
    )
    return ticket.id


@pytest.mark.parametrize("flavor", ["znuny", "otobo"])
def test_a_create_and_an_update_arrive_as_the_servers_fire_them(wire: Any, flavor: str) -> None:
    wired: Wired = wire(flavor, events=EVERY, asynchronous=False)
    ticket_id = new_ticket(wired, dynamic_fields={"OrderID": "ORD-1"})
    # synchronous: the handler has run when the client call returns (the reply waits for the delivery)
    assert wired.recorder.names == [
        "TicketCustomerUpdate",  # Ticket.pm TicketCreate calls TicketCustomerSet before firing TicketCreate
        "TicketCreate",
        "TicketDynamicFieldUpdate_OrderID",
        "ArticleCreate",
        "TicketOwnerUpdate",
    ]
    customer, created, field, article, owner = wired.recorder.events
    assert all(event.ticket_id == ticket_id for event in wired.recorder.events)
    assert dict(created.data) == {"TicketID": str(ticket_id)}
    assert dict(customer.data) == (
        {"TicketID": str(ticket_id), "TicketCreated": 1} if flavor == "otobo" else {"TicketID": str(ticket_id)}
    )
    assert {k: field.data[k] for k in ("FieldName", "Value", "OldValue", "UserID")} == {
        "FieldName": "OrderID",
        "Value": "ORD-1",
        "OldValue": None,
        "UserID": "2",
    }
    assert article.article_id is not None
    old = article.old_ticket_data
    assert old is not None
    assert old["TicketID"] == ticket_id
    assert old["DynamicField_OrderID"] == "ORD-1"
    assert "DynamicField_Tags" in old, "ArticleCreate's OldTicketData has every ticket field (TicketGet DynamicFields)"
    assert owner.ticket is None

    wired.recorder.events.clear()
    wired.client.update_ticket(
        TicketUpdate(
            id=ticket_id,
            title="Printer fixed",
            queue="Misc",
            state="open",
            priority="4 high",
            article=Article(subject="Done", body="Extinguished.", time_unit=15),
        )
    )
    pending_reset = ["TicketPendingTimeUpdate"] if flavor == "znuny" else []  # Znuny always resets (flavors)
    assert wired.recorder.names == [
        "TicketTitleUpdate",
        "TicketQueueUpdate",
        "TicketStateUpdate",
        *pending_reset,
        "TicketPriorityUpdate",
        "ArticleCreate",
        "TicketAccountTime",
    ]
    by_name = {event.name: event for event in wired.recorder.events}
    queue_old = by_name["TicketQueueUpdate"].old_ticket_data
    state_old = by_name["TicketStateUpdate"].old_ticket_data
    assert queue_old is not None
    assert queue_old["Queue"] == "Raw"
    assert "DynamicField_OrderID" not in queue_old
    assert state_old is not None
    assert (state_old["State"], state_old["Queue"]) == ("new", "Misc")
    assert by_name["TicketAccountTime"].article_id == by_name["ArticleCreate"].article_id
    assert all(delivery.ok and delivery.status == 200 for delivery in wired.emulator.requester.deliveries)


@pytest.mark.parametrize(
    ("flavor", "content_type", "event_first"),
    [("znuny", "application/json; charset=UTF-8", False), ("otobo", "application/json", True)],
)
def test_the_requests_carry_each_servers_headers(wire: Any, flavor: str, content_type: str, event_first: bool) -> None:
    wired: Wired = wire(flavor, events=["TicketCreate"], asynchronous=False, secret=LONG_SECRET)
    new_ticket(wired)
    [(path, headers)] = wired.capture.requests
    assert path == "/otobo-znuny/events"
    assert headers["content-type"] == content_type
    assert headers["user-agent"] == "REST::Client/273"
    token = headers["authorization"].removeprefix("Basic ")
    if flavor == "otobo":  # encode_base64's line break after 76 characters, sent as a space by LWP
        assert token.count(" ") == 1
        assert token.index(" ") == 76
    else:
        assert " " not in token
    assert base64.b64decode(token.replace(" ", "")) == f"otobo-znuny:{LONG_SECRET}".encode()
    assert wired.recorder.names == ["TicketCreate"], "the receiver accepts both encodings"
    [delivery] = wired.emulator.requester.deliveries
    assert set(delivery.json()) == {"Event", "TicketID"}
    assert (next(iter(delivery.data)) == "Event") is event_first


@pytest.mark.parametrize("flavor", ["znuny", "otobo"])
def test_the_header_token_works_on_both(wire: Any, flavor: str) -> None:
    wired: Wired = wire(flavor, events=["TicketCreate"], asynchronous=False, auth="header")
    new_ticket(wired)
    [(_, headers)] = wired.capture.requests
    assert "authorization" not in headers
    assert headers["x-otoboznuny-token"] == SECRET
    assert wired.recorder.names == ["TicketCreate"]


def test_asynchronous_events_are_sent_inline_until_the_daemon_runs(wire: Any) -> None:
    wired: Wired = wire(events=["TicketCreate"], asynchronous=True)
    new_ticket(wired)
    assert wired.recorder.names == ["TicketCreate"], "without a daemon the emulator sends before replying"
    requester = wired.emulator.requester
    requester.start_daemon(workers=2)
    gate = threading.Event()
    wired.receiver.add_handler(lambda event: gate.wait(5))
    new_ticket(wired)
    assert wired.recorder.names == ["TicketCreate"], "the reply did not wait for the receiver"
    gate.set()
    assert requester.wait_idle(10)
    assert wired.recorder.names == ["TicketCreate", "TicketCreate"]
    assert [delivery.asynchronous for delivery in requester.deliveries] == [True, True]
    requester.stop_daemon()


def test_the_full_ticket_mode_of_znuny_adds_the_ticket(wire: Any) -> None:
    wired: Wired = wire("znuny", events=["ArticleCreate"], asynchronous=False, full_ticket=True)
    ticket_id = new_ticket(wired, dynamic_fields={"Tags": ["vip", "billing"]})
    [event] = wired.recorder.events
    assert event.ticket is not None
    ticket = event.ticket
    assert ticket["TicketID"] == ticket_id
    assert ticket["Queue"] == "Raw"
    assert ticket["DynamicField_Tags"] == ["vip", "billing"], "TicketDeepGet: flat DynamicField_<Name> keys"
    assert [a["Subject"] for a in ticket["Articles"]] == ["Help"]
    assert ticket["Article"]["ArticleID"] == event.article_id
    assert ticket["CustomerUser"]["UserLogin"] == "customer-1"
    assert ticket["QueueData"]["Name"] == "Raw"
    assert dict(event.data)["TicketID"] == str(ticket_id)


def test_ticket_generic_on_otobo_fails_like_the_server(fresh: Any, tmp_path: Path) -> None:
    document = render_yaml(tmp_path, "http://127.0.0.1:9/x", flavor="znuny", full_ticket=True, asynchronous=False)
    emulator = fresh("otobo")
    emulator.load_webservice(document)
    with make_sync_client(emulator) as client:
        client.create_ticket(
            TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
        )
    failures = emulator.requester.failures
    assert {f.error for f in failures} == {"Can't load invoker backend module!"}
    assert emulator.requester.pending_retries == [], "an invoker that cannot load is not retried"


# ---- failures and retries --------------------------------------------------------------------------------


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_receiver_is_recorded_and_retried_once_it_is_back(fresh: Any, tmp_path: Path) -> None:
    port = closed_port()
    emulator = fresh()
    emulator.load_webservice(render_yaml(tmp_path, f"http://127.0.0.1:{port}/otobo-znuny/events", asynchronous=False,
                                         events=["TicketCreate"]))  # fmt: skip
    client = make_sync_client(emulator)
    ticket = client.create_ticket(
        TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
    )
    assert ticket.id, "the change itself succeeds; only the delivery failed"
    [failed] = emulator.requester.failures
    assert failed.status is None
    assert not failed.ok
    assert failed.error is not None
    assert failed.error.startswith(
        "Error while performing REST 'POST' request to Controller '/otobo-znuny/events' on Host "
        f"'http://127.0.0.1:{port}'. Response code '500'."
    )
    assert failed.retry_at == NOW + timedelta(seconds=30)
    assert emulator.requester.pending_retries == [failed]
    seen: list[TicketEvent] = []
    receiver = EventReceiver(SECRET)
    receiver.add_handler(seen.append)
    with run_in_thread(receiver, port=port):
        [retried] = emulator.requester.run_retries()
    assert (retried.ok, retried.attempt, retried.status) == (True, 2, 200)
    assert [event.ticket_id for event in seen] == [ticket.id]
    assert emulator.requester.pending_retries == []
    client.close()


def test_handler_errors_become_failures_the_retry_schedule_grows_and_stops(wire: Any) -> None:
    wired: Wired = wire(events=["TicketCreate"], asynchronous=False)

    def fail(event: TicketEvent) -> None:
        raise RuntimeError("not yet")

    wired.receiver.add_handler(fail)
    new_ticket(wired)
    requester = wired.emulator.requester
    [first] = requester.failures
    assert first.status == 500
    assert first.error is not None
    assert first.error.endswith("Response code '500'.")
    times = [first.retry_at]
    for _ in range(8):
        [again] = requester.run_retries()
        times.append(again.retry_at)
    # RequestRetry: 30 s, then doubled, at most 3600 s between attempts (RetryIntervalMax)
    gaps = [int((later - earlier).total_seconds()) for earlier, later in itertools.pairwise(times)]  # type: ignore[operator]
    assert gaps == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert len(wired.recorder.events) == 9, "every attempt reached the handlers again: they must be idempotent"


def test_retry_count_and_period_limits(fresh: Any, tmp_path: Path) -> None:
    emulator = fresh()
    document = emulator_document(tmp_path, f"http://127.0.0.1:{closed_port()}/x")
    rule = document["Requester"]["ErrorHandling"]["RetryOnFailure"]
    rule.update(RetryCountMax="2", RetryPeriodMax="")
    emulator.add_webservice(_service(document))
    _create(emulator)
    assert len(emulator.requester.run_retries()) == 1
    assert len(emulator.requester.run_retries()) == 1
    assert emulator.requester.run_retries() == [], "RetryCountMax 2: the first attempt and two retries"
    assert len(emulator.requester.deliveries) == 3

    emulator = fresh()
    document = emulator_document(tmp_path, f"http://127.0.0.1:{closed_port()}/x")
    document["Requester"]["ErrorHandling"]["RetryOnFailure"].update(RetryPeriodMax="100")
    emulator.add_webservice(_service(document))
    _create(emulator)
    scheduled = [emulator.requester.deliveries[-1].retry_at]
    while emulator.requester.pending_retries:
        scheduled.append(emulator.requester.run_retries()[0].retry_at)
    # after 30 s, after 60 s more; 120 s more would pass the period: the last try is at first +
    # RetryPeriodMax, then none (each interval counts from the scheduled time, RetryDateTime)
    seconds = [30, 90, 100]
    assert scheduled == [*(NOW + timedelta(seconds=s) for s in seconds), None]


def test_without_retry_a_failed_event_is_dropped(fresh: Any, tmp_path: Path) -> None:
    emulator = fresh()
    emulator.load_webservice(render_yaml(tmp_path, f"http://127.0.0.1:{closed_port()}/x", asynchronous=False,
                                         retry=False, events=["TicketCreate"]))  # fmt: skip
    _create(emulator)
    [failed] = emulator.requester.failures
    assert failed.retry_at is None
    assert emulator.requester.pending_retries == []


def test_the_daemon_sends_due_retries_by_itself(fresh: Any, tmp_path: Path) -> None:
    port = closed_port()
    clock = {"now": NOW}
    emulator = fresh(clock=lambda: clock["now"])
    emulator.load_webservice(render_yaml(tmp_path, f"http://127.0.0.1:{port}/otobo-znuny/events",
                                         asynchronous=False, events=["TicketCreate"]))  # fmt: skip
    _create(emulator)
    seen: list[str] = []
    receiver = EventReceiver(SECRET)
    receiver.add_handler(lambda event: seen.append(event.name))
    emulator.requester.start_daemon()
    with run_in_thread(receiver, port=port):
        clock["now"] = NOW + timedelta(seconds=31)
        for _ in range(100):
            if seen:
                break
            threading.Event().wait(0.05)
    emulator.requester.stop_daemon()
    assert seen == ["TicketCreate"]


# ---- how replies are classified (REST.pm RequesterPerformRequest) ------------------------------------


class Reply:
    """A receiver stand-in answering a fixed reply."""

    def __init__(self, status: int, body: bytes, content_type: str | None = "application/json") -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.path = "/hook"
        self.seen: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        self.seen.append(scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else ""))
        headers = [(b"content-type", self.content_type.encode())] if self.content_type else []
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


@pytest.mark.parametrize(
    ("flavor", "status", "body", "content_type", "ok", "error"),
    [
        ("znuny", 200, b"{}", "application/json", True, None),
        ("otobo", 200, b"{}", "application/json", True, None),
        ("otobo", 204, b"", None, True, None),
        ("znuny", 209, b"[1]", "application/json", True, None),
        ("znuny", 200, b"", "application/json", False, "No content provided."),
        ("znuny", 200, b"0", "application/json", False, "Error while parsing JSON data."),
        ("otobo", 200, b"ok", "text/plain", False, "Error while parsing JSON data."),
        ("znuny", 200, b"ok", "text/plain", True, None),  # Znuny takes a text reply as {Body: ...}
        ("znuny", 210, b"{}", "application/json", False, "Response code '210'."),
        ("otobo", 302, b"", None, False, "Response code '302'. No content provided."),
        ("znuny", 401, b'{"error": "no"}', "application/json", False, "Response code '401'."),
    ],
)
def test_replies_count_as_the_servers_count_them(
    fresh: Any,
    tmp_path: Path,
    flavor: str,
    status: int,
    body: bytes,
    content_type: str | None,
    ok: bool,
    error: str | None,
) -> None:
    app = Reply(status, body, content_type)
    with run_in_thread(app) as handle:  # type: ignore[arg-type]
        emulator = fresh(flavor)
        emulator.load_webservice(render_yaml(tmp_path, handle.base_url + "/hook", flavor=flavor, retry=False,
                                             asynchronous=False, events=["TicketCreate"]))  # fmt: skip
        _create(emulator)
    [delivery] = emulator.requester.deliveries
    assert (delivery.ok, delivery.status) == (ok, status)
    if error is None:
        assert delivery.error is None
    else:
        assert delivery.error is not None
        assert delivery.error.endswith(error)


@pytest.mark.parametrize("host", ["http://127.0.0.1:abc", "http://[::1"])
def test_a_host_that_is_no_url_fails_the_delivery_not_the_change(fresh: Any, tmp_path: Path, host: str) -> None:
    """A bad port or bracket in Host raised httpx.InvalidURL out of the request that fired the event (the
    TicketCreate failed although the ticket was made); it is a failed delivery, as the server records it."""
    emulator = fresh()
    url = "http://127.0.0.1:8000/otobo-znuny/events"
    path = render_yaml(tmp_path, url, asynchronous=False, events=["TicketCreate"])
    path.write_text(path.read_text(encoding="utf-8").replace("Host: http://127.0.0.1:8000", f"Host: '{host}'"))
    emulator.load_webservice(path)
    with make_sync_client(emulator) as client:
        ticket = client.create_ticket(
            TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
        )
    assert ticket.id
    [failed] = emulator.requester.failures
    assert failed.error is not None
    assert failed.error.startswith(
        f"Error while performing REST 'POST' request to Controller '/otobo-znuny/events' on Host '{host}'. "
        "Response code '500'."
    )
    assert failed.retry_at is not None


def test_a_static_query_in_the_controller_is_dropped_and_missing_transport_keys_fail_at_send_time(
    fresh: Any,
    tmp_path: Path,
) -> None:
    app = Reply(200, b"{}")
    with run_in_thread(app) as handle:  # type: ignore[arg-type]
        emulator = fresh()
        document = emulator_document(tmp_path, handle.base_url + "/hook")
        config = document["Requester"]["Transport"]["Config"]
        config["InvokerControllerMapping"]["OtoboZnunyEvents"]["Controller"] = "/hook?token=abc"
        emulator.add_webservice(_service(document))
        _create(emulator)
        assert app.seen == ["/hook"], "REST.pm keeps a query only when a placeholder in it was replaced"
        del config["Timeout"]
        emulator.webservices["Events"] = _service(document)
        _create(emulator)
    assert emulator.requester.deliveries[-1].error == "REST Transport: Have no Timeout in config"


def test_tls_with_the_web_services_ca_file(fresh: Any, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text(SELF_SIGNED_CERT)
    key.write_text(SELF_SIGNED_KEY)
    seen: list[str] = []
    receiver = EventReceiver(SECRET)
    receiver.add_handler(lambda event: seen.append(event.name))
    with run_in_thread(receiver, ssl_certfile=str(cert), ssl_keyfile=str(key)) as handle:
        assert handle.url.startswith("https://")
        emulator = fresh()
        document = emulator_document(tmp_path, handle.url)
        emulator.add_webservice(_service(document))
        _create(emulator)
        [refused] = emulator.requester.failures
        assert refused.error is not None
        assert "CERTIFICATE_VERIFY_FAILED" in refused.error
        document["Requester"]["Transport"]["Config"]["SSL"] = {"UseSSL": "Yes", "SSLCAFile": str(cert)}
        emulator.webservices["Events"] = _service(document)
        _create(emulator)
        emulator.close()
    assert seen == ["TicketCreate"]


def test_without_a_requester_nothing_is_collected(fresh: Any, tmp_path: Path) -> None:
    emulator = fresh()
    assert not emulator.requester.listening
    _create(emulator)
    assert emulator.helpdesk.fired_events is None
    assert emulator.requester.deliveries == []


# ---- helpers --------------------------------------------------------------------------------------------


def emulator_document(tmp_path: Path, url: str) -> dict[str, Any]:
    import yaml

    path = render_yaml(tmp_path, url, asynchronous=False, events=["TicketCreate"])
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def _service(document: dict[str, Any]) -> Any:
    from otobo_znuny.emulator.routes import webservice_from_config

    return webservice_from_config("Events", json.loads(json.dumps(document)))


def _create(emulator: Emulator) -> None:
    with make_sync_client(emulator) as client:
        client.create_ticket(
            TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
        )


@pytest.fixture
def fresh() -> Iterator[Any]:
    """``fresh(flavor="znuny", clock=...)``: a lab emulator, closed at the end (its connections too)."""
    made: list[Emulator] = []

    def build(flavor: str = "znuny", clock: Any = lambda: NOW) -> Emulator:
        made.append(Emulator.from_seed("lab", flavor=flavor, clock=clock))
        return made[-1]

    yield build
    for emulator in made:
        emulator.close()


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    before = {thread.name for thread in threading.enumerate()}
    yield
    left = {t.name for t in threading.enumerate() if t.name.startswith("emulator-daemon")} - before
    assert not left, f"daemon threads left running: {left}"


def test_the_daemon_can_be_stopped_and_started_again(wire: Any) -> None:
    wired: Wired = wire(events=["TicketCreate"], asynchronous=True)
    requester = wired.emulator.requester
    requester.start_daemon(workers=3)
    with pytest.raises(RuntimeError, match="runs already"):
        requester.start_daemon()
    requester.stop_daemon()
    requester.start_daemon(workers=1)
    new_ticket(wired)
    assert requester.wait_idle(10)
    requester.stop_daemon()
    assert wired.recorder.names == ["TicketCreate"]
    new_ticket(wired)  # stopped: sent before the reply again
    assert wired.recorder.names == ["TicketCreate", "TicketCreate"]
    with pytest.raises(ValueError, match="at least 1"):
        requester.start_daemon(workers=0)
