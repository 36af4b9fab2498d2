"""Dynamic-field search and import as the servers do them, where idempotency keys depend on it:
``Equals`` ignores case for Text fields and reads ``*`` as a literal ``%``, bare wildcards and empty
values add no condition, an unknown field is dropped (unrelated tickets come back), history names
are cut to 200 characters, and ``Admin::DynamicField::Import`` leaves an existing name alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from otobo_znuny.emulator import Emulator, HelpdeskBuilder
from otobo_znuny.emulator.core import EmulatorRequest
from support.recording import contract_file

SEARCH = "/otrs/nph-genericinterface.pl/Webservice/GenericTicket/TicketSearch"
CREDENTIALS = {"UserLogin": "api-agent", "Password": "api-secret-1"}


def keyed_helpdesk() -> Emulator:
    builder = HelpdeskBuilder()
    builder.agent("api-agent", "api-secret-1", groups={"users": "rw"})
    builder.customer_user("carla", "carla-pw", customer_id="ACME").queue("Raw")
    builder.dynamic_field("Key", "Text").dynamic_field("Choice", "Dropdown", possible_values=["Red", "red"])
    for title, key, choice in (
        ("upper", "ABC-1", "Red"),
        ("percent", "a%b", "red"),
        ("star", "a*b", None),
        ("none", None, None),
    ):
        fields: dict[str, Any] = {"Key": key} if key else {}
        if choice:
            fields["Choice"] = choice
        builder.ticket(title, queue="Raw", customer_user="carla", dynamic_fields=fields)
    return Emulator(builder.build())


def titles(emulator: Emulator, criteria: dict[str, Any]) -> list[str]:
    body = {**CREDENTIALS, **criteria}
    headers = {"content-type": "application/json"}
    request = EmulatorRequest("POST", SEARCH, headers=headers, body=json.dumps(body).encode())
    reply = emulator.handle(request).json()
    tickets = emulator.helpdesk.data.tickets
    return sorted(tickets[int(i)].title for i in reply.get("TicketID", []))


def test_equals_on_a_text_field_ignores_case_as_the_text_driver_does() -> None:
    emulator = keyed_helpdesk()
    assert titles(emulator, {"DynamicField_Key": {"Equals": "abc-1"}}) == ["upper"]
    assert titles(emulator, {"DynamicField": {"Name": "Key", "Equals": "ABC-1"}}) == ["upper"]


def test_equals_on_a_dropdown_compares_exactly() -> None:
    assert titles(keyed_helpdesk(), {"DynamicField_Choice": {"Equals": "red"}}) == ["percent"]


def test_a_star_in_equals_becomes_a_literal_percent_sign() -> None:
    emulator = keyed_helpdesk()
    assert titles(emulator, {"DynamicField_Key": {"Equals": "a*b"}}) == ["percent"]  # not "star"
    assert titles(emulator, {"DynamicField_Key": {"Equals": "a%b"}}) == ["percent"]


@pytest.mark.parametrize("value", ["*", "**", "%%%", "", None, [None, ""]])
def test_a_bare_wildcard_or_empty_value_adds_no_condition(value: Any) -> None:
    emulator = keyed_helpdesk()
    assert titles(emulator, {"DynamicField_Key": {"Equals": value}}) == ["none", "percent", "star", "upper"]


def test_a_list_of_values_is_ored_and_skips_the_bare_wildcards() -> None:
    assert titles(keyed_helpdesk(), {"DynamicField_Key": {"Equals": ["*", "abc-1", "a*b"]}}) == ["percent", "upper"]


def test_an_unknown_or_article_field_is_dropped_and_unrelated_tickets_come_back() -> None:
    emulator = keyed_helpdesk()
    emulator.import_dynamic_fields(
        {"DynamicFields": {"ArticleKey": {"Name": "ArticleKey", "FieldType": "Text", "ObjectType": "Article"}}}
    )
    everything = ["none", "percent", "star", "upper"]
    assert titles(emulator, {"DynamicField_Missing": {"Equals": "abc-1"}}) == everything
    assert titles(emulator, {"DynamicField_ArticleKey": {"Equals": "abc-1"}}) == everything


def test_history_names_are_cut_to_200_characters() -> None:
    emulator = keyed_helpdesk()
    ticket = next(iter(emulator.helpdesk.data.tickets.values()))
    emulator.helpdesk.add_history(ticket, "AddNote", "%%" + "x" * 300, 1)
    assert len(ticket.history[-1].name) == 200


def test_importing_the_contract_fields_gives_the_lab_fields() -> None:
    empty = Emulator.from_seed("empty")
    added = empty.import_dynamic_fields(contract_file("dynamic-fields.yml"))
    lab = Emulator.from_seed("lab").helpdesk.data.dynamic_fields
    imported = empty.helpdesk.data.dynamic_fields
    assert set(added) <= set(lab)
    assert added
    for name in added:
        mine, theirs = imported[name], lab[name]
        assert (mine.field_type, mine.object_type, mine.possible_values, mine.valid) == (
            theirs.field_type,
            theirs.object_type,
            theirs.possible_values,
            theirs.valid,
        )


def test_import_leaves_an_existing_field_alone_and_reports_what_it_added(tmp_path: Path) -> None:
    emulator = Emulator.from_seed("lab", db=tmp_path / "state.sqlite3")
    document = {
        "DynamicFields": {
            "OrderID": {"Name": "OrderID", "FieldType": "Dropdown", "ObjectType": "Article"},
            "ClientRequestID": {"Name": "ClientRequestID", "FieldType": "Text", "ObjectType": "Ticket", "ValidID": 1},
        }
    }
    assert emulator.import_dynamic_fields(document) == ["ClientRequestID"]
    assert emulator.import_dynamic_fields(document) == []
    fields = emulator.helpdesk.data.dynamic_fields
    assert (fields["OrderID"].field_type, fields["OrderID"].object_type) == ("Text", "Ticket")
    emulator.close()
    reopened = Emulator(db=tmp_path / "state.sqlite3")
    assert reopened.helpdesk.data.dynamic_fields["ClientRequestID"].field_type == "Text"
    reopened.close()


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ({"Name": "Bad-Name", "FieldType": "Text"}, "letters and digits"),
        ({"Name": "Fine", "FieldType": "Rating"}, "unknown FieldType"),
        ({"Name": "Fine", "FieldType": "Text", "ObjectType": "FAQ"}, "unknown ObjectType"),
    ],
)
def test_import_refuses_a_malformed_definition_and_adds_none(definition: dict[str, Any], problem: str) -> None:
    emulator = Emulator.from_seed("empty")
    fine = {"Name": "Fine1", "FieldType": "Text"}
    with pytest.raises(ValueError, match=problem):
        emulator.import_dynamic_fields({"DynamicFields": {"Fine1": fine, "X": definition}})
    assert "Fine1" not in emulator.helpdesk.data.dynamic_fields
    with pytest.raises(ValueError, match="DynamicFields mapping"):
        Emulator.from_seed("empty").import_dynamic_fields({"Fields": {}})
