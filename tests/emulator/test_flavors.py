"""The OTOBO and Znuny flavours of the emulator where the recordings show no exchange (the server source
does: see ``otobo_znuny.emulator.flavors``), and the flavour plumbing (seeds, server, CLI).

The recorded differences are covered by ``test_contract_recording`` (each recording replays against
its flavour, and fails against the other one exactly where the servers differ).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import OTOBO, ZNUNY, Emulator, EmulatorTransport, get_flavor, run_in_thread

from .conftest import AGENT

ARTICLE = {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"}
TICKET = {"Title": "t", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "customer-1"}


def client_for(emulator: Emulator, service: str = "GenericTicket") -> httpx.Client:
    base = f"http://emulator{emulator.script_path}/Webservice/{service}"
    return httpx.Client(transport=EmulatorTransport(emulator), base_url=base)


@pytest.fixture(params=["znuny", "otobo"])
def flavored(request: pytest.FixtureRequest) -> Iterator[tuple[str, httpx.Client]]:
    emulator = Emulator.from_seed("lab", flavor=request.param)
    with client_for(emulator) as client:
        yield request.param, client


def post(client: httpx.Client, operation: str, **params: Any) -> Any:
    reply = client.post(f"/{operation}", json=params)
    assert reply.status_code == 200, reply.text
    return reply.json()


def code(reply: Any) -> str | None:
    return reply.get("Error", {}).get("ErrorCode")


# ---------------------------------------------------------------- the flavour objects
def test_flavors_by_name_and_unknown_names() -> None:
    assert get_flavor("otobo") is OTOBO
    assert get_flavor("ZNUNY") is ZNUNY
    assert get_flavor(OTOBO) is OTOBO
    with pytest.raises(ValueError, match="unknown flavor 'otrs'; choose one of znuny, otobo"):
        get_flavor("otrs")
    with pytest.raises(ValueError, match="unknown flavor"):
        Emulator.from_seed("lab", flavor="otrs")


def test_emulator_keeps_the_helpdesk_flavor_unless_told() -> None:
    emulator = Emulator.from_seed("demo", flavor="otobo")
    assert Emulator(emulator.helpdesk).flavor is OTOBO
    assert Emulator(emulator.helpdesk, flavor="znuny").flavor is ZNUNY
    assert Emulator().flavor is ZNUNY


# ---------------------------------------------------------------- transport differences
def test_credential_headers_only_on_znuny(flavored: tuple[str, httpx.Client]) -> None:
    """OTOBO has no X-OTRS-Header-* handling (REST.pm): such a request carries no credentials."""
    flavor, client = flavored
    headers = {"X-OTRS-Header-UserLogin": AGENT["UserLogin"], "X-OTRS-Header-Password": AGENT["Password"]}
    reply = client.post("/TicketGet", json={"TicketID": 1}, headers=headers).json()
    if flavor == "znuny":
        assert reply["Ticket"][0]["TicketID"] == 1
    else:
        assert reply["Error"] == {
            "ErrorCode": "TicketGet.AuthFail",
            "ErrorMessage": "TicketGet: Authorization failing!",
        }


def test_json_booleans(flavored: tuple[str, httpx.Client]) -> None:
    """Both read true/false where they test truth (TicketGet AllArticles); only Znuny turns them into
    1/0 before string checks (ArticleSenderType, TicketSearch UseSubQueues), OTOBO ignores them there."""
    flavor, client = flavored
    ticket = post(client, "TicketGet", **AGENT, TicketID=1, AllArticles=True, DynamicFields=False)["Ticket"][0]
    assert len(ticket["Article"]) == 1
    assert "DynamicField" not in ticket
    filtered = post(client, "TicketGet", **AGENT, TicketID=1, AllArticles=1, ArticleSenderType=True)["Ticket"][0]
    # Znuny filters on sender type "1" (none has it); OTOBO's string check drops the filter
    assert ("Article" in filtered) is (flavor == "otobo")


def test_use_sub_queues_true_is_ignored_by_otobo() -> None:
    counts = {}
    for flavor in ("znuny", "otobo"):
        with client_for(Emulator.from_seed("demo", flavor=flavor)) as client:
            as_number = post(client, "TicketSearch", **AGENT, Queues=["Support"], UseSubQueues=1)
            as_boolean = post(client, "TicketSearch", **AGENT, Queues=["Support"], UseSubQueues=True)
            counts[flavor] = (len(as_number["TicketID"]), len(as_boolean["TicketID"]))
    with_sub_queues, without = counts["znuny"]
    assert with_sub_queues == without > 0
    assert counts["otobo"][0] == with_sub_queues
    assert 0 < counts["otobo"][1] < with_sub_queues


def test_body_content_type_and_bom(flavored: tuple[str, httpx.Client]) -> None:
    flavor, client = flavored
    body = json.dumps({**AGENT, "TicketID": 1}).encode()
    as_text = client.post("/TicketGet", content=body, headers={"Content-Type": "text/plain"})
    with_bom = client.post("/TicketGet", content=codecs.BOM_UTF8 + body, headers={"Content-Type": "application/json"})
    if flavor == "znuny":
        assert (as_text.status_code, as_text.text) == (500, "Could not read input data")
        assert with_bom.json()["Ticket"][0]["TicketID"] == 1
    else:  # OTOBO 11 takes the raw body whatever its type, and hands a BOM to the JSON decoder
        assert as_text.json()["Ticket"][0]["TicketID"] == 1
        assert (with_bom.status_code, with_bom.text) == (500, "Error while decoding request content.")


def test_paths_otobo_answers_only_below_otobo() -> None:
    emulator = Emulator.from_seed("lab", flavor="otobo")
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="http://emulator") as http:
        elsewhere = http.post("/otrs/nph-genericinterface.pl/Webservice/GenericTicket/TicketGet", json=AGENT)
        assert (elsewhere.status_code, elsewhere.headers["content-type"]) == (404, "text/html; charset=UTF-8")
        misspelt = http.post("/otobo/nph-genericinterface/Webservice/GenericTicket/TicketGet", json=AGENT)
        assert (misspelt.status_code, misspelt.headers["location"]) == (302, "/otobo/index.pl")
        merged = http.post(
            "/otobo//nph-genericinterface.pl/Webservice//GenericTicket//TicketGet", json={**AGENT, "TicketID": 1}
        )
        assert merged.json()["Ticket"][0]["TicketID"] == 1
        unknown = http.post("/otobo/nph-genericinterface.pl/Webservice/Nope/TicketGet", json=AGENT)
        assert (unknown.status_code, unknown.content, "content-type" in unknown.headers) == (500, b"", False)
    znuny = Emulator.from_seed("lab")
    with httpx.Client(transport=EmulatorTransport(znuny), base_url="http://emulator") as http:
        for prefix in ("/otrs", "/znuny", "/otobo"):
            assert (
                http.post(
                    f"{prefix}/nph-genericinterface.pl/Webservice/GenericTicket/TicketGet",
                    json={**AGENT, "TicketID": 1},
                ).status_code
                == 200
            )
        unmerged = http.post("/otrs/nph-genericinterface.pl/Webservice/GenericTicket//TicketGet", json=AGENT)
        assert unmerged.text == "HTTP::REST Error while determine Operation for request URI '//TicketGet'."
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/otrs/nph-genericinterface.pl/Webservice/Nope/TicketGet", json=AGENT)


def test_json_key_order(flavored: tuple[str, httpx.Client]) -> None:
    """Znuny sorts keys (SortKeys); OTOBO's order changes from request to request (O2 vs O22)."""
    flavor, client = flavored
    orders = []
    for _ in range(8):
        ticket = json.loads(client.post("/TicketGet", json={**AGENT, "TicketID": 1}).content)["Ticket"][0]
        orders.append(list(ticket))
    assert all(sorted(order) == sorted(orders[0]) for order in orders)  # the same keys every time
    if flavor == "znuny":
        assert all(order == sorted(order) for order in orders)
    else:
        assert len({tuple(order) for order in orders}) > 1


