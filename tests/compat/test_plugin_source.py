"""Open Ticket AI's OTOBO/Znuny plugin, from its unmodified source (written for otobo-znuny 1.4), runs on
this package against the emulator over real HTTP, on the web service published for it (PUT-only updates).

See ``plugin_env`` for what is loaded verbatim and which framework pieces are stood in for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from otobo_znuny.emulator import ServerHandle, run_in_thread
from otobo_znuny.errors import AccessDeniedError, OTOBOError, RequestValidationError
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

from .helpers import history_length, open_ticket_ai_emulator
from .plugin_env import SHA256, InjectableConfig, StdLoggerFactory, digest, plugin_modules


@pytest.fixture
def server() -> Iterator[ServerHandle]:
    with run_in_thread(open_ticket_ai_emulator()) as handle:
        yield handle


@pytest.fixture
def service(server: ServerHandle) -> Iterator[Any]:
    """The plugin's ``OTOBOZnunyTicketSystemService``, built as the framework builds it from a config."""
    with plugin_modules() as module:
        params = {
            "base_url": server.genericinterface_url,
            "username": EMULATOR_USER,
            "password": EMULATOR_PASSWORD,
        }
        built = module.OTOBOZnunyTicketSystemService(
            config=InjectableConfig(id="otobo_znuny", params=params), logger_factory=StdLoggerFactory()
        )
        yield built


def test_the_vendored_files_are_the_upstream_ones() -> None:
    assert {relative: digest(relative) for relative in SHA256} == SHA256


async def test_find_get_update_queue_update_priority_add_note(service: Any, server: ServerHandle) -> None:
    try:
        found = await service.find_tickets(queue={"name": "Support"}, limit=5)
        assert 0 < len(found) <= 5
        assert all(ticket.queue.name == "Support" for ticket in found)
        first = await service.find_first_ticket(queue={"name": "Support"}, limit=5)
        assert first == found[0]

        ticket_id = first.id
        before = await service.get_ticket(ticket_id)
        assert before == first
        changes = history_length(server.emulator, int(ticket_id))

        assert await service.update_ticket(ticket_id, queue={"name": "Misc"}) is True
        moved = await service.get_ticket(ticket_id)
        assert moved.queue.name == "Misc"
        assert (moved.subject, moved.priority, moved.notes) == (before.subject, before.priority, before.notes)

        assert await service.update_ticket(ticket_id, priority={"id": "4", "name": "4 high"}) is True
        raised = await service.get_ticket(ticket_id)
        assert (raised.priority.id, raised.priority.name) == ("4", "4 high")
        assert (raised.subject, raised.queue, raised.notes) == (moved.subject, moved.queue, moved.notes)

        assert await service.add_note(ticket_id, subject="AI triage", body="Routed to Misc.") is True
        noted = await service.get_ticket(ticket_id)
        assert [(n.subject, n.body) for n in noted.notes[-1:]] == [("AI triage", "Routed to Misc.")]
        assert noted.notes[:-1] == raised.notes
        assert (noted.subject, noted.queue, noted.priority) == (raised.subject, raised.queue, raised.priority)

        assert server.emulator.counters.by_operation["ticket-update"] == 3  # one per change, via PUT
        assert history_length(server.emulator, int(ticket_id)) > changes
    finally:
        await service.client.aclose()


async def test_errors_reach_the_plugin_as_it_expects(service: Any) -> None:
    try:
        with pytest.raises(OTOBOError) as missing:  # the plugin's tests expect OTOBOError from the client
            await service.get_ticket("999999")
        assert isinstance(missing.value, AccessDeniedError)
        # no CustomerUser: both servers refuse it (1.4: OTOBOError from the server); refused before sending here
        with pytest.raises(RequestValidationError) as refused:
            await service.create_ticket(subject="System Error", body="Database down", queue={"name": "Support"})
        assert refused.value.field == "customer_user"
        assert isinstance(refused.value, ValueError)
    finally:
        await service.client.aclose()
