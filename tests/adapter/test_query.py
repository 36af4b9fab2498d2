"""Query dicts: every TicketSearch parameter of the contract is accepted or refused with a reason,
every mistake is named, and accepted queries reach the wire unchanged."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from otobo_znuny.adapter import QUERY_KEYS, UNSUPPORTED_QUERY_KEYS, InvalidQueryError, query_to_search
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models import IdName
from otobo_znuny.wire.mapping import ticket_search_to_wire
from support.recording import contract_file, load_exchanges

UTC = ZoneInfo("UTC")
_CREDENTIALS = {"UserLogin", "Password", "SessionID", "CustomerUserLogin"}


def to_wire(query: dict[str, Any]) -> dict[str, Any]:
    return ticket_search_to_wire(query_to_search(query), tz=UTC)


def as_lists(params: dict[str, Any]) -> dict[str, Any]:
    """Scalars as one-element lists: the server reads ``"x"`` and ``["x"]`` alike."""
    return {key: value if isinstance(value, (list, dict)) else [value] for key, value in params.items()}


def recorded_searches() -> list[Any]:
    return [e for e in load_exchanges() if e.operation == "TicketSearch"]


@pytest.mark.parametrize("exchange", recorded_searches(), ids=lambda e: f"#{e.n}")
def test_every_recorded_search_converts_back_to_the_parameters_the_server_received(exchange: Any) -> None:
    if exchange.method == "GET":
        sent: dict[str, Any] = {}
        for key, value in exchange.query:
            sent.setdefault(key, []).append(value)
    else:
        sent = dict(exchange.request_json())
    query = {key: value for key, value in sent.items() if key not in _CREDENTIALS}
    assert as_lists(to_wire(query)) == as_lists(query)


def test_the_documented_example_becomes_the_typed_search() -> None:
    search = query_to_search(
        {"Queues": ["Raw"], "StateType": ["open"], "DynamicField_OrderID": {"Equals": "A-1"}, "Limit": 10}
    )
    assert search.queues == [IdName(name="Raw")]
    assert search.state_types == ["open"]
    assert [(f.field_name, f.equals) for f in search.dynamic_fields] == [("OrderID", "A-1")]
    assert search.limit == 10


# ---- the full parameter list of CONTRACT.md section 4.3 -----------------------------------------


def _expand_braces(token: str) -> list[str]:
    parts = re.split(r"\{([^}]*)\}", token)
    choices = [[part] if index % 2 == 0 else part.split(",") for index, part in enumerate(parts)]
    return ["".join(combination) for combination in itertools.product(*choices)]


def contract_search_parameters() -> set[str]:
    """The TicketSearch parameters CONTRACT.md 4.3 lists as accepted, read from the contract."""
    text = contract_file("CONTRACT.md").read_text(encoding="utf-8")
    section = text[text.index("**Accepted parameters**") : text.index("* **Dynamic fields**")]
    names: set[str] = set()
    for bullet in section.split("\n* ")[1:]:
        tokens = re.findall(r"`([^`]+)`", bullet)
        if bullet.startswith(("*string-or-list:*", "*string only*", "`Limit`")):
            # values (AND/OR), the POD-only AttachmentName and the server-side settings are not parameters
            not_parameters = {"AND", "OR", "AttachmentName", "ConditionInline", "ExtendedSearchCondition"}
            names |= {t for t in tokens if re.fullmatch(r"[A-Z]\w*", t) and t not in not_parameters}
        elif bullet.startswith("Time filters:"):
            suffixes = [t for t in tokens if t in ("OlderMinutes", "NewerMinutes", "OlderDate", "NewerDate")]
            prefixes = [t for t in tokens if re.fullmatch(r"[A-Z][A-Za-z]*Time", t)]
            names |= {prefix + suffix for prefix in prefixes for suffix in suffixes}
            names |= {t for t in tokens if t.endswith("SearchType")}
            names |= {name for t in tokens if "{" in t for name in _expand_braces(t)}
    return names


def test_the_contract_lists_the_parameters_this_test_expects_to_find() -> None:
    names = contract_search_parameters()
    assert {"Queues", "MIMEBase_Body", "TicketEscalationSolutionTimeOlderDate", "Limit", "FullTextIndex"} <= names
    assert len(names) > 80


@pytest.mark.parametrize("name", sorted(contract_search_parameters()))
def test_every_contract_parameter_is_accepted_or_refused_with_a_reason(name: str) -> None:
    assert name in QUERY_KEYS or name in UNSUPPORTED_QUERY_KEYS


def sample_query(key: str) -> dict[str, Any]:
    """A valid query using ``key`` (plus the key it needs, if any)."""
    if key == "TicketID" or key.endswith("IDs"):
        value: Any = [2]
    elif key.endswith("Minutes"):
        value = 60
    elif key.endswith("Date"):
        value = "2026-01-02 03:04:05"
    elif key == "StateType":
        value = ["open"]
    elif key == "DynamicField":
        value = {"Name": "OrderID", "Equals": "A-1"}
    else:
        value = {
            "UseSubQueues": 1,
            "ContentSearch": "OR",
            "SearchInArchive": "AllTickets",
            "SortBy": "Age",
            "OrderBy": "Up",
            "Limit": 5,
        }.get(key, ["Raw*"] if key[0].isupper() and not key.startswith(("MIMEBase_", "Fulltext")) else "text")
    companions: dict[str, dict[str, Any]] = {
        "UseSubQueues": {"Queues": ["Support"]},
        "ContentSearch": {"MIMEBase_Body": "printer"},
        "OrderBy": {"SortBy": "Age"},
    }
    return {key: value, **companions.get(key, {})}


@pytest.mark.parametrize("key", sorted(QUERY_KEYS))
def test_every_accepted_key_reaches_the_wire(key: str) -> None:
    wire = to_wire(sample_query(key))
    assert ("DynamicField_OrderID" if key == "DynamicField" else key) in wire


@pytest.mark.parametrize("key", sorted(UNSUPPORTED_QUERY_KEYS))
def test_every_unsupported_key_is_refused_with_its_reason(key: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search({key: "1"})
    assert caught.value.field == key
    assert caught.value.problem == UNSUPPORTED_QUERY_KEYS[key]
    assert "unknown" not in caught.value.problem


@pytest.mark.parametrize("key", ["TicketCreateTimePoint", "TicketCloseTimeStartYear", "TicketChangeTimePointFormat"])
def test_legacy_time_slot_keys_are_refused_with_the_replacement(key: str) -> None:
    with pytest.raises(InvalidQueryError, match="NewerDate") as caught:
        query_to_search({key: "1"})
    assert caught.value.field == key


@pytest.mark.parametrize("key", ["UserLogin", "Password", "SessionID"])
def test_credentials_in_a_query_are_refused(key: str) -> None:
    with pytest.raises(InvalidQueryError, match="adapter configuration"):
        query_to_search({key: "x"})


# ---- unknown keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("Body", "MIMEBase_Body"),
        ("Subject", "MIMEBase_Subject"),
        ("Queue", "Queues"),
        ("queues", "Queues"),
        ("State", "States"),
        ("StateTypes", "StateType"),
        ("Owner", "OwnerIDs"),
        ("Limt", "Limit"),
        ("CustomerUser", "CustomerUserLogin"),
    ],
)
def test_an_unknown_key_is_named_with_the_likely_intended_key(key: str, suggestion: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search({"Queues": ["Raw"], key: "x"})
    assert caught.value.field == key
    assert caught.value.problem.startswith("unknown TicketSearch parameter")
    assert f"did you mean {suggestion!r}" in caught.value.problem
    assert "match every ticket" in caught.value.problem


def test_an_unknown_key_without_a_likely_match_gets_no_suggestion() -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search({"Zzyzx": 1})
    assert "did you mean" not in caught.value.problem


def test_invalid_query_errors_are_request_validation_errors_and_value_errors() -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search({"Body": "x"})
    assert isinstance(caught.value, RequestValidationError)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("Body: ")


# ---- malformed values and combinations --------------------------------------------------------

MALFORMED: list[tuple[Any, str, str]] = [
    ({"Queues": []}, "Queues", "empty list"),
    ({"Queues": ["Raw", ""]}, "Queues[1]", "must not be empty"),
    ({"Queues": {"Name": "Raw"}}, "Queues", "expected text"),
    ({"Queues": [2]}, "Queues[0]", "for an ID use QueueIDs"),
    ({"Title": None}, "Title", "expected text"),
    ({"Title": ["*"]}, "Title", "matches everything"),
    ({"QueueIDs": ["two"]}, "QueueIDs[0]", "positive integer"),
    ({"QueueIDs": 0}, "QueueIDs", "positive integer"),
    ({"TicketID": True}, "TicketID", "boolean"),
    ({"StateType": ["new", "Open"]}, "StateType[1]", "Open/Closed do not work"),
    ({"StateType": "Closed"}, "StateType", "not a state type"),
    ({"Limit": 0}, "Limit", "positive integer"),
    ({"Limit": "ten"}, "Limit", "positive integer"),
    ({"UseSubQueues": "yes", "Queues": ["Raw"]}, "UseSubQueues", "1/0"),
    ({"ContentSearch": "XOR", "MIMEBase_Body": "x"}, "ContentSearch", "AND, OR"),
    ({"SearchInArchive": "All"}, "SearchInArchive", "AllTickets"),
    ({"SortBy": "Subject"}, "SortBy", "unknown sort field 'Subject'"),
    ({"SortBy": "Age", "OrderBy": "Ascending"}, "OrderBy", "Up, Down"),
    ({"TicketCreateTimeNewerDate": "yesterday"}, "TicketCreateTimeNewerDate", "YYYY-MM-DD HH:MM:SS"),
    ({"TicketCreateTimeNewerDate": "2026-02-30 00:00:00"}, "TicketCreateTimeNewerDate", "YYYY-MM-DD"),
    ({"TicketCloseTimeOlderMinutes": "1.5"}, "TicketCloseTimeOlderMinutes", "integer"),
    ({"MIMEBase_Body": ["a", "b"]}, "MIMEBase_Body", "expected text"),
    ({"Fulltext": ""}, "Fulltext", "must not be empty"),
    ({"DynamicField_Order-ID": {"Equals": "x"}}, "DynamicField_Order-ID", "letters and digits"),
    ({"DynamicField_OrderID": "A-1"}, "DynamicField_OrderID", "expected an object"),
    ({"DynamicField_OrderID": {}}, "DynamicField_OrderID", "needs an operator"),
    ({"DynamicField_OrderID": {"Equal": "x"}}, "DynamicField_OrderID.Equal", "did you mean 'Equals'"),
    ({"DynamicField_OrderID": {"GreaterThan": [1, 2]}}, "DynamicField_OrderID.GreaterThan", "list of values"),
    ({"DynamicField_OrderID": {"Empty": "maybe"}}, "DynamicField_OrderID.Empty", "1/0"),
    ({"DynamicField_OrderID": {"Empty": 1.0}}, "DynamicField_OrderID.Empty", "1/0"),
    ({"DynamicField_OrderID": {"Empty": 0.0}}, "DynamicField_OrderID.Empty", "1/0"),
    ({"TicketCreateTimeNewerMinutes": -5}, "TicketCreateTimeNewerMinutes", "must not be negative"),
    ({"TicketPendingTimeOlderMinutes": "-1"}, "TicketPendingTimeOlderMinutes", "must not be negative"),
    ({"DynamicField_OrderID": {"Like": 5.5}}, "DynamicField_OrderID.Like", "expected text"),
    ({"DynamicField": {"Equals": "x"}}, "DynamicField.Name", "missing"),
    ({"DynamicField": "OrderID"}, "DynamicField", "expected an object"),
    ({"DynamicField": []}, "DynamicField", "empty list"),
    (
        {"DynamicField": [{"Name": "OrderID", "Equals": "x"}, {"Name": "A B", "Equals": "y"}]},
        "DynamicField[1].Name",
        "letters",
    ),
    (
        {"DynamicField": [{"Name": "OrderID", "Equals": "x"}, {"Name": "OrderID", "Like": "y*"}]},
        "DynamicField[1]",
        "appears twice",
    ),
    (
        {"DynamicField": {"Name": "OrderID", "Equals": "x"}, "DynamicField_OrderID": {"Like": "y*"}},
        "DynamicField_OrderID",
        "appears twice",
    ),
    ({"Queues": ["Raw"], "QueueIDs": [2]}, "QueueIDs", "give Queues or QueueIDs, not both"),
    (
        {"TicketCreateTimeNewerMinutes": 5, "TicketCreateTimeNewerDate": "2026-01-01 00:00:00"},
        "TicketCreateTimeNewerDate",
        "give TicketCreateTimeNewerMinutes or TicketCreateTimeNewerDate, not both",
    ),
    ({"OrderBy": "Up"}, "OrderBy", "needs SortBy"),
    ({"SortBy": "Age", "OrderBy": ["Up", "Down"]}, "OrderBy", "more entries than SortBy"),
    ({"ContentSearch": "AND"}, "ContentSearch", "MIMEBase_"),
    ({"UseSubQueues": 1}, "UseSubQueues", "needs Queues"),
    ({"Fulltext": "*"}, "Fulltext", "would match every ticket"),
    ({"MIMEBase_Body": "**"}, "MIMEBase_Body", "would match every ticket"),
    (["Queues"], "query", "expected a dict"),
    ({1: "x"}, "1", "strings"),
]


@pytest.mark.parametrize(("query", "field", "fragment"), MALFORMED, ids=[m[1] + ":" + m[2] for m in MALFORMED])
def test_a_malformed_query_names_the_key(query: Any, field: str, fragment: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search(query)
    assert caught.value.field == field
    assert fragment in caught.value.problem


def test_known_dynamic_fields_refuse_a_condition_on_another_field() -> None:
    with pytest.raises(InvalidQueryError) as caught:
        query_to_search({"DynamicField_OrdrID": {"Equals": "x"}}, known_dynamic_fields=["OrderID", "Tags"])
    assert caught.value.field == "DynamicField_OrdrID"
    assert "known fields: OrderID, Tags" in caught.value.problem
    assert query_to_search({"DynamicField_OrderID": {"Equals": "x"}}, known_dynamic_fields=["OrderID"]).dynamic_fields


# ---- values ----------------------------------------------------------------------------------


def test_scalars_and_lists_are_read_alike() -> None:
    assert to_wire({"Queues": "Raw"}) == to_wire({"Queues": ["Raw"]}) == {"Queues": ["Raw"]}
    assert to_wire({"TicketID": "5"}) == to_wire({"TicketID": [5]}) == {"TicketID": ["5"]}


def test_minutes_and_dates_become_time_filters() -> None:
    search = query_to_search(
        {
            "TicketCreateTimeNewerMinutes": 60,
            "TicketCreateTimeOlderDate": "2026-01-02 03:04:05",
            "TicketEscalationTimeOlderMinutes": "-30",
            "TicketChangeTimeNewerDate": "2026-01-02T03:04:05+02:00",
        }
    )
    assert search.created is not None
    assert search.created.newer_than == timedelta(minutes=60)
    assert search.created.older_than == datetime(2026, 1, 2, 3, 4, 5)
    assert search.escalation is not None
    assert search.escalation.older_than == timedelta(minutes=-30)
    wire = ticket_search_to_wire(search, tz=UTC)
    assert wire["TicketCreateTimeOlderDate"] == "2026-01-02 03:04:05"
    assert wire["TicketChangeTimeNewerDate"] == "2026-01-02 01:04:05"  # converted to the server's zone
    assert wire["TicketEscalationTimeOlderMinutes"] == -30


def test_the_two_dynamic_field_forms_may_be_mixed() -> None:
    mixed = to_wire({"DynamicField": {"Name": "OrderID", "Equals": "x"}, "DynamicField_Tags": {"Equals": "vip"}})
    assert mixed == {"DynamicField_OrderID": {"Equals": "x"}, "DynamicField_Tags": {"Equals": "vip"}}


def test_flags_accept_exactly_booleans_ints_and_digit_strings() -> None:
    for value, empty in ((True, True), (1, True), ("1", True), (False, False), (0, False), ("0", False)):
        assert query_to_search({"DynamicField_OrderID": {"Empty": value}}).dynamic_fields[0].empty is empty


def test_only_escalation_prefixes_take_negative_minutes() -> None:
    assert to_wire({"TicketEscalationUpdateTimeNewerMinutes": -10}) == {"TicketEscalationUpdateTimeNewerMinutes": -10}


def test_dynamic_field_conditions_in_both_forms_reach_the_wire() -> None:
    new_form = to_wire({"DynamicField": [{"Name": "Tags", "Equals": ["vip", 7]}, {"Name": "OrderID", "Empty": 0}]})
    assert new_form == {"DynamicField_Tags": {"Equals": ["vip", "7"]}, "DynamicField_OrderID": {"Empty": 0}}
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert to_wire({"DynamicField_DueDate": {"GreaterThan": when, "SmallerThan": 20}}) == {
        "DynamicField_DueDate": {"GreaterThan": "2026-01-01 00:00:00", "SmallerThan": 20}
    }


def test_an_empty_query_is_a_search_without_criteria() -> None:
    assert to_wire({}) == {}