def test_missing_operations_answer_a_fault_after_the_body_is_read() -> None:
    with client_for(Emulator.from_seed("lab", flavor="otobo")) as client:
        for operation, kind in (
            ("SessionRemove", "Session::SessionRemove"),
            ("TimeAccountingGet", "Ticket::TimeAccountingGet"),
            ("OutOfOffice", "User::OutOfOffice"),
        ):
            reply = client.post(f"/{operation}", json=AGENT)
            assert (reply.status_code, reply.headers["content-type"]) == (500, "text/plain; charset=UTF-8")
            assert reply.json() == {
                "faultcode": "Server",
                "faultstring": f"Can't load operation backend module Kernel::GenericInterface::Operation::{kind}!",
            }
        bad = client.post("/SessionRemove", content=b"{not json", headers={"Content-Type": "application/json"})
        assert bad.text == "Error while decoding request content."  # the transport reads the body first


# ---------------------------------------------------------------- operation differences
def test_article_lists_only_on_znuny(flavored: tuple[str, httpx.Client]) -> None:
    flavor, client = flavored
    created = post(client, "TicketCreate", **AGENT, Ticket=TICKET, Article=[ARTICLE, ARTICLE])
    updated = post(client, "TicketUpdate", **AGENT, TicketID=1, Article=[ARTICLE, ARTICLE])
    if flavor == "znuny":
        assert len(created["ArticleID"]) == 2
        assert len(updated["ArticleIDs"]) == 2
    else:
        assert created["Error"]["ErrorMessage"] == "TicketCreate: Article parameter is missing or not valid!"
        assert updated["Error"] == {
            "ErrorCode": "TicketUpdate.InvalidParameter",
            "ErrorMessage": "TicketUpdate: Article parameter is not valid!",
        }


