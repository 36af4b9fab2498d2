"""Per-call overrides with ``with_options`` and the default timeouts and connection limits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    ClientConfig,
    ConfigurationError,
    NotLoggedInError,
    OTOBOZnunyClient,
    OTOBOZnunySyncClient,
    OutcomeUnknownError,
    RequestTimeoutError,
    RetryPolicy,
    TransportError,
)
from otobo_znuny.client.base import DEFAULT_MAX_CONCURRENCY
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.testing import emulator_config

from .helpers import AUTH, NO_WAIT, WatchingTransport, new_ticket, watched_async_client, watched_sync_client


@pytest.fixture
def lab() -> Emulator:
    return Emulator.from_seed("znuny_lab")


def _timeouts(transport: Any) -> list[dict[str, float | None]]:
    return [request.extensions["timeout"] for request in transport.requests]


# ---- max_retries -----------------------------------------------------------------------------------


async def test_max_retries_can_be_lowered_for_one_call(lab: Emulator) -> None:
    client, _ = watched_async_client(lab, max_retries=3, retry_policy=NO_WAIT)
    async with client:
        await client.get_ticket(1)  # the session exists before the faults start
        lab.faults.drop_connections(rate=1.0, count=1, operations={"TicketGet"})
        with pytest.raises(TransportError):
            await client.with_options(max_retries=0).get_ticket(1)
        lab.faults.drop_connections(rate=1.0, count=3, operations={"TicketGet"})
        assert (await client.get_ticket(1)).id == 1  # the client itself still retries three times
    assert lab.faults.injected["drop_before"] == 4


async def test_max_retries_can_be_raised_for_one_call(lab: Emulator) -> None:
    client, _ = watched_async_client(lab, max_retries=0, retry_policy=NO_WAIT)
    async with client:
        await client.get_ticket(1)
        lab.faults.drop_connections(rate=1.0, count=5, operations={"TicketGet"})
        assert (await client.with_options(max_retries=5).get_ticket(1)).id == 1
        lab.faults.drop_connections(rate=1.0, count=1, operations={"TicketGet"})
        with pytest.raises(TransportError):
            await client.get_ticket(1)


def test_with_options_refuses_a_negative_retry_count(lab: Emulator) -> None:
    client, _ = watched_sync_client(lab)
    with client, pytest.raises(ConfigurationError, match="max_retries"):
        client.with_options(max_retries=-1)


async def test_an_explicit_retry_policy_keeps_its_retry_count(lab: Emulator) -> None:
    client, transport = watched_async_client(lab, retry_policy=NO_WAIT.with_changes(max_retries=5))
    async with client:
        await client.get_ticket(1)
        assert client.max_retries == 5
        lab.faults.drop_connections(rate=1.0, count=5, operations={"TicketGet"})
        transport.reset()
        assert (await client.get_ticket(1)).id == 1
    assert len(transport.requests) == 6  # the first attempt and the policy's 5 retries


def test_max_retries_overrides_only_the_count_of_a_policy(lab: Emulator) -> None:
    policy = RetryPolicy(max_retries=5, initial_delay=0.0, max_delay=0.0, retry_writes=True)
    client, transport = watched_sync_client(lab, max_retries=1, retry_policy=policy)
    with client:
        client.get_ticket(1)
        assert client.retry_policy == policy.with_changes(max_retries=1)
        lab.faults.drop_connections(rate=1.0, count=2, operations={"TicketGet"})
        transport.reset()
        with pytest.raises(TransportError):
            client.get_ticket(1)
    assert len(transport.requests) == 2


def test_the_default_is_two_retries() -> None:
    client = OTOBOZnunySyncClient(emulator_config())
    with client:
        assert client.max_retries == 2
        assert client.retry_policy == RetryPolicy()


async def test_setting_max_retries_takes_effect(lab: Emulator) -> None:
    client, transport = watched_async_client(lab, max_retries=0, retry_policy=NO_WAIT)
    async with client:
        await client.get_ticket(1)
        client.max_retries = 3
        assert client.retry_policy == NO_WAIT.with_changes(max_retries=3)
        lab.faults.drop_connections(rate=1.0, count=3, operations={"TicketGet"})
        transport.reset()
        assert (await client.get_ticket(1)).id == 1
        assert len(transport.requests) == 4
        with pytest.raises(ConfigurationError, match="max_retries"):
            client.max_retries = -1
        assert client.max_retries == 3


@pytest.mark.parametrize(
    ("changes", "name"),
    [({"max_retries": -1}, "max_retries"), ({"initial_delay": -0.5}, "initial_delay"), ({"jitter": 2}, "jitter")],
)
def test_a_retry_policy_out_of_range_is_refused(changes: dict[str, Any], name: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        RetryPolicy(**changes)
    with pytest.raises(ConfigurationError, match="retry_policy must be a RetryPolicy"):
        OTOBOZnunySyncClient(emulator_config(), retry_policy={"max_retries": 3})  # type: ignore[arg-type]


async def test_with_options_takes_a_whole_retry_policy(lab: Emulator) -> None:
    client, transport = watched_async_client(lab, max_retries=0, retry_policy=NO_WAIT)
    async with client:
        await client.get_ticket(1)
        patient = client.with_options(retry_policy=NO_WAIT.with_changes(max_retries=4))
        assert (patient.max_retries, client.max_retries) == (4, 0)
        assert client.with_options(retry_policy=NO_WAIT.with_changes(max_retries=4), max_retries=1).max_retries == 1
        lab.faults.drop_connections(rate=1.0, count=4, operations={"TicketGet"})
        transport.reset()
        assert (await patient.get_ticket(1)).id == 1
    assert len(transport.requests) == 5


# ---- retry_writes ----------------------------------------------------------------------------------


async def test_retry_writes_re_sends_a_create_whose_reply_was_lost(lab: Emulator) -> None:
    client, _ = watched_async_client(lab, retry_policy=NO_WAIT)
    async with client:
        await client.get_ticket(1)
        before = len(lab.helpdesk.data.tickets)
        lab.faults.drop_connections(rate=1.0, when="after", count=1, operations={"TicketCreate"})
        with pytest.raises(OutcomeUnknownError):
            await client.create_ticket(new_ticket("lost once"))
        assert len(lab.helpdesk.data.tickets) == before + 1  # it was created, just not confirmed
        lab.faults.drop_connections(rate=1.0, when="after", count=1, operations={"TicketCreate"})
        ticket = await client.with_options(retry_writes=True).create_ticket(new_ticket("lost, re-sent"))
    assert ticket.title == "lost, re-sent"
    assert len(lab.helpdesk.data.tickets) == before + 3  # the opt-in re-send made a duplicate
    assert lab.counters.by_operation["TicketCreate"] == 3


# ---- timeout ---------------------------------------------------------------------------------------


async def test_timeout_override_reaches_the_request_and_leaves_the_client_alone(lab: Emulator) -> None:
    client, transport = watched_async_client(lab)
    async with client:
        await client.get_ticket(1)
        await client.with_options(timeout=2.5).get_ticket(1)
        await client.with_options(timeout=httpx.Timeout(9.0, connect=1.0)).get_ticket(1)
        await client.with_options(timeout=None).get_ticket(1)
        await client.get_ticket(1)
    async with httpx.AsyncClient() as plain:
        default = plain.timeout.as_dict()  # what the passed-in httpx client was built with
    assert _timeouts(transport) == [
        default,  # SessionCreate
        default,
        httpx.Timeout(2.5).as_dict(),
        httpx.Timeout(9.0, connect=1.0).as_dict(),
        httpx.Timeout(None).as_dict(),
        default,
    ]


def test_sync_timeout_override_reaches_the_request(lab: Emulator) -> None:
    client, transport = watched_sync_client(lab)
    with client:
        client.with_options(timeout=0.75).get_ticket(1)
    assert _timeouts(transport)[-1] == httpx.Timeout(0.75).as_dict()


async def test_a_short_timeout_fails_a_slow_read_over_real_http(lab: Emulator) -> None:
    lab.faults.slow(0.5, operations={"TicketGet"})
    with run_in_thread(lab) as server:
        async with OTOBOZnunyClient(ClientConfig.generic_ticket(server.genericinterface_url)) as client:
            client.login(AUTH)
            with pytest.raises(RequestTimeoutError, match="TicketGet"):
                await client.with_options(timeout=0.05, max_retries=0).get_ticket(1)


async def test_options_view_shares_the_session_and_connection(lab: Emulator) -> None:
    client, transport = watched_async_client(lab)
    async with client:
        quick = client.with_options(max_retries=0, timeout=3.0)
        await quick.get_ticket(1)
        await client.get_ticket(1)
        assert quick.session_id == client.session_id is not None
        assert quick.max_retries == 0
        assert client.max_retries == 2
    assert lab.counters.by_operation["SessionCreate"] == 1
    assert len(transport.requests) == 3


# ---- views share the one login -----------------------------------------------------------------------


def _unlogged_clients(lab: Emulator) -> tuple[OTOBOZnunyClient, OTOBOZnunySyncClient]:
    config = emulator_config()
    return (
        OTOBOZnunyClient(config, httpx.AsyncClient(transport=EmulatorTransport(lab))),
        OTOBOZnunySyncClient(config, httpx.Client(transport=EmulatorTransport(lab))),
    )


async def test_a_view_made_before_login_sees_the_login_and_the_logout(lab: Emulator) -> None:
    client, sync_client = _unlogged_clients(lab)
    async with client:
        view = client.with_options(timeout=5.0)
        client.login(AUTH)
        assert (await view.get_ticket(1)).id == 1
        assert view.session_id == client.session_id is not None
        client.logout()
        with pytest.raises(NotLoggedInError):
            await view.get_ticket(1)
        view.login(AUTH, use_session=False)  # a view's login is the client's too
        assert client.auth_mode == "password"
        assert (await client.get_ticket(1)).id == 1
    with sync_client:
        view_of_sync = sync_client.with_options(max_retries=0)
        sync_client.login(AUTH)
        assert view_of_sync.get_ticket(1).id == 1
        sync_client.logout()
        with pytest.raises(NotLoggedInError):
            view_of_sync.get_ticket(1)


async def test_a_session_renewed_by_a_view_serves_the_client(lab: Emulator) -> None:
    transport = WatchingTransport(lab)
    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=transport))
    async with client:
        view = client.with_options(max_retries=0)  # made before the login
        client.login(AUTH)
        await client.get_ticket(1)
        first = client.session_id
        lab.expire_sessions()
        await view.get_ticket(1)  # refused, renewed once, retried
        assert client.session_id == view.session_id != first
        transport.reset()
        await client.get_ticket(1)
        assert [body["SessionID"] for body in transport.sent("TicketGet")] == [view.session_id]
    assert lab.counters.by_operation["SessionCreate"] == 2


def test_a_session_renewed_by_the_sync_client_serves_its_views(lab: Emulator) -> None:
    transport = WatchingTransport(lab)
    client = OTOBOZnunySyncClient(emulator_config(), httpx.Client(transport=transport))
    with client:
        view = client.with_options(timeout=5.0)
        client.login(AUTH)
        view.get_ticket(1)
        lab.expire_sessions()
        client.get_ticket(1)
        transport.reset()
        view.get_ticket(1)
        assert [body["SessionID"] for body in transport.sent("TicketGet")] == [client.session_id]
    assert lab.counters.by_operation["SessionCreate"] == 2


# ---- defaults --------------------------------------------------------------------------------------


def test_defaults_suit_a_helpdesk_server() -> None:
    assert DEFAULT_TIMEOUT.connect is not None
    assert DEFAULT_TIMEOUT.read is not None
    assert DEFAULT_TIMEOUT.connect < DEFAULT_TIMEOUT.read  # fail fast when the server is unreachable
    assert DEFAULT_LIMITS.max_connections is not None
    assert DEFAULT_LIMITS.max_connections >= DEFAULT_MAX_CONCURRENCY  # bulk reads never queue for the pool


@pytest.mark.parametrize("client_class", [OTOBOZnunyClient, OTOBOZnunySyncClient])
def test_a_client_without_an_httpx_client_uses_the_defaults(
    monkeypatch: pytest.MonkeyPatch, client_class: type[OTOBOZnunyClient | OTOBOZnunySyncClient]
) -> None:
    name = "AsyncClient" if client_class is OTOBOZnunyClient else "Client"
    real = getattr(httpx, name)
    made: list[tuple[Any, dict[str, Any]]] = []

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            made.append((self, kwargs))

    monkeypatch.setattr(httpx, name, Recording)
    clients = [
        client_class(emulator_config()),
        client_class(emulator_config(), timeout=7.0, limits=httpx.Limits(max_connections=3)),
    ]
    for client in clients:
        if isinstance(client, OTOBOZnunyClient):
            asyncio.run(client.aclose())
        else:
            client.close()
    assert made[0][1]["timeout"] == DEFAULT_TIMEOUT
    assert made[0][1]["limits"] == DEFAULT_LIMITS
    assert made[0][0].timeout == DEFAULT_TIMEOUT
    assert made[1][1]["timeout"] == 7.0
    assert made[1][1]["limits"] == httpx.Limits(max_connections=3)
    assert all(http.is_closed for http, _ in made)  # the clients own them
