"""Ticket data dicts: recorded writes convert back to what the server received; every mistake is named."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from otobo_znuny.adapter import InvalidTicketDataError, data_to_create, data_to_update
from otobo_znuny.config import ServerFlavor
from otobo_znuny.models import CLEAR, IdName
from otobo_znuny.wire.mapping import WriteLimits, ticket_create_to_wire, ticket_update_to_wire
from support.recording import load_exchanges

UTC = ZoneInfo("UTC")
LIMITS = WriteLimits(max_attachment_bytes=1 << 20, max_body_chars=1 << 20)
_NAMING_KEYS = {"UserLogin", "Password", "SessionID", "TicketID", "TicketNumber"}


def flatten(request: dict[str, Any]) -> dict[str, Any]:
    """A recorded request body as an adapter data dict: the Ticket's fields at the top level."""
    data = {key: value for key, value in request.items() if key not in _NAMING_KEYS and key != "Ticket"}
    if isinstance(data.get("DynamicField"), dict):  # the adapter takes the wire's objects only in a list
        data["DynamicField"] = [data["DynamicField"]]
    return {**request.get("Ticket", {}), **data}


def normalised(wire: dict[str, Any]) -> dict[str, Any]:
    """Wire parameters with credentials and ticket names removed, and single objects as lists."""
    result = {key: value for key, value in wire.items() if key not in _NAMING_KEYS}
    for key in ("DynamicField", "Attachment"):
        if isinstance(result.get(key), dict):
            result[key] = [result[key]]
    return result


def update_wire(data: dict[str, Any], ticket_id: int = 5) -> dict[str, Any]:
    update = data_to_update(ticket_id, data)
    return ticket_update_to_wire(update, flavor=ServerFlavor.ZNUNY, tz=UTC, limits=LIMITS)


def create_wire(data: dict[str, Any]) -> dict[str, Any]:
    ticket = data_to_create(data)
    return ticket_create_to_wire(
        ticket, flavor=ServerFlavor.ZNUNY, tz=UTC, limits=LIMITS, default_state="new", default_priority="3 normal"
    )


def recorded(operation: str) -> list[Any]:
    return [e for e in load_exchanges() if e.operation == operation]


@pytest.mark.parametrize("exchange", recorded("TicketUpdate"), ids=lambda e: f"#{e.n}")
def test_every_recorded_update_converts_back_to_what_the_server_received(exchange: Any) -> None:
    request = exchange.request_json()
    assert normalised(update_wire(flatten(request))) == normalised(request)


@pytest.mark.parametrize("exchange", recorded("TicketCreate"), ids=lambda e: f"#{e.n}")
def test_every_recorded_create_converts_back_or_is_refused_like_the_server_refused_it(exchange: Any) -> None:
    request = exchange.request_json()
    if exchange.error_code == "TicketCreate.MissingParameter":
        missing = {"Title", "Queue", "CustomerUser"} - set(request["Ticket"])
        with pytest.raises(InvalidTicketDataError) as caught:
            data_to_create(flatten(request))
        assert caught.value.field in missing
        return
    assert normalised(create_wire(flatten(request))) == normalised(request)


def test_the_documented_example_becomes_the_typed_update() -> None:
    update = data_to_update(
        7,
        {
            "State": "open",
            "PriorityID": "4",
            "DynamicField": {"OrderID": "A-1", "Tags": ["vip"], "DueDate": ""},
            "Article": {"Subject": "Triage", "Body": "Routed by the classifier.", "IsVisibleForCustomer": 0},
        },
    )
    assert update.id == 7
    assert update.state == IdName(name="open")
    assert update.priority == IdName(id=4)
    assert update.queue is None  # unchanged
    assert update.dynamic_fields == {"OrderID": "A-1", "Tags": ["vip"], "DueDate": CLEAR}
    assert update.article is not None
    assert (update.article.subject, update.article.is_visible_for_customer) == ("Triage", False)


