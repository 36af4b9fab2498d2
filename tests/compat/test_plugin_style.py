"""Code in the style of Open Ticket AI's OTOBO/Znuny plugin (written for otobo-znuny 1.4), against the
emulator over real HTTP, on the web service the original library publishes for it (PUT-only updates).

The plugin builds ``ClientConfig`` from ``{TicketOperation(key): path}``, lets ``OTOBOZnunyClient``
make its own httpx client, logs ``BasicAuth.model_dump(with_secrets=True)``, and sends partial updates
as ``TicketUpdate(id=..., title=..., queue=... or None, priority=... or None, article=... or None)``.
``test_plugin_source.py`` runs the plugin's own source; this module is the same usage written out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from otobo_znuny.clients.otobo_client import OTOBOZnunyClient
from otobo_znuny.domain_models.basic_auth_model import BasicAuth
from otobo_znuny.domain_models.otobo_client_config import ClientConfig
from otobo_znuny.domain_models.ticket_models import Article, IdName, Ticket, TicketCreate, TicketSearch, TicketUpdate
from otobo_znuny.domain_models.ticket_operation import TicketOperation
from otobo_znuny.emulator import Emulator, ServerHandle, run_in_thread
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

from .helpers import PLUGIN_OPERATION_URLS, history_length, open_ticket_ai_emulator


@pytest.fixture
def server() -> Iterator[ServerHandle]:
    with run_in_thread(open_ticket_ai_emulator()) as handle:
        yield handle


def plugin_client(base_url: str, operation_urls: dict[str, str] = PLUGIN_OPERATION_URLS) -> OTOBOZnunyClient:
    """What ``OTOBOZnunyTicketSystemService._recreate_client`` does with its params."""
    config = ClientConfig(
        base_url=base_url,
        webservice_name="OpenTicketAI",
        operation_url_map={TicketOperation(key): value for key, value in operation_urls.items()},
    )
    client = OTOBOZnunyClient(config=config)
    auth = BasicAuth(user_login=EMULATOR_USER, password=SecretStr(str(EMULATOR_PASSWORD)))
    auth_info = auth.model_dump(with_secrets=True)
    assert auth_info["password"] == EMULATOR_PASSWORD
    client.login(auth)
    return client


def entity(ref: IdName | None) -> dict[str, Any] | None:
    """The plugin's ``_to_unified_entity``: IDs become strings."""
    return None if ref is None else {"id": str(ref.id), "name": ref.name}


def to_id_name(unified: dict[str, Any]) -> IdName:
    """The plugin's ``unified_entity_to_id_name``: a string ID (or None) and a name."""
    return IdName(id=unified.get("id"), name=unified.get("name"))


def partial_update(
    ticket_id: str,
    *,
    subject: str | None = None,
    queue: Any = None,
    priority: Any = None,
    note: dict[str, str] | None = None,
) -> TicketUpdate:
    """The plugin's ``update_ticket``: everything it was not given is None."""
    update = TicketUpdate(
        id=int(ticket_id),
        title=subject,
        queue=to_id_name(queue) if queue else None,
        priority=to_id_name(priority) if priority else None,
        article=Article(subject=note["subject"], body=note["body"]) if note else None,
    )
    assert update.model_dump(exclude_none=True)["id"] == int(ticket_id)  # the plugin logs this dump
    return update


def unified(ticket: Ticket) -> dict[str, Any]:
    """The plugin's ``otobo_ticket_to_unified_ticket``."""
    return {
        "id": str(ticket.id) if ticket.id is not None else "",
        "subject": ticket.title or "",
        "queue": entity(ticket.queue),
        "priority": entity(ticket.priority),
        "notes": [{"subject": a.subject, "body": a.body or ""} for a in ticket.articles or []],
        "body": ticket.articles[0].body if ticket.articles else "",
    }


async def test_find_get_update_queue_update_priority_add_note(server: ServerHandle) -> None:
    emulator: Emulator = server.emulator
    client = plugin_client(server.genericinterface_url)
    try:
        # find: the queue comes as a unified entity, its ID a string
        support = {"id": None, "name": "Support"}
        search = TicketSearch(queues=[to_id_name(support)] if support else None, limit=10)
        assert search.model_dump()["limit"] == 10  # the plugin logs this dump
        found = [unified(t) for t in await client.search_and_get(search)]
        assert found
        assert all(t["queue"]["name"] == "Support" for t in found)
        first = found[0]
        again = await client.search_and_get(TicketSearch(queues=[to_id_name(first["queue"])], limit=10))
        assert [unified(t)["id"] for t in again] == [t["id"] for t in found]

        # get
        ticket_id = first["id"]
        before = unified(await client.get_ticket(int(ticket_id)))
        assert before == first
        changes = history_length(emulator, int(ticket_id))

        # update only the queue
        await client.update_ticket(partial_update(ticket_id, queue={"id": None, "name": "Misc"}))
        moved = unified(await client.get_ticket(int(ticket_id)))
        assert moved["queue"]["name"] == "Misc"
        assert {k: moved[k] for k in ("subject", "priority", "notes")} == {
            k: before[k] for k in ("subject", "priority", "notes")
        }

        # update only the priority (ID as a string, name as the plugin passes it along)
        await client.update_ticket(partial_update(ticket_id, priority={"id": "4", "name": "4 high"}))
        raised = unified(await client.get_ticket(int(ticket_id)))
        assert raised["priority"] == {"id": "4", "name": "4 high"}
        assert {k: raised[k] for k in ("subject", "queue", "notes")} == {
            k: moved[k] for k in ("subject", "queue", "notes")
        }

        # add a note (the plugin's add_note is an update with only an article)
        await client.update_ticket(partial_update(ticket_id, note={"subject": "AI triage", "body": "Routed to Misc."}))
        noted = unified(await client.get_ticket(int(ticket_id)))
        assert noted["notes"] == [*raised["notes"], {"subject": "AI triage", "body": "Routed to Misc."}]
        assert {k: noted[k] for k in ("subject", "queue", "priority")} == {
            k: raised[k] for k in ("subject", "queue", "priority")
        }

        # each change ran exactly once on the server, through the PUT-only route
        assert emulator.counters.by_operation["ticket-update"] == 3
        assert history_length(emulator, int(ticket_id)) > changes
    finally:
        await client.aclose()


async def test_the_plugin_create_lacks_a_customer_user_and_is_refused_before_sending(server: ServerHandle) -> None:
    """The plugin's create_ticket sends no CustomerUser, which both servers require: 1.4 let the server
    refuse it (``OTOBOError``); here it is refused before sending."""
    client = plugin_client(server.genericinterface_url, {**PLUGIN_OPERATION_URLS, "TicketCreate": "ticket-create"})
    try:
        payload = TicketCreate(
            title="System Error",
            queue=to_id_name({"id": None, "name": "Support"}),
            priority=to_id_name({"id": "3", "name": "3 normal"}),
            article=Article(subject="System Error", body=""),
        )
        with pytest.raises(RequestValidationError) as caught:
            await client.create_ticket(payload)
        assert caught.value.field == "article.body"
        with pytest.raises(RequestValidationError) as caught:
            await client.create_ticket(
                payload.model_copy(update={"article": Article(subject="s", body="Database down")})
            )
        assert caught.value.field == "customer_user"
        assert server.emulator.counters.total == 0
    finally:
        await client.aclose()
