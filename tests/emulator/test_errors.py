"""Every error the emulator emits, triggered the way the real server triggers it (CONTRACT §6, §1)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import Emulator, EmulatorTransport, HelpdeskBuilder, wire
from otobo_znuny.emulator.operations import ticket_update

from .conftest import AGENT, GT, call, error_code, new_ticket

TICKET = {"Title": "t", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "customer-1"}
ARTICLE = {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"}


def create(gt: httpx.Client, **body: Any) -> Any:
    return call(gt, "TicketCreate", **body)


# ---------------------------------------------------------------- transport errors (HTTP 500 text)
def test_malformed_json(gt: httpx.Client) -> None:
    reply = gt.post("/TicketGet", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (reply.status_code, reply.text) == (500, "Error while decoding request content.")
    assert reply.headers["content-type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("body", [b"{}", b"[]", b'"x"', b"0"])
def test_unsupported_structure(gt: httpx.Client, body: bytes) -> None:
    reply = gt.post("/TicketGet", content=body, headers={"Content-Type": "application/json"})
    assert (reply.status_code, reply.text) == (500, "Unsupported request content structure.")


def test_no_route_and_wrong_method(gt: httpx.Client) -> None:
    for method, path in (("GET", "/TicketGet"), ("POST", "/TicketGet/"), ("POST", "/Nope")):
        reply = gt.request(method, path)
        assert reply.status_code == 500
        assert reply.text == f"HTTP::REST Error while determine Operation for request URI '{path}'."


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_body_without_json_content_type(gt: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    reply = gt.post("/SessionCreate", content=b'{"UserLogin":"x","Password":"y"}', headers=headers)
    assert (reply.status_code, reply.text) == (500, "Could not read input data")


def test_max_length(lab: Emulator) -> None:
    lab.webservices["GenericTicket"].max_length = 10
    with httpx.Client(transport=EmulatorTransport(lab), base_url=GT) as client:
        reply = client.post("/SessionCreate", json=AGENT)
    assert reply.status_code == 413


def test_unknown_webservice_drops_connection(lab: Emulator) -> None:
    with httpx.Client(transport=EmulatorTransport(lab)) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("http://emulator/otrs/nph-genericinterface.pl/Webservice/Nope/SessionCreate", json=AGENT)


def test_array_body_to_ticket_get_is_a_fault(gt: httpx.Client) -> None:
    reply = gt.post("/TicketGet", json=[{**AGENT, "TicketID": 1}])
    assert reply.status_code == 500
    assert reply.json()["faultcode"] == "Server"


# ---------------------------------------------------------------- sessions
def test_session_errors(gt: httpx.Client) -> None:
    assert call(gt, "SessionCreate", UserLogin="api-agent")["Error"] == {
        "ErrorCode": "SessionCreate.MissingParameter",
        "ErrorMessage": "SessionCreate: Password parameter is missing!",
    }
    assert error_code(call(gt, "SessionCreate", UserLogin="api-agent", Password="no")) == "SessionCreate.AuthFail"
    assert error_code(call(gt, "SessionGet", UserLogin="x")) == "SessionGet.MissingParameter"
    assert error_code(call(gt, "SessionGet", SessionID="nope")) == "SessionGet.SessionInvalid"
    assert error_code(call(gt, "SessionRemove", UserLogin="x")) == "SessionRemove.MissingParameter"
    sid = call(gt, "SessionCreate", **AGENT)["SessionID"]
    assert error_code(call(gt, "SessionRemove", SessionID=sid)) == "SessionRemove.AuthFail"
    assert call(gt, "SessionRemove", SessionID=sid, **AGENT) == {"Success": 1}
    assert call(gt, "SessionRemove", SessionID=sid, **AGENT) == {"Success": 1}  # already gone


def test_session_remove_of_other_user_needs_admin() -> None:
    helpdesk = (
        HelpdeskBuilder()
        .agent("admin", "pw", groups={"users": "rw", "admin": "rw"})
        .agent("plain", "pw", groups={"users": "rw"})
        .build()
    )
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk)), base_url=GT) as gt:
        sid = call(gt, "SessionCreate", UserLogin="admin", Password="pw")["SessionID"]
        reply = call(gt, "SessionRemove", SessionID=sid, UserLogin="plain", Password="pw")
        assert error_code(reply) == "SessionRemove.AuthFail"
        assert call(gt, "SessionRemove", SessionID=sid, UserLogin="admin", Password="pw") == {"Success": 1}


# ---------------------------------------------------------------- TicketCreate
@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"Ticket": TICKET},
            "MissingParameter",
            "TicketCreate: UserLogin, CustomerUserLogin or SessionID is required!",
        ),
        ({"UserLogin": "api-agent"}, "MissingParameter", "TicketCreate: Password or SessionID is required!"),
        ({"UserLogin": "api-agent", "Password": "x"}, "AuthFail", "TicketCreate: User could not be authenticated!"),
        ({**AGENT, "Article": ARTICLE}, "MissingParameter", "TicketCreate: Ticket parameter is missing or not valid!"),
        ({**AGENT, "Ticket": TICKET}, "MissingParameter", "TicketCreate: Article parameter is missing or not valid!"),
        (
            {**AGENT, "Ticket": {**TICKET, "Title": ""}, "Article": ARTICLE},
            "MissingParameter",
            "TicketCreate: Ticket->Title parameter is missing!",
        ),
        (
            {**AGENT, "Ticket": {**TICKET, "Queue": "NoSuchQueue"}, "Article": ARTICLE},
            "InvalidParameter",
            "TicketCreate: Ticket->QueueID or Ticket->Queue parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": {**TICKET, "State": "nope"}, "Article": ARTICLE},
            "InvalidParameter",
            "TicketCreate: Ticket->StateID or Ticket->State parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": {**TICKET, "CustomerUser": "not a user"}, "Article": ARTICLE},
            "InvalidParameter",
            "TicketCreate: Ticket->CustomerUser parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": {**TICKET, "PendingTime": {"Diff": 5, "Hour": 1}}, "Article": ARTICLE},
            "InvalidParameter",
            "TicketCreate: Ticket->PendingTime parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": {**ARTICLE, "ContentType": "text/plain"}},
            "InvalidParameter",
            "TicketCreate: Article->ContentType is invalid!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": {**ARTICLE, "CommunicationChannel": "Chat"}},
            "InvalidParameter",
            "TicketCreate: Article->CommunicationChannel or Article->CommunicationChannelID parameter"
            " is invalid or not supported!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": {**ARTICLE, "Body": ""}},
            "MissingParameter",
            "TicketCreate: Article->Body parameter is missing!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": ARTICLE, "DynamicField": {"Name": "Tags", "Value": ["x"]}},
            "InvalidParameter",
            "TicketCreate: DynamicField->Value parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": ARTICLE, "DynamicField": {"Name": "Nope", "Value": "x"}},
            "InvalidParameter",
            "TicketCreate: DynamicField->Name parameter is invalid!",
        ),
        (
            {**AGENT, "Ticket": TICKET, "Article": ARTICLE, "Attachment": {"Content": "", "Filename": "a"}},
            "MissingParameter",
            "TicketCreate: Attachment->Content parameter is missing!",
        ),
    ],
)
def test_ticket_create_errors(gt: httpx.Client, body: dict[str, Any], code: str, message: str) -> None:
    assert create(gt, **body)["Error"] == {"ErrorCode": f"TicketCreate.{code}", "ErrorMessage": message}


def test_ticket_create_access_denied() -> None:
    helpdesk = (
        HelpdeskBuilder()
        .agent("reader", "pw", groups={"users": "ro"})
        .queue("Support", group="users")
        .customer_user("c", "pw")
        .build()
    )
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk)), base_url=GT) as gt:
        reply = create(
            gt,
            UserLogin="reader",
            Password="pw",
            Ticket={**TICKET, "Queue": "Support", "CustomerUser": "c"},
            Article=ARTICLE,
        )
    assert reply["Error"]["ErrorCode"] == "TicketCreate.AccessDenied"
    assert reply["Error"]["ErrorMessage"] == "TicketCreate: Can not create tickets in given Queue or QueueID!"


# ---------------------------------------------------------------- TicketGet
def test_ticket_get_errors(gt: httpx.Client) -> None:
    assert call(gt, "TicketGet", UserLogin="api-agent", Password="x", TicketID=1)["Error"] == {
        "ErrorCode": "TicketGet.AuthFail",
        "ErrorMessage": "TicketGet: Authorization failing!",
    }
    # auth is checked before parameters
    assert error_code(call(gt, "TicketGet", UserLogin="api-agent", Password="x")) == "TicketGet.AuthFail"
    assert error_code(call(gt, "TicketGet", **AGENT)) == "TicketGet.MissingParameter"
    assert error_code(call(gt, "TicketGet", **AGENT, TicketID={"a": 1})) == "TicketGet.WrongStructure"
    assert error_code(call(gt, "TicketGet", **AGENT, TicketID="1,abc")) == "TicketGet.WrongStructure"
    assert error_code(call(gt, "TicketGet", **AGENT, TicketID=[1, 999])) == "TicketGet.AccessDenied"


# ---------------------------------------------------------------- TicketSearch
def test_ticket_search_only_error_is_authfail(gt: httpx.Client) -> None:
    assert call(gt, "TicketSearch", SessionID="nope")["Error"]["ErrorCode"] == "TicketSearch.AuthFail"
    # an invalid SessionID wins over valid credentials
    assert error_code(call(gt, "TicketSearch", SessionID="nope", **AGENT)) == "TicketSearch.AuthFail"
    assert call(gt, "TicketSearch", **AGENT, SortBy="Subject") == {}


# ---------------------------------------------------------------- TicketUpdate
def test_ticket_update_errors(gt: httpx.Client) -> None:
    ticket_id = int(new_ticket(gt)["TicketID"])
    reply = gt.post("/TicketUpdate", json=[{"a": 1}])
    assert error_code(reply.json()) == "TicketUpdate.EmptyRequest"
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**AGENT}, "MissingParameter", "TicketUpdate: TicketID or TicketNumber is required!"),
        (
            {"TicketID": ticket_id},
            "MissingParameter",
            "TicketUpdate: UserLogin, CustomerUserLogin or SessionID is required!",
        ),
        (
            {"TicketID": ticket_id, "UserLogin": "api-agent"},
            "MissingParameter",
            "TicketUpdate: Password or SessionID is required!",
        ),
        (
            {"TicketID": ticket_id, "UserLogin": "api-agent", "Password": "x"},
            "AuthFail",
            "TicketUpdate: User could not be authenticated!",
        ),
        ({**AGENT, "TicketID": 999999}, "AccessDenied", "TicketUpdate: User does not have access to the ticket!"),
        (
            {**AGENT, "TicketID": ticket_id, "Ticket": "x"},
            "InvalidParameter",
            "TicketUpdate: Ticket parameter is not valid!",
        ),
        (
            {**AGENT, "TicketID": ticket_id, "Ticket": {"State": "pending reminder"}},
            "MissingParameter",
            "Can't set a ticket on a pending state without pendig time!",
        ),
        (
            {
                **AGENT,
                "TicketID": ticket_id,
                "Attachment": {"Content": "eA==", "ContentType": "text/plain", "Filename": "x"},
            },
            "MissingParameter",
            "TicketUpdate: To create an attachment an article is needed!",
        ),
        (
            {**AGENT, "TicketID": ticket_id, "DynamicField": {"Name": "OrderID", "Value": None}},
            "MissingParameter",
            "TicketUpdate: DynamicField->Value parameter is missing!",
        ),
        (
            {**AGENT, "TicketID": ticket_id, "DynamicField": {"Name": "Tags", "Value": "nope"}},
            "InvalidParameter",
            "TicketUpdate: DynamicField->Value parameter is invalid!",
        ),
        (
            {**AGENT, "TicketID": ticket_id, "Ticket": {"Priority": "9 extreme"}},
            "InvalidParameter",
            "TicketUpdate: Ticket->PriorityID or Ticket->Priority parameter is invalid!",
        ),
    ]
    for body, code, message in cases:
        assert call(gt, "TicketUpdate", **body)["Error"] == {
            "ErrorCode": f"TicketUpdate.{code}",
            "ErrorMessage": message,
        }, body


def test_ticket_update_article_dynamic_field_needs_article() -> None:
    helpdesk = (
        HelpdeskBuilder().queue("Q").customer_user("c", "pw").dynamic_field("Note", "Text", object_type="Article")
    )
    helpdesk.ticket("t", queue="Q", customer_user="c")
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk.build())), base_url=GT) as gt:
        reply = call(
            gt,
            "TicketUpdate",
            UserLogin="root@localhost",
            Password="root",
            TicketID=1,
            DynamicField={"Name": "Note", "Value": "x"},
        )
    assert reply["Error"] == {
        "ErrorCode": "TicketUpdate.MissingParameter",
        "ErrorMessage": "TicketUpdate: To create an article DynamicField an article is required!",
    }


def test_ticket_update_permission_messages() -> None:
    builder = (
        HelpdeskBuilder()
        .agent("noter", "pw", groups={"users": "ro,note"})
        .agent("writer", "pw", groups={"users": "ro,note,rw"} if False else {"users": "ro,note,move_into"})
        .queue("Q")
        .queue("Other")
        .customer_user("c", "pw")
    )
    builder.ticket("t", queue="Q", customer_user="c")
    helpdesk = builder.build()
    # give the writer "rw" via explicit permission set without priority
    helpdesk.data.agents[3].groups["users"] = {"ro", "note", "move_into", "rw"}
    helpdesk.data.agents[2].groups["users"] = {"ro", "note"}
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk)), base_url=GT) as gt:
        reply = call(gt, "TicketUpdate", UserLogin="noter", Password="pw", TicketID=1, Ticket={"Title": "x"})
        assert reply["Error"]["ErrorCode"] == "TicketUpdate.AccessDenied"


def test_ticket_update_access_denied_is_a_new_exception_each_time(lab: Emulator) -> None:
    raised = []
    for _ in range(2):
        with lab.helpdesk.lock, pytest.raises(wire.OperationError) as info:
            ticket_update.run(lab.helpdesk, {**AGENT, "TicketID": "999999", "Ticket": {"Title": "x"}})
        raised.append(info.value)
    assert raised[0] is not raised[1]
    assert raised[0].code == raised[1].code == "TicketUpdate.AccessDenied"


@pytest.mark.parametrize("bad_item", ["text", 7, [], {}])
def test_ticket_update_rejects_non_object_article_items(gt: httpx.Client, lab: Emulator, bad_item: Any) -> None:
    ticket_id = new_ticket(gt)["TicketID"]
    before = len(lab.helpdesk.data.tickets[int(ticket_id)].article_ids)
    reply = call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article=[ARTICLE, bad_item])
    assert reply["Error"] == {
        "ErrorCode": "TicketUpdate.InvalidParameter",
        "ErrorMessage": "TicketUpdate: Article parameter is not valid!",
    }
    assert len(lab.helpdesk.data.tickets[int(ticket_id)].article_ids) == before


# ---------------------------------------------------------------- TicketHistoryGet
def test_history_errors(lab: Emulator, gt: httpx.Client) -> None:
    assert error_code(call(gt, "TicketHistoryGet", UserLogin="api-agent", Password="x", TicketID=1)) == (
        "TicketHistoryGet.AuthFail"
    )
    assert error_code(call(gt, "TicketHistoryGet", **AGENT)) == "TicketHistoryGet.MissingParameter"
    assert error_code(call(gt, "TicketHistoryGet", **AGENT, TicketID={"x": 1})) == "TicketHistoryGet.WrongStructure"
    assert call(gt, "TicketHistoryGet", **AGENT, TicketID="1,999")["Error"] == {
        "ErrorCode": "TicketHistoryGet.AccessDenied",
        "ErrorMessage": "TicketHistoryGet: User does not have access to the ticket 999!",
    }
    customer = {"CustomerUserLogin": "customer-1", "Password": "customer-secret-1"}
    assert call(gt, "TicketHistoryGet", **customer, TicketID=1)["Error"] == {
        "ErrorCode": "TicketHistoryGet.AuthFail",
        "ErrorMessage": "TicketHistoryGet: User needs to an Agent!",
    }


# ---------------------------------------------------------------- Znuny extras
def test_time_accounting_and_out_of_office_errors() -> None:
    helpdesk = HelpdeskBuilder().agent("plain", "pw").build()
    with httpx.Client(transport=EmulatorTransport(Emulator(helpdesk)), base_url=GT) as gt:
        assert (
            error_code(call(gt, "TimeAccountingGet", UserLogin="plain", Password="x")) == "TimeAccountingGet.AuthFail"
        )
        assert error_code(call(gt, "TimeAccountingGet", UserLogin="plain", Password="pw")) == (
            "TimeAccountingGet.NoPermission"
        )
        root = {"UserLogin": "root@localhost", "Password": "root"}
        helpdesk.data.agents[1].groups["timeaccounting_webservice"] = {"rw"}
        assert call(gt, "TimeAccountingGet", **root)["Error"] == {
            "ErrorCode": "TimeAccountingGet.MissingParameter",
            "ErrorMessage": "TimeAccountingGet: TimeAccountingUserLogin parameter is missing!",
        }
        assert error_code(call(gt, "OutOfOffice", UserLogin="plain", Password="x")) == "OutOfOffice.AuthFail"
        assert call(gt, "OutOfOffice", UserLogin="plain", Password="pw")["Error"]["ErrorMessage"] == (
            "OutOfOffice: User needs to be in group admin."
        )


# ---------------------------------------------------------------- odd digits
@pytest.mark.parametrize("digits", ["\u00b2", "\u0661", "\uff11"])  # superscript two, Arabic-Indic one, full-width one
@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("TicketUpdate", {"TicketID": "{}", "Ticket": {"Title": "renamed"}}),
        ("TicketUpdate", {"TicketID": "1", "Ticket": {"OwnerID": "{}"}}),
        ("TicketUpdate", {"TicketID": "1", "Ticket": {"ResponsibleID": "{}"}}),
        ("TicketUpdate", {"TicketID": "1", "Ticket": {"PriorityID": "{}"}}),
        ("TicketUpdate", {"TicketID": "1", "Ticket": {"PendingTime": {"Diff": "{}"}}}),
        ("TicketSearch", {"Limit": "{}"}),
        ("TicketGet", {"TicketID": "1", "Limit": "{}"}),
    ],
)
def test_digits_that_are_not_ascii_name_nothing(
    lab: Emulator, gt: httpx.Client, operation: str, params: dict[str, Any], digits: str
) -> None:
    """``str.isdigit`` takes "²" (which ``int()`` refuses: the emulator raised ValueError) and "١"
    (which ``int()`` reads as 1: TicketID "١" updated ticket 1). Such a value names no object: the
    reply is the one for a value that is not a number at all."""

    def with_value(value: str, item: Any = params) -> Any:
        if isinstance(item, dict):
            return {key: with_value(value, inner) for key, inner in item.items()}
        return value if item == "{}" else item

    title = lab.helpdesk.data.tickets[1].title
    expected = call(gt, operation, **AGENT, **with_value("x"))
    assert call(gt, operation, **AGENT, **with_value(digits)) == expected
    assert lab.helpdesk.data.tickets[1].title == title


_PAST_9999 = ("99999999999", "9999999999999999999999")  # minutes: past year 9999; the second past a C int


_PENDING = "pending reminder"


@pytest.mark.parametrize(
    ("operation", "params", "huge"),
    [
        *[
            ("TicketUpdate", {"TicketID": "1", "Ticket": {"State": _PENDING, "PendingTime": {"Diff": "{}"}}}, h)
            for h in _PAST_9999
        ],
        *[
            (
                "TicketUpdate",
                {
                    "TicketID": "1",
                    "Ticket": {
                        "State": _PENDING,
                        "PendingTime": {"Year": "{}", "Month": "1", "Day": "1", "Hour": "0", "Minute": "0"},
                    },
                },
                h,
            )
            for h in ("99999", *_PAST_9999)
        ],
        *[("TicketSearch", {"TicketCreateTimeNewerMinutes": "{}"}, h) for h in _PAST_9999],
        *[("TicketSearch", {"TicketLastChangeTimeOlderMinutes": "{}"}, h) for h in _PAST_9999],
    ],
)
def test_numbers_past_any_date_are_invalid_input(
    lab: Emulator, gt: httpx.Client, operation: str, params: dict[str, Any], huge: str
) -> None:
    """Minutes or a year beyond year 9999 raised OverflowError/ValueError out of the emulator; they
    answer as a value that is not a number does (no ticket is changed)."""

    def with_value(value: str, item: Any = params) -> Any:
        if isinstance(item, dict):
            return {key: with_value(value, inner) for key, inner in item.items()}
        return value if item == "{}" else item

    state = lab.helpdesk.data.tickets[1].state_id
    expected = call(gt, operation, **AGENT, **with_value("x"))
    assert call(gt, operation, **AGENT, **with_value(huge)) == expected
    assert lab.helpdesk.data.tickets[1].state_id == state
