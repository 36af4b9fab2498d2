"""The sync client mirrors the async one: same methods, same signatures, same results.

Both clients are hand-written shells over shared pure code (the pattern anthropic's SDK guards
with ``test_make_status_error_sync_async_parity``); these tests catch any drift between them.
"""

from __future__ import annotations

import collections.abc
import inspect
from collections.abc import Callable, Generator
from datetime import datetime, timezone
from typing import Any, get_args, get_origin

import httpx
import pytest

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
SYNC_LIFETIME = {"close", "__enter__", "__exit__"}

# How an async annotation reads in the sync client.
SYNC_EQUIVALENT: dict[Any, Any] = {
    httpx.AsyncClient: httpx.Client,
    collections.abc.AsyncIterator: collections.abc.Iterator,
}

# async kind -> the kind the sync method must have
SYNC_KIND = {"coroutine": "function", "async generator": "generator", "function": "function", "property": "property"}


def public_names(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def member_kind(cls: type, name: str) -> str:
    member = inspect.getattr_static(cls, name)
    if isinstance(member, property):
        return "property"
    if inspect.iscoroutinefunction(member):
        return "coroutine"
    if inspect.isasyncgenfunction(member):
        return "async generator"
    if inspect.isgeneratorfunction(member):
        return "generator"
    return "function"


def annotations_match(async_type: Any, sync_type: Any) -> bool:
    """Equal, or equal after replacing async types by their sync counterparts (recursively)."""
    if async_type == sync_type:
        return True
    try:
        if SYNC_EQUIVALENT.get(async_type) is sync_type:
            return True
    except TypeError:  # unhashable annotation
        pass
    async_origin, sync_origin = get_origin(async_type), get_origin(sync_type)
    if async_origin is None or sync_origin is None:
        return False
    if async_origin != sync_origin and SYNC_EQUIVALENT.get(async_origin) is not sync_origin:
        return False
    async_args, sync_args = get_args(async_type), get_args(sync_type)
    return len(async_args) == len(sync_args) and all(map(annotations_match, async_args, sync_args))


def signature_differences(async_func: Callable[..., Any], sync_func: Callable[..., Any]) -> list[str]:
    """Every way the two signatures differ (empty when they correspond)."""
    async_sig = inspect.signature(async_func, eval_str=True)
    sync_sig = inspect.signature(sync_func, eval_str=True)
    problems = []
    async_params, sync_params = list(async_sig.parameters.values()), list(sync_sig.parameters.values())
    if [p.name for p in async_params] != [p.name for p in sync_params]:
        problems.append(f"parameters {[p.name for p in async_params]} != {[p.name for p in sync_params]}")
    for a, s in zip(async_params, sync_params, strict=False):  # length mismatch is reported above
        if a.kind != s.kind:
            problems.append(f"{a.name}: kind {a.kind} != {s.kind}")
        if a.default != s.default:
            problems.append(f"{a.name}: default {a.default!r} != {s.default!r}")
        if not annotations_match(a.annotation, s.annotation):
            problems.append(f"{a.name}: annotation {a.annotation} != {s.annotation}")
    if not annotations_match(async_sig.return_annotation, sync_sig.return_annotation):
        problems.append(f"return {async_sig.return_annotation} != {sync_sig.return_annotation}")
    return problems


def test_both_clients_have_the_same_public_methods() -> None:
    async_names = public_names(OTOBOZnunyClient) - ASYNC_LIFETIME
    sync_names = public_names(OTOBOZnunySyncClient) - SYNC_LIFETIME
    assert async_names == sync_names
    assert {"create_ticket", "get_tickets", "iter_tickets", "search_and_get", "remove_session"} <= async_names


def test_lifetime_pairs_exist() -> None:
    for name in ASYNC_LIFETIME:
        assert member_kind(OTOBOZnunyClient, name) == "coroutine", name
    for name in SYNC_LIFETIME:
        assert member_kind(OTOBOZnunySyncClient, name) == "function", name


@pytest.mark.parametrize("name", sorted(public_names(OTOBOZnunyClient) - ASYNC_LIFETIME))
def test_method_kinds_correspond(name: str) -> None:
    assert member_kind(OTOBOZnunySyncClient, name) == SYNC_KIND[member_kind(OTOBOZnunyClient, name)]


@pytest.mark.parametrize("name", sorted((public_names(OTOBOZnunyClient) - ASYNC_LIFETIME) | {"__init__"}))
def test_signatures_correspond(name: str) -> None:
    async_member = inspect.getattr_static(OTOBOZnunyClient, name)
    sync_member = inspect.getattr_static(OTOBOZnunySyncClient, name)
    if isinstance(async_member, property):
        async_member, sync_member = async_member.fget, sync_member.fget
    assert signature_differences(async_member, sync_member) == []


def test_signature_check_notices_drift() -> None:
    async def fetch(self: Any, ticket_id: int, *, limit: int = 5) -> collections.abc.AsyncIterator[int]:
        raise NotImplementedError

    def renamed(self: Any, ticket: int, *, limit: int = 5) -> collections.abc.Iterator[int]:
        raise NotImplementedError

    def other_default(self: Any, ticket_id: int, *, limit: int = 6) -> collections.abc.Iterator[int]:
        raise NotImplementedError

    def other_return(self: Any, ticket_id: int, *, limit: int = 5) -> list[int]:
        raise NotImplementedError

    def same(self: Any, ticket_id: int, *, limit: int = 5) -> collections.abc.Iterator[int]:
        raise NotImplementedError

    assert signature_differences(fetch, same) == []
    assert signature_differences(fetch, renamed)
    assert signature_differences(fetch, other_default)
    assert signature_differences(fetch, other_return)


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
            if name == "iter_tickets":
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
            if name == "iter_tickets":
                previous = [ticket async for ticket in client.iter_tickets(*args, **kwargs)]
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
    assert sync_emulator.counters.by_operation == async_emulator.counters.by_operation


def test_scenario_covers_every_method() -> None:
    called = {step[0] for step in _collect_steps()}
    expected = public_names(OTOBOZnunyClient) - ASYNC_LIFETIME - set(NOT_IN_SCENARIO)
    assert expected <= called


def _collect_steps() -> list[Step]:
    class Fake:
        id = 1

    steps, previous = scenario(), None
    collected: list[Step] = []
    while True:
        try:
            step = steps.send(previous)
        except StopIteration:
            return collected
        collected.append(step)
        previous = Fake()  # stands in for the created ticket
