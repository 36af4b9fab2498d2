"""The readers of TicketGet replies (``wire.replies``: the reply bytes validated in one pass straight into
the domain models) build what ``model_construct`` builds, valid and fully working models, without
writing pydantic's private attributes; server times parse as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from otobo_znuny import Article, Attachment, IdName, Ticket
from otobo_znuny.emulator import Emulator
from otobo_znuny.operations import tickets
from otobo_znuny.testing import make_sync_client
from otobo_znuny.wire.values import parse_server_time
from support.recording import load_exchanges

BERLIN = ZoneInfo("Europe/Berlin")


def _recorded_tickets() -> list[Ticket]:
    parsed: list[Ticket] = []
    for exchange in load_exchanges():
        if exchange.operation == "TicketGet" and exchange.error_code is None and exchange.is_json:
            call = tickets.ticket_get([1], tickets.TicketGetOptions(), BERLIN)
            parsed.extend(call.parse(exchange.response_body.encode("utf-8")))
    return parsed


def _emulated_tickets() -> list[Ticket]:
    emulator = Emulator.from_seed("demo")
    with make_sync_client(emulator) as client:
        return client.get_tickets(sorted(emulator.helpdesk.data.tickets), attachments=True, extended=True)


def _models(ticket: Ticket) -> Iterator[BaseModel]:
    yield ticket
    for value in ticket.__dict__.values():
        if isinstance(value, IdName):
            yield value
    for article in ticket.articles:
        yield article
        yield from article.attachments


@pytest.fixture(scope="module")
def parsed() -> list[Ticket]:
    result = _recorded_tickets() + _emulated_tickets()
    assert any(article.attachments for ticket in result for article in ticket.articles)
    return result


def test_every_model_is_what_model_construct_builds(parsed: list[Ticket]) -> None:
    models = [model for ticket in parsed for model in _models(ticket)]
    assert {type(model) for model in models} == {Ticket, IdName, Article, Attachment}
    for model in models:
        reference = type(model).model_construct(**dict(model.__dict__))
        assert list(model.__dict__) == list(type(model).model_fields)  # same field order: same repr and dumps
        assert model == reference
        assert repr(model) == repr(reference)
        assert model.model_fields_set == reference.model_fields_set
        assert model.__pydantic_extra__ is reference.__pydantic_extra__ is None
        assert model.__pydantic_private__ is reference.__pydantic_private__ is None


def test_every_model_holds_valid_values(parsed: list[Ticket]) -> None:
    for ticket in parsed:
        assert Ticket.model_validate(ticket.model_dump()) == ticket


def test_built_models_still_validate_assignments(parsed: list[Ticket]) -> None:
    ticket = parsed[0].model_copy(deep=True)
    ticket.title = "renamed"
    assert ticket.title == "renamed"
    assert "title" in ticket.model_fields_set
    with pytest.raises(ValidationError):
        ticket.id = "not a number"  # type: ignore[assignment]
    assert parsed[0].title != "renamed"


def _as_before(value: str | None, tz: Any) -> datetime | None:
    """The previous implementation, kept as the oracle."""
    if value is None or value in ("0000-00-00 00:00:00", ""):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=tz)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-22 23:35:50",
        "2026-03-29 02:30:00",  # does not exist in Berlin (spring forward)
        "2026-10-25 02:30:00",  # exists twice in Berlin (fall back)
        "2026-11-22",
        "2026-11-22T23:35:50",
        "2026-11-22 23:35:50.123456",
        "2026-11-22 23:35:50+02:00",  # an offset is replaced by the server's zone, as before
        "0000-00-00 00:00:00",
        "2026-02-30 10:00:00",
        "not a time",
        "",
        None,
    ],
)
@pytest.mark.parametrize("tz", [timezone.utc, ZoneInfo("UTC"), BERLIN])
def test_server_times_parse_as_before(value: str | None, tz: Any) -> None:
    parsed = parse_server_time(value, tz)
    expected = _as_before(value, tz)
    assert parsed == expected
    if expected is not None:
        assert parsed is not None
        assert (parsed.tzinfo, parsed.fold, parsed.utcoffset()) == (
            expected.tzinfo,
            expected.fold,
            expected.utcoffset(),
        )
