"""``parse_event``: both invoker body shapes, IDs as numbers or strings, and what is not an event."""

from __future__ import annotations

import json
from typing import Any

import pytest

from otobo_znuny.events import InvalidEventBody, TicketEvent, parse_event


def test_the_pass_through_body_keeps_every_key_but_event() -> None:
    body = {
        "Event": "ArticleCreate",
        "TicketID": "3",
        "ArticleID": 7,
        "OldTicketData": {"TicketID": "3", "State": "new", "Queue": "Raw"},
    }
    event = parse_event(body)
    assert (event.name, event.ticket_id, event.article_id, event.ticket) == ("ArticleCreate", 3, 7, None)
    assert dict(event.data) == {key: value for key, value in body.items() if key != "Event"}
    assert event.old_ticket_data == {"TicketID": "3", "State": "new", "Queue": "Raw"}


def test_the_ticket_generic_body_gives_the_event_and_the_ticket() -> None:
    body = {
        "Event": {"Event": "TicketStateUpdate", "TicketID": 3, "OldTicketData": {"State": "new"}},
        "Ticket": {"TicketID": 3, "TicketNumber": "2026112242000025", "Articles": []},
    }
    event = parse_event(body)
    assert (event.name, event.ticket_id, event.article_id) == ("TicketStateUpdate", 3, None)
    assert event.ticket is not None
    assert event.ticket["TicketNumber"] == "2026112242000025"
    assert dict(event.data) == {"TicketID": 3, "OldTicketData": {"State": "new"}}
    assert parse_event({"Event": {"Event": "TicketDelete", "TicketID": 3}, "Ticket": {}}).ticket is None


def test_a_dynamic_field_event_keeps_its_values() -> None:
    body = {
        "Event": "TicketDynamicFieldUpdate_Tags",
        "FieldName": "Tags",
        "Value": ["vip", "billing"],
        "OldValue": None,
        "TicketID": "3",
        "UserID": "2",
    }
    event = parse_event(body)
    assert event.data["Value"] == ["vip", "billing"]
    assert event.data["OldValue"] is None
    assert event.old_ticket_data is None


def test_to_dict_is_json_ready() -> None:
    event = parse_event({"Event": {"Event": "TicketCreate", "TicketID": "3"}, "Ticket": {"Title": "ü"}})
    assert json.loads(json.dumps(event.to_dict())) == {
        "event": "TicketCreate",
        "ticket_id": 3,
        "article_id": None,
        "data": {"TicketID": "3"},
        "ticket": {"Title": "ü"},
    }


def test_an_event_without_ticket_id_has_none() -> None:
    assert parse_event({"Event": "SomethingElse"}) == TicketEvent("SomethingElse", None)
    assert parse_event({"Event": "X", "TicketID": ""}).ticket_id is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "must be a JSON object"),
        ("TicketCreate", "must be a JSON object"),
        ({}, "no event name"),
        ({"Event": ""}, "no event name"),
        ({"Event": 5}, "no event name"),
        ({"Event": {"TicketID": 1}}, "no event name"),
        ({"Event": "X", "TicketID": "3a"}, "TicketID must be a positive integer"),
        ({"Event": "X", "TicketID": 0}, "TicketID must be a positive integer"),
        ({"Event": "X", "TicketID": "\u00b2"}, "TicketID must be a positive integer"),  # str.isdigit, int() fails
        ({"Event": "X", "TicketID": "\u0663"}, "TicketID must be a positive integer"),  # an Arabic-Indic 3
        ({"Event": "X", "ArticleID": "\uff17"}, "ArticleID must be a positive integer"),  # a full-width 7
        ({"Event": "X", "TicketID": True}, "TicketID must be a number"),
        ({"Event": "X", "ArticleID": [1]}, "ArticleID must be a number"),
        ({"Event": {"Event": "X"}, "Ticket": "3"}, "Ticket must be a JSON object"),
    ],
)
def test_what_is_not_an_event_is_refused_with_the_reason(body: Any, message: str) -> None:
    with pytest.raises(InvalidEventBody, match=message):
        parse_event(body)