@pytest.mark.parametrize("cleared", ["", None])
def test_clearing_customer_user_needs_a_non_empty_customer_id(cleared: str | None) -> None:
    # The server changes the customer only when CustomerUser or CustomerID is non-empty.
    with pytest.raises(InvalidTicketDataError) as caught:
        data_to_update(5, {"CustomerUser": cleared})
    assert caught.value.field == "CustomerUser"
    assert "non-empty CustomerID" in caught.value.problem
    assert update_wire({"CustomerUser": cleared, "CustomerID": "ACME"})["Ticket"] == {
        "CustomerUser": "",
        "CustomerID": "ACME",
    }
    assert data_to_update(5, {"CustomerUser": "carla", "CustomerID": "ACME"}).customer_id == "ACME"


def test_a_dynamic_field_dict_is_always_name_to_value() -> None:
    update = data_to_update(5, {"DynamicField": {"Name": "x", "Value": "y"}})
    assert update.dynamic_fields == {"Name": "x", "Value": "y"}
    listed = data_to_update(5, {"DynamicField": [{"Name": "OrderID", "Value": "A-1"}]})
    assert listed.dynamic_fields == {"OrderID": "A-1"}


def test_create_accepts_a_pending_state_without_pending_time() -> None:
    # The server does not require PendingTime on create; only an update refuses it (see MALFORMED_UPDATES).
    data = {"Title": "t", "Queue": "Raw", "CustomerUser": "carla", "Article": ARTICLE, "State": "pending reminder"}
    assert data_to_create(data).state == IdName(name="pending reminder")


def test_pending_time_forms() -> None:
    assert data_to_update(5, {"State": "pending reminder", "PendingTime": {"Diff": 90}}).pending_time == timedelta(
        minutes=90
    )
    parts = {"Year": 2026, "Month": 12, "Day": 24, "Hour": 9, "Minute": 30}
    assert update_wire({"State": "pending reminder", "PendingTime": parts})["Ticket"]["PendingTime"] == parts
    assert data_to_update(5, {"PendingTime": "2026-12-24 09:30:00", "StateID": 6}).pending_time == datetime(
        2026, 12, 24, 9, 30
    )


def test_article_mime_type_and_charset_become_the_content_type() -> None:
    wire = update_wire({"Article": {"Subject": "s", "Body": "<b>b</b>", "MimeType": "text/html", "Charset": "utf-8"}})
    assert wire["Article"]["ContentType"] == "text/html; charset=utf-8"


def test_attachments_are_decoded_and_sent_with_the_article() -> None:
    content = base64.b64encode(b"hello attachment").decode()
    data = {
        "Article": {"Subject": "s", "Body": "b"},
        "Attachment": [{"Filename": "a.txt", "Content": content, "ContentType": "text/plain"}],
    }
    update = data_to_update(5, data)
    assert update.article is not None
    assert [(a.filename, a.content) for a in update.article.attachments] == [("a.txt", b"hello attachment")]
    assert update_wire(data)["Attachment"] == [{"Content": content, "ContentType": "text/plain", "Filename": "a.txt"}]


def test_create_defaults_state_and_priority_and_accepts_queue_ids() -> None:
    wire = create_wire({"Title": "t", "QueueID": 2, "CustomerUser": "carla", "Article": {"Subject": "s", "Body": "b"}})
    assert wire["Ticket"] == {
        "Title": "t",
        "QueueID": 2,
        "State": "new",
        "Priority": "3 normal",
        "CustomerUser": "carla",
    }


ARTICLE = {"Subject": "s", "Body": "b"}

