"""Route layouts, query strings, sessions, faults, builder, generator, servers (persistence: test_persistence)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from otobo_znuny.emulator import (
    Emulator,
    EmulatorTransport,
    HelpdeskBuilder,
    generate_tickets,
    load_webservice,
    run_in_thread,
)
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
