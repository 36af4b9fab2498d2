"""``get_ticket_by_number``: admins have ticket numbers (from e-mail subjects), not IDs."""

from __future__ import annotations

import pytest

from otobo_znuny import RequestValidationError, TicketNotFoundError
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_async_client, make_sync_client


async def test_the_ticket_with_that_number_is_returned() -> None:
    emulator = Emulator.from_seed("demo")
    wanted = emulator.helpdesk.data.tickets[7]
    async with make_async_client(emulator) as client:
        ticket = await client.get_ticket_by_number(wanted.number, articles=False)
        spaced = await client.get_ticket_by_number(f"  {wanted.number} ")
    assert (ticket.id, ticket.number, ticket.articles) == (7, wanted.number, [])
    assert spaced.id == 7
    assert spaced.articles  # the get options apply: articles by default


def test_the_sync_client_has_it_too() -> None:
    emulator = Emulator.from_seed("demo")
    with make_sync_client(emulator) as client:
        assert client.get_ticket_by_number(emulator.helpdesk.data.tickets[3].number).id == 3


async def test_an_unknown_number_is_not_found() -> None:
    async with make_async_client(Emulator.from_seed("demo")) as client:
        with pytest.raises(TicketNotFoundError, match="no ticket with number '1999'"):
            await client.get_ticket_by_number("1999")


@pytest.mark.parametrize("number", ["", " ", "2025*", "20%", "1 2", "(1)", "1||2"])
async def test_patterns_and_blanks_are_refused_before_sending(number: str) -> None:
    emulator = Emulator.from_seed("demo")
    async with make_async_client(emulator, use_session=False) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.get_ticket_by_number(number)
    assert caught.value.field == "number"
    assert sum(emulator.counters.by_operation.values()) == 0