MALFORMED_UPDATES: list[tuple[Any, str, str]] = [
    ({}, "data", "changes nothing"),
    ("State=open", "data", "expected an object"),
    ({"Stat": "open"}, "Stat", "did you mean 'State'"),
    ({"Queues": "Raw"}, "Queues", "did you mean 'Queue'"),
    ({"TicketID": 5, "State": "open"}, "TicketID", "ticket_id argument"),
    ({"Password": "x"}, "Password", "adapter configuration"),
    ({"Ticket": {"State": "open"}}, "Ticket", "top level"),
    ({"State": ""}, "State", "must not be empty"),
    ({"State": 4}, "State", "for an ID use StateID"),
    ({"StateID": "open"}, "StateID", "positive integer"),
    ({"QueueID": 0}, "QueueID", "positive integer"),
    ({"State": "open", "StateID": 4}, "StateID", "give State or StateID, not both"),
    ({"Title": "   "}, "Title", "must not be empty"),
    ({"Title": "a\nb"}, "Title", "line breaks"),
    ({"CustomerID": "", "CustomerUser": ""}, "CustomerID", "must not be empty"),
    ({"State": "pending reminder"}, "State", "is a pending state and needs PendingTime"),
    ({"PendingTime": {"Diff": 120}}, "PendingTime", "ignores it alone: give the pending State"),
    ({"PendingTime": "2026-12-24 09:30:00", "Title": "t"}, "PendingTime", "ignores it alone"),
    ({"CustomerID": "ACME"}, "CustomerID", "needs CustomerUser in the same update"),
    ({"DynamicField": {"Name": "OrderID", "Value": {"x": 1}}}, "DynamicField.Value", "expected text"),
    ({"PendingTime": {"Diff": -5}}, "PendingTime.Diff", "negative"),
    ({"PendingTime": {"Diff": 5, "Hour": 1}}, "PendingTime", "Diff"),
    ({"PendingTime": {"Year": 2026, "Month": 2, "Day": 30, "Hour": 0, "Minute": 0}}, "PendingTime", "valid date"),
    ({"PendingTime": {"Year": "x", "Month": 2, "Day": 3, "Hour": 0, "Minute": 0}}, "PendingTime.Year", "integer"),
    ({"DynamicField": "OrderID=1"}, "DynamicField", "expected"),
    ({"DynamicField": {}}, "DynamicField", "empty"),
    ({"DynamicField": {"Order ID": "x"}}, "DynamicField.Order ID", "letters and digits"),
    ({"DynamicField": {"OrderID": {"Value": "x"}}}, "DynamicField.OrderID", "expected text"),
    ({"DynamicField": {"Tags": ["a", None]}}, "DynamicField.Tags[1]", "expected text"),
    ({"DynamicField": [{"Name": "OrderID"}]}, "DynamicField[0]", '"Name"'),
    (
        {"DynamicField": [{"Name": "OrderID", "Value": "a"}, {"Name": "OrderID", "Value": "b"}]},
        "DynamicField[1]",
        "twice",
    ),
    ({"Article": "note"}, "Article", "expected an object"),
    ({"Article": {"Body": "b"}}, "Article.Subject", "required"),
    ({"Article": {"Subject": "s"}}, "Article.Body", "required"),
    ({"Article": {"Subject": "s", "Body": "  "}}, "Article.Body", "must not be empty"),
    ({"Article": {**ARTICLE, "Channel": "Email"}}, "Article.Channel", "unknown article field"),
    ({"Article": {**ARTICLE, "HistoryType": "AddNote"}}, "Article.HistoryType", "not supported by the adapter"),
    ({"Article": {**ARTICLE, "SenderTypeID": 1}}, "Article.SenderTypeID", "use SenderType"),
    ({"Article": {**ARTICLE, "CommunicationChannel": "Fax"}}, "Article.CommunicationChannel", "Internal, Email"),
    ({"Article": {**ARTICLE, "SenderType": "bot"}}, "Article.SenderType", "agent, customer, system"),
    ({"Article": {**ARTICLE, "IsVisibleForCustomer": "yes"}}, "Article.IsVisibleForCustomer", "1/0"),
    ({"Article": {**ARTICLE, "IsVisibleForCustomer": 1.0}}, "Article.IsVisibleForCustomer", "1/0"),
    ({"Article": {**ARTICLE, "ContentType": 5}}, "Article.ContentType", "MIME type"),
    ({"Article": {**ARTICLE, "TimeUnit": "a lot"}}, "Article.TimeUnit", "number"),
    ({"Article": {**ARTICLE, "TimeUnit": -1}}, "Article.TimeUnit", "negative"),
    ({"Article": {**ARTICLE, "ContentType": "plain"}}, "Article.ContentType", "type/subtype"),
    ({"Article": {**ARTICLE, "To": "a@example.com\r\nBcc: x"}}, "Article.To", "line breaks"),
    ({"Article": {**ARTICLE, "MimeType": "text/plain", "ContentType": "text/plain"}}, "Article.MimeType", "not both"),
    ({"Article": {**ARTICLE, "MimeType": "text/plain"}}, "Article.Charset", "expected text"),
    ({"Attachment": {"Filename": "a", "Content": "YQ=="}}, "Attachment", "needs an Article"),
    ({"Article": ARTICLE, "Attachment": []}, "Attachment", "empty"),
    ({"Article": ARTICLE, "Attachment": {"Filename": "a", "Content": ""}}, "Attachment.Content", "empty files"),
    ({"Article": ARTICLE, "Attachment": [{"Filename": "a", "Content": "@@"}]}, "Attachment[0].Content", "base64"),
    ({"Article": ARTICLE, "Attachment": {"Content": "YQ=="}}, "Attachment.Filename", "expected text"),
    ({"Article": ARTICLE, "Attachment": {"Filename": "a", "Content": "YQ==", "Size": 1}}, "Attachment.Size", "unknown"),
    (
        {"Article": ARTICLE, "Attachment": {"Filename": "a", "Content": "YQ==", "ContentType": "bad"}},
        "Attachment.ContentType",
        "type/subtype",
    ),
    (
        {"Article": ARTICLE, "Attachment": {"Filename": "a", "Content": "YQ==", "Disposition": "x"}},
        "Attachment.Disposition",
        "attachment, inline",
    ),
]


