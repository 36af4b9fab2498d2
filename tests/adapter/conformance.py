"""The conformance suite of ``TicketSystemAdapter``: the behaviour every adapter must show.

It is written once, against the abstract interface, and reused per adapter. To check an adapter
for another ticket system, subclass ``AdapterConformance`` in a ``test_*.py`` module and provide
two fixtures::

    class TestMyAdapterConformance(AdapterConformance):
        @pytest.fixture
        async def adapter(self) -> AsyncIterator[TicketSystemAdapter]:
            async with MyAdapter(SystemConfig(id="test", provider_key="mine", params={...})) as adapter:
                yield adapter

        @pytest.fixture
        def conformance_data(self) -> ConformanceData:
            return ConformanceData(
                new_ticket=lambda title, body: {...},     # create data in the system's vocabulary
                query_by_title=lambda title: {...},       # matches exactly the tickets with that title
                query_matching_nothing={...},
                set_title=lambda title: {...},            # update data that renames the ticket
                invalid_query={...},                      # must be refused before sending
                invalid_data={...},                       # must be refused before sending
                missing_ticket_id="...",                  # a well-formed ID of no ticket
            )

The system must start with a queue the new tickets can go to; each test creates what it reads.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from otobo_znuny.adapter import TicketDict, TicketSystemAdapter
from otobo_znuny.errors import RequestValidationError

__all__ = ["AdapterConformance", "ConformanceData", "assert_ticket_dict"]

_ARTICLE_KEYS = {
    "id",
    "number",
    "subject",
    "body",
    "content_type",
    "from",
    "to",
    "cc",
    "sender_type",
    "channel",
    "visible_for_customer",
    "created",
}
_REF_KEYS = ("queue", "state", "priority", "type", "lock", "owner", "responsible", "service", "sla")


@dataclass(frozen=True)
class ConformanceData:
    """What the suite needs to know about the system under test (queries and data are per system)."""

    new_ticket: Callable[[str, str], Mapping[str, Any]]
    query_by_title: Callable[[str], Mapping[str, Any]]
    query_matching_nothing: Mapping[str, Any]
    set_title: Callable[[str], Mapping[str, Any]]
    invalid_query: Mapping[str, Any]
    invalid_data: Mapping[str, Any]
    missing_ticket_id: str


def assert_ticket_dict(ticket: Any) -> None:
    """Fail unless ``ticket`` has exactly the documented ``TicketDict`` shape and survives JSON."""
    assert isinstance(ticket, dict)
    assert set(ticket) == set(TicketDict.__required_keys__)
    assert isinstance(ticket["id"], str)
    assert ticket["id"]
    assert isinstance(ticket["number"], str)
    for key in _REF_KEYS:
        ref = ticket[key]
        assert ref is None or (
            set(ref) == {"id", "name"} and all(v is None or isinstance(v, str) for v in ref.values())
        )
    assert set(ticket["customer"]) == {"user", "id"}
    assert isinstance(ticket["dynamic_fields"], dict)
    for article in ticket["articles"]:
        assert set(article) == _ARTICLE_KEYS
        assert article["id"] is None or isinstance(article["id"], str)
    for key in ("created", "changed", "pending_until", "read_back_error"):
        assert ticket[key] is None or isinstance(ticket[key], str)
    assert json.loads(json.dumps(ticket)) == ticket


def _unique(label: str) -> str:
    return f"conformance {label} {uuid.uuid4().hex[:12]}"


class AdapterConformance:
    """Base class of the per-adapter conformance test classes (see the module docstring)."""

    @pytest.fixture
    def adapter(self) -> TicketSystemAdapter:
        raise NotImplementedError("a conformance test class must provide the 'adapter' fixture")

    @pytest.fixture
    def conformance_data(self) -> ConformanceData:
        raise NotImplementedError("a conformance test class must provide the 'conformance_data' fixture")

    async def _create(self, adapter: TicketSystemAdapter, data: ConformanceData, label: str) -> TicketDict:
        title = _unique(label)
        ticket = await adapter.create_ticket(data.new_ticket(title, f"first article of {title}"))
        assert ticket["title"] == title
        return ticket

    # ---- create / get --------------------------------------------------------------------------

    async def test_create_ticket_returns_the_ticket_in_the_documented_shape(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        title = _unique("create")
        ticket = await adapter.create_ticket(conformance_data.new_ticket(title, "the first article"))
        assert_ticket_dict(ticket)
        assert ticket["title"] == title
        assert [article["body"] for article in ticket["articles"]] == ["the first article"]

    async def test_get_ticket_returns_the_stored_ticket(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "get")
        fetched = await adapter.get_ticket(created["id"])
        assert fetched is not None
        assert_ticket_dict(fetched)
        assert (fetched["id"], fetched["number"], fetched["title"]) == (
            created["id"],
            created["number"],
            created["title"],
        )

    async def test_get_ticket_of_a_missing_ticket_returns_none(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        assert await adapter.get_ticket(conformance_data.missing_ticket_id) is None

    # ---- find ----------------------------------------------------------------------------------

    async def test_find_tickets_returns_the_matching_tickets(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "find")
        await self._create(adapter, conformance_data, "other")
        found = await adapter.find_tickets(conformance_data.query_by_title(created["title"] or ""))
        assert [ticket["id"] for ticket in found] == [created["id"]]
        assert_ticket_dict(found[0])

    async def test_find_tickets_without_a_match_returns_an_empty_list(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        assert await adapter.find_tickets(conformance_data.query_matching_nothing) == []

    async def test_find_first_ticket_returns_one_of_the_matches(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "first")
        first = await adapter.find_first_ticket(conformance_data.query_by_title(created["title"] or ""))
        assert first is not None
        assert_ticket_dict(first)
        assert first["id"] == created["id"]

    async def test_find_first_ticket_without_a_match_returns_none(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        assert await adapter.find_first_ticket(conformance_data.query_matching_nothing) is None

    async def test_an_invalid_query_is_refused(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        with pytest.raises(RequestValidationError):
            await adapter.find_tickets(conformance_data.invalid_query)
        with pytest.raises(RequestValidationError):
            await adapter.find_first_ticket(conformance_data.invalid_query)

    # ---- update / note -------------------------------------------------------------------------

    async def test_update_ticket_changes_the_ticket_and_returns_it(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "update")
        new_title = _unique("renamed")
        updated = await adapter.update_ticket(created["id"], conformance_data.set_title(new_title))
        assert updated is not None
        assert_ticket_dict(updated)
        assert (updated["id"], updated["title"]) == (created["id"], new_title)
        fetched = await adapter.get_ticket(created["id"])
        assert fetched is not None
        assert fetched["title"] == new_title

    async def test_update_of_a_missing_ticket_returns_none(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        result = await adapter.update_ticket(conformance_data.missing_ticket_id, conformance_data.set_title("x"))
        assert result is None

    async def test_invalid_data_is_refused_and_changes_nothing(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "invalid")
        with pytest.raises(RequestValidationError):
            await adapter.update_ticket(created["id"], conformance_data.invalid_data)
        assert await adapter.get_ticket(created["id"]) == created

    async def test_add_note_adds_an_article(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "note")
        article_id = await adapter.add_note(created["id"], "a note from the automation", subject="Triage")
        assert isinstance(article_id, str)
        assert article_id
        fetched = await adapter.get_ticket(created["id"])
        assert fetched is not None
        notes = [article for article in fetched["articles"] if article["id"] == article_id]
        assert [(note["subject"], note["body"]) for note in notes] == [("Triage", "a note from the automation")]

    async def test_add_note_to_a_missing_ticket_returns_none(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        assert await adapter.add_note(conformance_data.missing_ticket_id, "nobody reads this") is None

    # ---- lifetime ------------------------------------------------------------------------------

    async def test_the_adapter_can_be_used_again_after_aclose(
        self, adapter: TicketSystemAdapter, conformance_data: ConformanceData
    ) -> None:
        created = await self._create(adapter, conformance_data, "reuse")
        await adapter.aclose()
        fetched = await adapter.get_ticket(created["id"])
        assert fetched is not None
        assert fetched["id"] == created["id"]
