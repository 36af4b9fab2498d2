"""The sync client behaves as the async one: the same scenario through both gives the same results.

The sync client is generated from the async one (``scripts/unasync.py``; its ``--check`` runs in CI
and in ``test_generated_sync_client``), so names and signatures cannot drift; these tests check
what the generation cannot: that both shells, each with its own I/O, produce the same results.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timezone
from typing import Any

from otobo_znuny import (
    Article,
    Attachment,
    DynamicFieldFilter,
    OTOBOZnunyClient,
    OTOBOZnunyError,
    OTOBOZnunySyncClient,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_async_client, make_sync_client

ASYNC_LIFETIME = {"aclose", "__aenter__", "__aexit__"}
STREAMS = {"iter_tickets", "iter_changes", "iter_new_tickets"}
"""Methods that return an iterator (async in the async client)."""


def public_names(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


# ---- the same scenario through both clients ------------------------------------------------------

FIXED_NOW = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)
Step = tuple[str, tuple[Any, ...], dict[str, Any]]
# Methods the scenario does not call, and why.
NOT_IN_SCENARIO = {
    "login": "done while building the client",
    "logout": "local only",
    "with_options": "returns a view, no request",
    "auth_mode": "property",
    "config": "property",
    "base_url": "property",
    "webservice_name": "property",
    "operation_map": "property",
    "session_id": "property (random value)",
    "max_retries": "a setting (tests/bulk/test_options.py)",
    "retry_policy": "a setting (tests/bulk/test_options.py)",
}


def scenario() -> Generator[Step, Any, None]:
    """Calls as (method, args, kwargs); each step receives the previous call's result."""
    created = yield (
        "create_ticket",
        (
            TicketCreate(
                title="Parity check",
                queue="Support",
                customer_user="carla",
                dynamic_fields={"OrderID": "PARITY-1", "Tags": ["hardware"]},
                article=Article(
                    subject="Parity",
                    body="the same in sync and async",
                    attachments=[Attachment.from_bytes("note.txt", b"parity")],
                ),
            ),
        ),
        {},
    )
    yield ("get_ticket", (created.id,), {"attachments": True})
    yield ("get_ticket_by_number", (created.number,), {"articles": False})
    yield ("get_dynamic_field_names", (), {"refresh": True})
    yield (
        "search_tickets",
        (TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals="PARITY-1")]),),
        {},
    )
    yield ("update_ticket", (TicketUpdate(id=created.id, state="open", title="Parity check (open)"),), {})
    yield ("add_note", (created.id, "a note"), {"subject": "Note 1"})
    yield ("add_email_article", (created.id,), {"to": "carla@acme.example", "subject": "Re", "body": "hello"})
    yield ("get_ticket_history", (created.id,), {})
    yield ("get_tickets", ([1, created.id, 999_999],), {"on_error": "skip", "batch_size": 2})
    yield ("iter_tickets", (TicketSearch(queues=["Support"], sort_by="Created", order_by="Up"),), {"batch_size": 3})
    yield ("search_and_get", (TicketSearch(titles=["*printer*"]),), {"articles": False})
    # the feeds, on queues the scenario does not change (the clock stands still: a change made now
    # would never be in a second that is over)
    yield ("iter_changes", (TicketSearch(queues=["Sales"]),), {"page_size": 4, "articles": False})
    yield ("iter_new_tickets", (TicketSearch(queues=["Billing"]),), {"page_size": 2})
    yield ("search_all_ticket_ids", (TicketSearch(),), {"page_limit": 7})
    yield ("get_ticket", (999_999,), {})
    yield ("create_session", (), {})
    yield ("get_session", (), {})
    yield ("remove_session", (), {})


def comparable(name: str, result: Any) -> Any:
    if name == "create_session":
        return ("a SessionID of length", len(result))
    if name == "get_session":
        return result.user_login, result.user_type
    return result


def run_sync(client: OTOBOZnunySyncClient) -> list[tuple[str, Any]]:
    steps, previous = scenario(), None
    results: list[tuple[str, Any]] = []
    while True:
        try:
            name, args, kwargs = steps.send(previous)
        except StopIteration:
            return results
        try:
            previous = getattr(client, name)(*args, **kwargs)
            if name in STREAMS:
                previous = list(previous)
            results.append((name, comparable(name, previous)))
        except OTOBOZnunyError as error:
            results.append((name, ("raised", type(error).__name__, getattr(error, "code", None))))


async def run_async(client: OTOBOZnunyClient) -> list[tuple[str, Any]]:
    steps, previous = scenario(), None
    results: list[tuple[str, Any]] = []
    while True:
        try:
            name, args, kwargs = steps.send(previous)
        except StopIteration:
            return results
        try:
            if name in STREAMS:
                previous = [item async for item in getattr(client, name)(*args, **kwargs)]
            else:
                previous = await getattr(client, name)(*args, **kwargs)
            results.append((name, comparable(name, previous)))
        except OTOBOZnunyError as error:
            results.append((name, ("raised", type(error).__name__, getattr(error, "code", None))))


async def test_same_scenario_same_results() -> None:
    sync_emulator = Emulator.from_seed("demo", clock=lambda: FIXED_NOW)
    async_emulator = Emulator.from_seed("demo", clock=lambda: FIXED_NOW)
    with make_sync_client(sync_emulator) as sync_client:
        sync_results = run_sync(sync_client)
    async with make_async_client(async_emulator) as async_client:
        async_results = await run_async(async_client)

    assert [name for name, _ in sync_results] == [name for name, _ in async_results]
    for (name, sync_result), (_, async_result) in zip(sync_results, async_results, strict=True):
        assert sync_result == async_result, name
    # The scenario really ran: a ticket was created and read back, the missing ticket failed.
    results = dict(sync_results)
    assert results["get_ticket"] == ("raised", "AccessDeniedError", "TicketGet.AccessDenied")
    assert results["create_ticket"].dynamic_fields["OrderID"] == "PARITY-1"
    assert results["search_tickets"] == [results["create_ticket"].id]
    assert len(results["iter_changes"]) == 6
    assert len(results["iter_new_tickets"]) == 5
    assert sync_emulator.counters.by_operation == async_emulator.counters.by_operation


def test_scenario_covers_every_method() -> None:
    called = {step[0] for step in _collect_steps()}
    expected = public_names(OTOBOZnunyClient) - ASYNC_LIFETIME - set(NOT_IN_SCENARIO)
    assert expected <= called


def _collect_steps() -> list[Step]:
    class Fake:
        id = 1
        number = "2025030310000017"

    steps, previous = scenario(), None
    collected: list[Step] = []
    while True:
        try:
            step = steps.send(previous)
        except StopIteration:
            return collected
        collected.append(step)
        previous = Fake()  # stands in for the created ticket