@pytest.mark.parametrize(
    ("data", "field", "fragment"), MALFORMED_UPDATES, ids=[f"{m[1]}:{m[2]}" for m in MALFORMED_UPDATES]
)
def test_malformed_update_data_names_the_key(data: Any, field: str, fragment: str) -> None:
    with pytest.raises(InvalidTicketDataError) as caught:
        data_to_update(5, data)
    assert caught.value.field == field
    assert fragment in caught.value.problem
    for model_field in ("pending_time", "customer_user", "customer_id", "dynamic_fields"):
        assert model_field not in caught.value.problem  # the data dict's vocabulary, not the model's


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"Queue": "Raw", "CustomerUser": "carla", "Article": ARTICLE}, "Title"),
        ({"Title": "t", "CustomerUser": "carla", "Article": ARTICLE}, "Queue"),
        ({"Title": "t", "Queue": "Raw", "Article": ARTICLE}, "CustomerUser"),
        ({"Title": "t", "Queue": "Raw", "CustomerUser": "carla"}, "Article"),
        ({"Title": "t", "Queue": "Raw", "CustomerUser": "", "Article": ARTICLE}, "CustomerUser"),
    ],
)
def test_create_data_without_a_required_key_names_it(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidTicketDataError) as caught:
        data_to_create(data)
    assert caught.value.field == field


def test_known_dynamic_fields_refuse_other_names() -> None:
    with pytest.raises(InvalidTicketDataError) as caught:
        data_to_update(5, {"DynamicField": {"OrdrID": "x"}}, known_dynamic_fields=["OrderID"])
    assert caught.value.field == "DynamicField.OrdrID"
    assert "known fields: OrderID" in caught.value.problem