def test_content_type_without_charset(flavored: tuple[str, httpx.Client]) -> None:
    flavor, client = flavored
    reply = post(client, "TicketCreate", **AGENT, Ticket=TICKET, Article={**ARTICLE, "ContentType": "text/plain"})
    if flavor == "znuny":
        assert reply["Error"]["ErrorMessage"] == "TicketCreate: Article->ContentType is invalid!"
    else:
        article = post(client, "TicketGet", **AGENT, TicketID=reply["TicketID"], AllArticles=1)["Ticket"][0]
        assert article["Article"][0]["ContentType"] == "text/plain"
    assert (
        code(
            post(
                client,
                "TicketCreate",
                **AGENT,
                Ticket=TICKET,
                Article={**ARTICLE, "ContentType": "text/plain; charset=nope"},
            )
        )
        == "TicketCreate.InvalidParameter"
    )


def test_ticket_update_needs_rw_on_znuny_ro_on_otobo() -> None:
    """bob has ro,note on group support: OTOBO lets him retitle a ticket (ro is its first check and a
    title needs nothing more), Znuny 7.1.4+ needs rw."""
    bob = {"UserLogin": "bob", "Password": "bob-pw"}
    for flavor, expected in (("znuny", "TicketUpdate.AccessDenied"), ("otobo", None)):
        with client_for(Emulator.from_seed("demo", flavor=flavor)) as client:
            ticket_id = post(client, "TicketSearch", **AGENT, Queues=["Support"])["TicketID"][0]
            reply = post(client, "TicketUpdate", **bob, TicketID=ticket_id, Ticket={"Title": "retitled"})
            assert code(reply) == expected, flavor
            moved = post(client, "TicketUpdate", **bob, TicketID=ticket_id, Ticket={"Queue": "Misc"})
            assert code(moved) == "TicketUpdate.AccessDenied"  # the move_into check is the same on both


def test_pending_time_reset_history(flavored: tuple[str, httpx.Client]) -> None:
    """A change to a non-pending state: Znuny always writes SetPendingTime, OTOBO only when a pending
    time was set (Event/TicketPendingTimeReset.pm)."""
    flavor, client = flavored
    ticket_id = post(client, "TicketCreate", **AGENT, Ticket=TICKET, Article=ARTICLE)["TicketID"]
    post(client, "TicketUpdate", **AGENT, TicketID=ticket_id, Ticket={"State": "open"})
    post(
        client,
        "TicketUpdate",
        **AGENT,
        TicketID=ticket_id,
        Ticket={"State": "pending reminder", "PendingTime": {"Diff": 60}},
    )
    post(client, "TicketUpdate", **AGENT, TicketID=ticket_id, Ticket={"State": "open"})
    history = post(client, "TicketHistoryGet", **AGENT, TicketID=ticket_id)["TicketHistory"][0]["History"]
    pending = [h["Name"] for h in history if h["HistoryType"] == "SetPendingTime"]
    if flavor == "znuny":
        assert len(pending) == 3
        assert pending[0] == pending[2] == "%%00-00-00 00:00"
    else:
        assert len(pending) == 2
        assert pending[1] == "%%00-00-00 00:00"


