"""Query strings, route layouts, sessions, faults, locking, servers, builder, generator (persistence elsewhere)."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import (
    Emulator,
    EmulatorTransport,
    HelpdeskBuilder,
    generate_tickets,
    load_webservice,
    routes,
    run_in_thread,
    wire,
)
from otobo_znuny.emulator.core import EmulatorRequest
from otobo_znuny.emulator.operations import common
from otobo_znuny.emulator.state import Helpdesk
from otobo_znuny.emulator.wire import parse_query_string
from support.recording import contract_file

from .conftest import AGENT, GT, REST, FakeClock, call, error_code, new_ticket


# ---------------------------------------------------------------- query strings
def test_query_string_parsing() -> None:
    assert parse_query_string("a=1&b=x+y;c=%3D") == {"a": "1", "b": "x y", "c": "="}
    assert parse_query_string("S=new&S=open") == {"S": ["new", "open"]}
    assert parse_query_string("x=0&y=&z") == {"x": "", "y": "", "z": ""}
    assert parse_query_string("x=0&x=0") == {"x": ["", "0"]}
    assert parse_query_string("q=a=b") == {"q": "a"}  # a raw '=' truncates
    assert parse_query_string("n=%C3%BC") == {"n": "ü"}


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain; charset=utf8", ("text/plain", "utf8")),
        ('application/json; CHARSET="ISO-8859-1"', ("application/json", "ISO-8859-1")),
        ("text/html", ("text/html", "")),
    ],
)
def test_one_charset_parser(content_type: str, expected: tuple[str, str]) -> None:
    assert common.content_type_parts(content_type) == expected
    assert wire.charset_of(content_type) == expected[1]


# ---------------------------------------------------------------- route layouts
def test_rest_layout(rest: httpx.Client) -> None:
    sid = rest.post("/Session", json=AGENT).json()["SessionID"]
    assert rest.get(f"/Session/{sid}").json()["SessionData"]
    created = rest.post(
        "/Ticket",
        json={
            "SessionID": sid,
            "Ticket": {
                "Title": "r",
                "Queue": "Junk",
                "State": "new",
                "Priority": "2 low",
                "CustomerUser": "customer-1",
            },
            "Article": {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"},
        },
    ).json()
    ticket_id = created["TicketID"]
    assert rest.get(f"/Ticket/{ticket_id}", params={"SessionID": sid}).json()["Ticket"][0]["Title"] == "r"
    listed = rest.get("/TicketList", params=[("SessionID", sid), ("TicketID", "1"), ("TicketID", ticket_id)]).json()
    assert [t["TicketID"] for t in listed["Ticket"]] == [1, int(ticket_id)]
    found = rest.get(
        "/Ticket", params=[("SessionID", sid), ("Queues", "Junk"), ("StateType", "new"), ("StateType", "open")]
    )
    assert found.json() == {"TicketID": [ticket_id]}
    updated = rest.patch(f"/Ticket/{ticket_id}", json={"SessionID": sid, "Ticket": {"Title": "r2"}}).json()
    assert updated["TicketID"] == ticket_id  # the route value is a string
    history = rest.get(f"/TicketHistory/{ticket_id}", params={"SessionID": sid}).json()
    assert history["TicketHistory"][0]["TicketID"] == ticket_id
    # GET ignores a body; credentials must be in the query string or headers
    reply = rest.request(
        "GET", f"/Ticket/{ticket_id}", content=b'{"SessionID":"x"}', headers={"Content-Type": "application/json"}
    )
    assert error_code(reply.json()) == "TicketGet.AuthFail"
    headers = {"X-OTRS-Header-UserLogin": "api-agent", "X-OTRS-Header-Password": "api-secret-1"}
    assert rest.get(f"/Ticket/{ticket_id}", headers=headers).json()["Ticket"][0]["TicketID"] == int(ticket_id)
    assert rest.delete(f"/Session/{sid}").status_code == 500  # no DELETE route in this layout


def test_script_prefixes_and_url_escapes(lab: Emulator) -> None:
    transport = EmulatorTransport(lab)
    with httpx.Client(transport=transport) as client:
        for prefix in ("otrs", "znuny", "otobo"):
            url = f"http://x/{prefix}/nph-genericinterface.pl/Webservice/GenericTicket/SessionCreate"
            assert "SessionID" in client.post(url, json=AGENT).json()
        url = "http://x/otrs/nph-genericinterface.pl/Webservice/Generic%54icket/SessionCreate"
        assert "SessionID" in client.post(url, json=AGENT).json()


def test_yaml_webservices_from_contract(lab: Emulator) -> None:
    for name in ("GenericTicket", "GenericTicketConnectorREST"):
        service = load_webservice(contract_file(f"{name}.yml"))
        assert service.name == name
        builtin = lab.webservices[name]
        assert {(r.operation, r.operation_type, r.methods, r.route) for r in service.routes} == {
            (r.operation, r.operation_type, r.methods, r.route) for r in builtin.routes
        }


def test_custom_webservice(tmp_path: Path, lab: Emulator) -> None:
    (tmp_path / "Search.yml").write_text(
        "Provider:\n  Operation:\n    TicketSearch: {Type: Ticket::TicketSearch}\n"
        "  Transport:\n    Config:\n      RouteOperationMapping:\n"
        "        TicketSearch: {RequestMethod: [POST], Route: /Ticket/Search}\n",
        encoding="utf-8",
    )
    lab.load_webservice(tmp_path / "Search.yml")
    with httpx.Client(transport=EmulatorTransport(lab)) as client:
        url = "http://x/znuny/nph-genericinterface.pl/Webservice/Search/Ticket/Search"
        assert client.post(url, json={**AGENT, "DynamicField": {"Name": "OrderID", "Empty": 1}}).json() == {
            "TicketID": ["1"]
        }


def test_double_slash_is_not_merged(lab: Emulator) -> None:
    body = b'{"UserLogin":"api-agent","Password":"api-secret-1"}'
    request = EmulatorRequest(
        "POST",
        "/otrs/nph-genericinterface.pl/Webservice/GenericTicket//SessionCreate",
        headers={"content-type": "application/json"},
        body=body,
    )
    response = lab.handle(request)
    assert response.status == 500
    assert response.body.decode() == "HTTP::REST Error while determine Operation for request URI '//SessionCreate'."


def test_unsupported_operation_type_is_rejected_when_loading() -> None:
    config = {
        "Provider": {
            "Operation": {"FAQGet": {"Type": "FAQ::PublicFAQGet"}},
            "Transport": {"Config": {"RouteOperationMapping": {"FAQGet": {"RequestMethod": ["GET"], "Route": "/F"}}}},
        }
    }
    with pytest.raises(ValueError, match=r"'FAQGet' has type 'FAQ::PublicFAQGet'"):
        routes.webservice_from_config("FAQ", config)


# ---------------------------------------------------------------- sessions
def test_session_expiry_with_fake_clock(lab: Emulator, gt: httpx.Client, clock: FakeClock) -> None:
    sid = call(gt, "SessionCreate", **AGENT)["SessionID"]
    assert len(sid) == 32
    assert sid.isalnum()
    data = call(gt, "SessionGet", SessionID=sid)["SessionData"]
    assert [d["Key"] for d in data] == sorted(d["Key"] for d in data)
    clock.advance(seconds=7199)
    assert "Ticket" in call(gt, "TicketGet", SessionID=sid, TicketID=1)  # use does not refresh it
    clock.advance(seconds=1)
    assert error_code(call(gt, "TicketGet", SessionID=sid, TicketID=1)) == "TicketGet.AuthFail"
    assert error_code(call(gt, "SessionGet", SessionID=sid)) == "SessionGet.SessionInvalid"
    # an expired SessionID blocks the password fallback
    assert error_code(call(gt, "TicketGet", SessionID=sid, TicketID=1, **AGENT)) == "TicketGet.AuthFail"


def test_customer_session(gt: httpx.Client) -> None:
    sid = call(gt, "SessionCreate", CustomerUserLogin="customer-1", Password="customer-secret-1")["SessionID"]
    data = {d["Key"]: d["Value"] for d in call(gt, "SessionGet", SessionID=sid)["SessionData"]}
    assert (data["UserType"], data["UserCustomerID"]) == ("Customer", "customer-company-1")


def test_a_session_works_only_from_the_address_that_created_it() -> None:
    """``SessionCheckRemoteIP`` is on by default (CONTRACT 3.3): behind NAT or a load balancer that
    changes the client address, sessions fail, so code tested here must cope as it must live."""
    emulator = Emulator.from_seed("znuny_lab")
    url = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"
    with httpx.Client(transport=EmulatorTransport(emulator, client_address="10.0.0.1"), base_url=url) as first:
        session_id = first.post("/SessionCreate", json={"UserLogin": "api-agent", "Password": "api-secret-1"}).json()[
            "SessionID"
        ]
        assert "TicketID" in first.post("/TicketSearch", json={"SessionID": session_id}).json()
    with httpx.Client(transport=EmulatorTransport(emulator, client_address="10.0.0.2"), base_url=url) as second:
        refused = second.post("/TicketSearch", json={"SessionID": session_id}).json()
        assert refused["Error"]["ErrorCode"] == "TicketSearch.AuthFail"
        assert second.post("/SessionGet", json={"SessionID": session_id}).json()["Error"]["ErrorCode"] == (
            "SessionGet.SessionInvalid"
        )
        emulator.helpdesk.session_check_remote_ip = False
        assert "TicketID" in second.post("/TicketSearch", json={"SessionID": session_id}).json()


# ---------------------------------------------------------------- faults and counters
def test_fault_injection_transport(lab: Emulator, gt: httpx.Client) -> None:
    lab.faults.drop_connections(rate=1.0, when="before", count=1)
    with pytest.raises(httpx.ConnectError):
        gt.post("/TicketCreate", json={**AGENT})
    lab.faults.drop_connections(rate=1.0, when="after", count=1, operations={"TicketCreate"})
    with pytest.raises(httpx.RemoteProtocolError):
        new_ticket(gt)
    assert call(gt, "TicketSearch", **AGENT) == {"TicketID": ["2", "1"]}  # processed, reply lost
    lab.faults.http_500_text(rate=1.0, count=1)
    reply = gt.post("/TicketSearch", json=AGENT)
    assert (reply.status_code, reply.headers["content-type"]) == (500, "text/plain; charset=UTF-8")
    lab.faults.slow(0.05, rate=1.0, count=1)
    assert call(gt, "TicketSearch", **AGENT)
    lab.faults.drop_connections(rate=1.0)
    lab.faults.clear()
    assert call(gt, "TicketSearch", **AGENT)
    sid = call(gt, "SessionCreate", **AGENT)["SessionID"]
    assert lab.faults.expire_sessions(sid) == 1
    assert error_code(call(gt, "TicketSearch", SessionID=sid)) == "TicketSearch.AuthFail"
    assert lab.counters.by_operation["TicketCreate"] == 1  # the dropped-before request was never seen
    assert lab.counters.by_auth["session"] == 1
    assert lab.faults.injected["drop_after"] == 1
    with pytest.raises(ValueError):
        lab.faults.http_500_text(rate=2)


def test_fault_rate_is_seeded(lab: Emulator, gt: httpx.Client) -> None:
    lab.faults.drop_connections(rate=0.5, when="before", seed=7)
    outcomes = []
    for _ in range(40):
        try:
            gt.post("/TicketSearch", json=AGENT)
            outcomes.append(True)
        except httpx.ConnectError:
            outcomes.append(False)
    assert 5 < outcomes.count(False) < 35


async def test_async_transport(lab: Emulator) -> None:
    async with httpx.AsyncClient(transport=EmulatorTransport(lab), base_url=GT) as client:
        replies = await asyncio.gather(*(client.post("/TicketGet", json={**AGENT, "TicketID": 1}) for _ in range(5)))
    assert all(r.json()["Ticket"][0]["TicketID"] == 1 for r in replies)


# ---------------------------------------------------------------- locking
def test_a_password_is_hashed_before_the_helpdesk_lock_is_taken(lab: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The costly part of a password check must not hold up the other requests: while another request
    holds ``helpdesk.lock``, a login's password is already being hashed (then the login waits)."""
    original = hashlib.pbkdf2_hmac
    hashing = threading.Event()

    def spy(name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        if password == b"wrong-password-42":
            hashing.set()
        return original(name, password, salt, iterations)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", spy)
    replies: list[Any] = []
    for operation in ("SessionCreate", "TicketSearch"):
        hashing.clear()

        def log_in(operation: str = operation) -> None:
            with httpx.Client(transport=EmulatorTransport(lab), base_url=GT) as client:
                replies.append(call(client, operation, UserLogin="api-agent", Password="wrong-password-42"))

        with lab.helpdesk.lock:  # another request is busy inside the helpdesk
            worker = threading.Thread(target=log_in, daemon=True)
            worker.start()
            assert hashing.wait(10), f"{operation}: the password was not hashed while the lock was held"
            assert worker.is_alive()  # ... and the request itself waits for the lock
        worker.join(10)
    assert [error_code(reply) for reply in replies] == ["SessionCreate.AuthFail", "TicketSearch.AuthFail"]


# ---------------------------------------------------------------- real HTTP server
def test_server_drops_and_errors_over_http() -> None:
    emulator = Emulator.from_seed("znuny_lab")
    with run_in_thread(emulator) as server, httpx.Client(base_url=server.genericinterface_url) as http:
        assert http.post("/Webservice/GenericTicket/SessionCreate", json=AGENT).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/Webservice/Nope/SessionCreate", json=AGENT)
        emulator.faults.drop_connections(rate=1.0, when="after", count=1)
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/Webservice/GenericTicket/SessionCreate", json=AGENT)
        reply = http.get("/Webservice/GenericTicketConnectorREST/Ticket/1", params=AGENT)
        assert reply.json()["Ticket"][0]["TicketID"] == 1


# ---------------------------------------------------------------- builder and generator
def test_builder() -> None:
    helpdesk = (
        HelpdeskBuilder()
        .agent("alice", "pw", first_name="Alice", groups={"support": "rw"})
        .agent("viewer", "pw", groups={"support": "ro"})
        .queue("Support", group="support")
        .queue("Support::Hardware", group="support")
        .customer_user("carla", "pw", email="carla@acme.example", customer_id="ACME")
        .dynamic_field("OrderID", "Text", regex=[r"^ORD-\d+$"])
        .dynamic_field("Color", "Dropdown", possible_values=["red", "blue"])
        .dynamic_field("Done", "Checkbox")
        .service("Email", customer_users=["carla"])
        .sla("Gold", services=["Email"])
        .ticket("Printer", queue="Support::Hardware", customer_user="carla", dynamic_fields={"OrderID": "ORD-1"})
        .build()
    )
    with pytest.raises(ValueError):
        HelpdeskBuilder().queue("A::B")
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk)), base_url=GT) as gt:
        alice = {"UserLogin": "alice", "Password": "pw"}
        assert call(gt, "TicketSearch", **alice, Queues="Support", UseSubQueues=1) == {"TicketID": ["1"]}
        assert call(gt, "TicketSearch", UserLogin="viewer", Password="pw") == {"TicketID": ["1"]}
        for field, value, ok in (
            ("OrderID", "nope", False),
            ("OrderID", "ORD-9", True),
            ("Color", "green", False),
            ("Color", "red", True),
            ("Done", "2", False),
            ("Done", 1, True),
        ):
            reply = call(gt, "TicketUpdate", **alice, TicketID=1, DynamicField={"Name": field, "Value": value})
            assert ("Error" not in reply) is ok, (field, value, reply)
        reply = call(gt, "TicketUpdate", **alice, TicketID=1, Ticket={"Service": "Email", "SLA": "Gold"})
        assert "Error" not in reply
        ticket = call(gt, "TicketGet", **alice, TicketID=1)["Ticket"][0]
        assert (ticket["Service"], ticket["SLA"], ticket["ServiceID"]) == ("Email", "Gold", "1")
        viewer = call(gt, "TicketUpdate", UserLogin="viewer", Password="pw", TicketID=1, Ticket={"Title": "x"})
        assert error_code(viewer) == "TicketUpdate.AccessDenied"


