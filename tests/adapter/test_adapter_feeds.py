"""The adapter's optional feeds: ``iter_new_tickets`` and ``iter_changed_tickets`` on the emulator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from adapter.conftest import system_config
from otobo_znuny.adapter import FeedItemDict, InvalidQueryError, OTOBOAdapter, SystemConfig, TicketSystemAdapter
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.emulator.builder import create_ticket
from otobo_znuny.errors import RequestValidationError


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


async def collect(items: Any) -> list[FeedItemDict]:
    return [item async for item in items]


async def test_new_tickets_once_with_a_cursor_to_store(password_env: str) -> None:
    clock = Clock()
    emulator = Emulator.from_seed("demo", clock=clock)
    clock.now += timedelta(seconds=1)
    async with OTOBOAdapter(system_config(), transport=EmulatorTransport(emulator)) as adapter:
        query = {"Queues": ["Support"]}
        first = await collect(adapter.iter_new_tickets(query))
        support = sorted(
            (
                t
                for t in emulator.helpdesk.data.tickets.values()
                if emulator.helpdesk.data.queues[t.queue_id].name == "Support"
            ),
            key=lambda t: (t.created, t.id),
        )
        assert [item["ticket"]["id"] for item in first] == [str(t.id) for t in support]
        assert all(item["ticket"]["queue"]["name"] == "Support" for item in first)  # type: ignore[index]

        await adapter.update_ticket(first[0]["ticket"]["id"], {"Title": "a change is not news"})
        await adapter.create_ticket(
            {
                "Title": "Printer jam",
                "Queue": "Support",
                "CustomerUser": "carla",
                "Article": {"Subject": "Jam", "Body": "again"},
            }
        )
        create_ticket(emulator.helpdesk, title="elsewhere", queue="Sales", customer_user="carla")
        clock.now += timedelta(seconds=1)
        later = await collect(adapter.iter_new_tickets(query, cursor=first[-1]["cursor"]))
        assert [item["ticket"]["title"] for item in later] == ["Printer jam"]

        changed = await collect(adapter.iter_changed_tickets(query, since=clock.now - timedelta(seconds=1)))
        assert sorted(item["ticket"]["title"] for item in changed) == ["Printer jam", "a change is not news"]
        assert await collect(adapter.iter_changed_tickets(query, cursor=changed[-1]["cursor"])) == []


async def test_since_now_only_tickets_created_from_now_on(password_env: str) -> None:
    clock = Clock()
    emulator = Emulator.from_seed("demo", clock=clock)
    clock.now += timedelta(seconds=1)
    async with OTOBOAdapter(system_config(), transport=EmulatorTransport(emulator)) as adapter:
        assert await collect(adapter.iter_new_tickets({}, since="now")) == []


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"TicketCreateTimeNewerMinutes": 60}, "TicketCreateTime..."),
        ({"SortBy": "Age"}, "SortBy"),
        ({"Limit": 3}, "Limit"),
        ({"Bodyy": "x"}, "Bodyy"),
    ],
)
async def test_queries_the_feed_cannot_follow_are_refused(
    adapter: OTOBOAdapter, query: Mapping[str, Any], key: str
) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        await collect(adapter.iter_new_tickets(query))
    assert caught.value.field == key


async def test_a_cursor_of_another_query_is_refused(adapter: OTOBOAdapter) -> None:
    first = await collect(adapter.iter_new_tickets({"Queues": ["Sales"]}))
    with pytest.raises(RequestValidationError, match="another search"):
        await collect(adapter.iter_new_tickets({"Queues": ["Billing"]}, cursor=first[0]["cursor"]))


def test_other_adapters_need_not_offer_a_feed() -> None:
    class Minimal(TicketSystemAdapter):
        async def update_ticket(self, ticket_id: str, data: Mapping[str, Any]) -> None:
            return None

        async def find_tickets(self, query: Mapping[str, Any]) -> list[Any]:
            return []

        async def find_first_ticket(self, query: Mapping[str, Any]) -> None:
            return None

        async def get_ticket(self, ticket_id: str) -> None:
            return None

        async def create_ticket(self, data: Mapping[str, Any]) -> Any:
            raise NotImplementedError

        async def add_note(self, ticket_id: str, body: str, *, subject: str = "Note", internal: bool = True) -> None:
            return None

    with pytest.raises(NotImplementedError, match="Minimal does not offer iter_new_tickets"):
        Minimal(SystemConfig(id="x", provider_key="minimal")).iter_new_tickets({})
