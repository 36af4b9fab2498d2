"""Every reply parser against hostile bodies: only the library's typed errors may escape.

The parsers are the ``Call.parse`` functions of every operation (``operations.tickets`` and
``operations.sessions``). Bodies are the recorded Znuny replies, damaged one field at a time, cut
short, flipped byte by byte, or replaced by arbitrary JSON, odd text, HTML pages and garbage.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otobo_znuny.errors import OTOBOError, OTOBOZnunyError, ResponseError, UnexpectedReplyError

from .outcomes import attempt
from .replies import PARSERS, RecordedReply, deepest_key, json_paths, recorded_replies, replace_at
from .strategies import FUZZ, LONE_SURROGATES, json_bytes, json_values, odd_text

RECORDED = recorded_replies()
SUCCESSFUL = [reply for reply in RECORDED if reply.error_code is None]
WITH_FIELDS = [reply for reply in RECORDED if any(json_paths(reply.data))]

ONE_OF_EACH_JSON_TYPE: tuple[Any, ...] = (None, True, 0, -1, 2**70, 1.5, "", "x", [], [None], {}, {"x": 1})
"""A representative of every JSON type (and of the values that trip lax coercion)."""

REQUIRED_KEY = {"TicketCreate": "TicketID", "TicketUpdate": "TicketID", "SessionCreate": "SessionID"}
"""What a reply must carry; damaging any field (e.g. nulling ``Error``) can leave a reply without it."""

MAX_MESSAGE = 600
"""Error messages stay short whatever the reply holds (snippets are cut at 200 characters)."""


def parse_outcome(operation: str, body: bytes, named: str | None = None) -> Any:
    """Parse ``body``; return the result or the typed error. Anything else escapes and fails the test.

    A typed error must say what was wrong: ``ResponseError``s name the operation, and an
    ``UnexpectedReplyError`` for a damaged field names that field (``named``).
    """
    parser = PARSERS[operation]
    result, error = attempt(lambda: parser.parse(body), OTOBOZnunyError)
    if error is None:
        assert parser.returns(result), f"{operation} returned {type(result).__name__}"
        return result
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    if isinstance(error, ResponseError):
        assert message.startswith(f"{operation}: "), message
        assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {message[:100]}..."
    if named is not None and isinstance(error, UnexpectedReplyError):
        names = {named, REQUIRED_KEY.get(operation, named)}
        assert any(name in message for name in names), f"{message!r} names neither of {sorted(names)}"
    return error


@pytest.mark.parametrize("reply", RECORDED, ids=str)
def test_recorded_reply_parses_or_raises_its_error_code(reply: RecordedReply) -> None:
    outcome = parse_outcome(reply.operation, reply.body)
    if reply.error_code is None:
        assert not isinstance(outcome, Exception)
    else:
        assert isinstance(outcome, OTOBOError)
        assert outcome.code == reply.error_code


@pytest.mark.slow
@pytest.mark.parametrize("reply", WITH_FIELDS, ids=str)
def test_every_field_set_to_every_json_type(reply: RecordedReply) -> None:
    for path in json_paths(reply.data):
        for value in ONE_OF_EACH_JSON_TYPE:
            body = json_bytes(replace_at(reply.data, path, value))
            parse_outcome(reply.operation, body, named=deepest_key(path))


@FUZZ
@given(data=st.data())
def test_one_field_set_to_any_json_value(data: st.DataObject) -> None:
    reply = data.draw(st.sampled_from(WITH_FIELDS), label="reply")
    path = data.draw(st.sampled_from(list(json_paths(reply.data))), label="path")
    value = data.draw(json_values(), label="value")
    parse_outcome(reply.operation, json_bytes(replace_at(reply.data, path, value)), named=deepest_key(path))


@FUZZ
@given(operation=st.sampled_from(sorted(PARSERS)), value=json_values())
def test_arbitrary_json(operation: str, value: Any) -> None:
    parse_outcome(operation, json_bytes(value))


@FUZZ
@given(data=st.data())
def test_truncated_body_is_not_valid_json(data: st.DataObject) -> None:
    reply = data.draw(st.sampled_from(RECORDED), label="reply")
    body = reply.body
    cut = data.draw(st.integers(0, len(body) - 1), label="cut")
    error = parse_outcome(reply.operation, body[:cut])
    assert type(error) is ResponseError
    assert "not valid JSON" in str(error)
    assert error.status_code == 200


@FUZZ
@given(data=st.data())
def test_any_byte_changed(data: st.DataObject) -> None:
    reply = data.draw(st.sampled_from(RECORDED), label="reply")
    body = bytearray(reply.body)
    position = data.draw(st.integers(0, len(body) - 1), label="position")
    body[position] = data.draw(st.integers(0, 255), label="byte")
    parse_outcome(reply.operation, bytes(body))


@FUZZ
@given(operation=st.sampled_from(sorted(PARSERS)), body=st.binary(max_size=200))
def test_arbitrary_bytes(operation: str, body: bytes) -> None:
    parse_outcome(operation, body)


@pytest.mark.parametrize("operation", sorted(PARSERS))
@pytest.mark.parametrize(
    "body",
    [b"", b" ", b"null", b"[]", b'""', b"0", b"\xef\xbb\xbf{}", b"{" * 100_000, b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "space", "null", "array", "string", "number", "bom", "open-braces", "deep-nesting"],
)
def test_degenerate_bodies(operation: str, body: bytes) -> None:
    error = parse_outcome(operation, body)
    assert isinstance(error, (ResponseError, UnexpectedReplyError))


def _one(operation: str) -> RecordedReply:
    return next(reply for reply in SUCCESSFUL if reply.operation == operation)


def _text_fields() -> list[tuple[str, tuple[str | int, ...], Any]]:
    """(operation, path, how to read the value back from the parsed result) for free-text fields."""
    ticket_get = next(r for r in SUCCESSFUL if r.operation == "TicketGet" and r.data["Ticket"][0].get("Article"))
    assert ticket_get.data["Ticket"][0]["DynamicField"], "the recorded TicketGet reply has dynamic fields"
    field_name = ticket_get.data["Ticket"][0]["DynamicField"][0]["Name"]
    return [
        ("TicketGet", ("Ticket", 0, "Title"), lambda tickets: tickets[0].title),
        ("TicketGet", ("Ticket", 0, "Article", 0, "Body"), lambda tickets: tickets[0].articles[0].body),
        ("TicketGet", ("Ticket", 0, "Article", 0, "Subject"), lambda tickets: tickets[0].articles[0].subject),
        ("TicketGet", ("Ticket", 0, "DynamicField", 0, "Value"), lambda tickets: tickets[0].dynamic_fields[field_name]),
        ("TicketHistoryGet", ("TicketHistory", 0, "History", 0, "Name"), lambda entries: entries[0].name),
        ("SessionCreate", ("SessionID",), lambda session_id: session_id),
        ("TicketCreate", ("TicketNumber",), lambda reference: reference.ticket_number),
    ]


@FUZZ
@given(field=st.sampled_from(_text_fields()), text=odd_text(max_size=60).filter(bool))
def test_odd_text_arrives_unchanged(field: tuple[str, tuple[str | int, ...], Any], text: str) -> None:
    operation, path, read_back = field
    reply = _one(operation) if operation != "TicketGet" else _ticket_get_with_articles()
    result = parse_outcome(operation, json_bytes(replace_at(reply.data, path, text)))
    assert not isinstance(result, Exception), result
    assert read_back(result) == text


def _ticket_get_with_articles() -> RecordedReply:
    return next(r for r in SUCCESSFUL if r.operation == "TicketGet" and r.data["Ticket"][0].get("Article"))


@pytest.mark.parametrize("escape", [True, False], ids=["json-escape", "raw-bytes"])
@pytest.mark.parametrize("surrogate", LONE_SURROGATES)
def test_lone_surrogate_in_reply_is_refused_as_invalid_json(surrogate: str, escape: bool) -> None:
    reply = _ticket_get_with_articles()
    damaged = replace_at(reply.data, ("Ticket", 0, "Title"), f"a{surrogate}b")
    body = json.dumps(damaged, ensure_ascii=escape).encode("utf-8", "surrogatepass")
    error = parse_outcome("TicketGet", body)
    assert type(error) is ResponseError
    assert "not valid JSON" in str(error)


def test_huge_text_field_is_read_whole() -> None:
    reply = _ticket_get_with_articles()
    body_text = "Z" * 5_000_000
    tickets = parse_outcome(
        "TicketGet", json_bytes(replace_at(reply.data, ("Ticket", 0, "Article", 0, "Body"), body_text))
    )
    assert tickets[0].articles[0].body == body_text


@pytest.mark.slow
@pytest.mark.parametrize("operation", sorted(PARSERS))
def test_huge_broken_reply_gives_a_short_message(operation: str) -> None:
    error = parse_outcome(operation, b"<html>" + b"x" * 5_000_000)
    assert isinstance(error, ResponseError)
    assert len(str(error)) <= MAX_MESSAGE


def test_huge_wrong_value_gives_a_short_message() -> None:
    reply = _ticket_get_with_articles()
    damaged = replace_at(reply.data, ("Ticket", 0, "TicketID"), "9" * 10_000 + "x")
    error = parse_outcome("TicketGet", json_bytes(damaged), named="TicketID")
    assert isinstance(error, UnexpectedReplyError)
    assert len(str(error)) <= MAX_MESSAGE