def _runs_only_after_lock_release(helpdesk: Helpdesk, work: Any) -> None:
    done = threading.Event()

    def target() -> None:
        work()
        done.set()

    with helpdesk.lock:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        assert not done.wait(0.3), "the builder wrote without holding helpdesk.lock"
    thread.join(10)
    assert done.is_set()


def test_generate_tickets_holds_the_lock(lab: Emulator) -> None:
    before = len(lab.helpdesk.data.tickets)
    _runs_only_after_lock_release(lab.helpdesk, lambda: generate_tickets(lab.helpdesk, 5))
    assert len(lab.helpdesk.data.tickets) == before + 5


def test_builder_ticket_holds_the_lock_and_keeps_the_clock() -> None:
    builder = (
        HelpdeskBuilder()
        .agent("alice", "pw", groups={"users": "rw"})
        .queue("Support", group="users")
        .customer_user("carla", "pw", email="carla@example.com", customer_id="ACME")
    )
    helpdesk = builder.build()
    clock = helpdesk.clock
    created = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    seen_by_other_thread: list[datetime] = []

    def work() -> None:
        builder.ticket("t", queue="Support", customer_user="carla", created=created)

    _runs_only_after_lock_release(helpdesk, work)
    seen_by_other_thread.append(helpdesk.now())
    assert helpdesk.clock is clock
    assert abs(seen_by_other_thread[0] - datetime.now(timezone.utc)) < timedelta(minutes=1)
    ticket = next(iter(helpdesk.data.tickets.values()))
    assert ticket.created == created
    assert helpdesk.data.articles[ticket.article_ids[0]].created == created


def test_frozen_time_is_per_thread() -> None:
    helpdesk = Helpdesk()
    moment = datetime(2001, 1, 1, tzinfo=timezone.utc)
    other: list[datetime] = []
    with helpdesk.frozen_at(moment):
        assert helpdesk.now() == moment
        thread = threading.Thread(target=lambda: other.append(helpdesk.now()))
        thread.start()
        thread.join()
    assert other[0] != moment
    assert helpdesk.now() != moment


@pytest.mark.slow
def test_generator_20000_tickets() -> None:
    emulator = Emulator.with_tickets(20_000, seed="empty")
    assert len(emulator.helpdesk.data.tickets) == 20_000
    with httpx.Client(transport=EmulatorTransport(emulator), base_url=GT) as gt:
        root = {"UserLogin": "root@localhost", "Password": "root"}
        found = call(gt, "TicketSearch", **root, StateType="open", Limit=100000)["TicketID"]
        assert found
        tickets = call(gt, "TicketGet", **root, TicketID=found[:100], AllArticles=1)["Ticket"]
        assert len(tickets) == 100
    generate_tickets(emulator.helpdesk, 10)
    assert len(emulator.helpdesk.data.tickets) == 20_010


REST_URL = REST