@pytest.mark.parametrize("sender", ["customer", "agent"])
def test_article_id_type_follows_the_sender(flavored: tuple[str, httpx.Client], sender: str) -> None:
    """A string for customer articles, a number otherwise - on create and on update, any channel, with
    or without dynamic fields (MIMEBase.pm; O3/O4/O42, Z13/O48)."""
    _, client = flavored
    for channel in ("Email", "Internal", "Phone"):
        article = {**ARTICLE, "SenderType": sender, "CommunicationChannel": channel}
        created = post(
            client,
            "TicketCreate",
            **AGENT,
            Ticket=TICKET,
            Article=article,
            DynamicField={"Name": "OrderID", "Value": "x"},
        )
        updated = post(client, "TicketUpdate", **AGENT, TicketID=created["TicketID"], Article=article)
        expected = str if sender == "customer" else int
        assert (type(created["ArticleID"]), type(updated["ArticleID"])) == (expected, expected), channel


def test_history_echoes_the_requested_id_types(flavored: tuple[str, httpx.Client]) -> None:
    _, client = flavored
    for requested, expected in ((1, "1"), ("1", "1"), ([1], 1), (["1"], "1")):
        history = post(client, "TicketHistoryGet", **AGENT, TicketID=requested)["TicketHistory"][0]
        assert history["TicketID"] == expected
        assert {entry["TicketID"] for entry in history["History"]} == {expected}


def test_update_articles_get_a_default_to_only_by_email(flavored: tuple[str, httpx.Client]) -> None:
    _, client = flavored
    for channel, to in (("Internal", ""), ("Phone", ""), ("Email", '"Carla Customer" <customer@example.com>')):
        post(client, "TicketCreate", **AGENT, Ticket=TICKET, Article=ARTICLE)
        ticket_id = post(client, "TicketSearch", **AGENT, SortBy="Age", OrderBy="Up")["TicketID"][-1]
        post(client, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={**ARTICLE, "CommunicationChannel": channel})
        articles = post(client, "TicketGet", **AGENT, TicketID=ticket_id, AllArticles=1)["Ticket"][0]["Article"]
        assert articles[-1]["To"] == to, channel


# ---------------------------------------------------------------- seeds and serving
def test_lab_seed_follows_the_flavour() -> None:
    fields = {}
    for flavor in ("znuny", "otobo"):
        emulator = Emulator.from_seed("lab", flavor=flavor)
        fields[flavor] = sorted(emulator.helpdesk.data.dynamic_fields)
        assert emulator.helpdesk.data.tickets[1].title == f"Welcome to {'Znuny' if flavor == 'znuny' else 'OTOBO'}!"
    assert fields["otobo"] == ["OrderID", "ProcessManagementActivityID", "ProcessManagementProcessID", "Tags"]
    assert set(fields["otobo"]) < set(fields["znuny"])
    assert sorted(Emulator.from_seed("znuny_lab").helpdesk.data.dynamic_fields) == fields["znuny"]


def test_server_handle_and_session_data_over_http() -> None:
    with run_in_thread(Emulator.from_seed("lab", flavor="otobo")) as server:
        assert server.genericinterface_url == server.base_url + "/otobo/nph-genericinterface.pl"
        with httpx.Client(base_url=server.genericinterface_url + "/Webservice/GenericTicket") as http:
            session_id = http.post("/SessionCreate", json=AGENT).json()["SessionID"]
            data = {
                d["Key"]: d["Value"]
                for d in http.post("/SessionGet", json={"SessionID": session_id}).json()["SessionData"]
            }
            assert data["UserAuthBackend"] == ""
            assert "UserLastViewsLimit" not in data
            assert http.post("/SessionRemove", json={**AGENT, "SessionID": session_id}).status_code == 500
            assert "SessionData" in http.post("/SessionGet", json={"SessionID": session_id}).json()  # still valid


def test_history_of_an_empty_list_is_a_wrong_structure(flavored: tuple[str, httpx.Client]) -> None:
    _, client = flavored
    assert code(post(client, "TicketHistoryGet", **AGENT, TicketID=[])) == "TicketHistoryGet.WrongStructure"
