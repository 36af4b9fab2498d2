"""Test helpers: clients wired to the embedded emulator, for your own tests.

    from otobo_znuny.testing import emulated_async_client

    async def test_triage():
        async with emulated_async_client(seed="demo") as (client, emulator):
            ticket_ids = await client.search_tickets(TicketSearch(queues=["Support"]))
            ...

The pytest plugin (``otobo_znuny.emulator.pytest_plugin``, loaded automatically) offers the same
as fixtures: ``otobo_emulator``, ``otobo_config``, ``otobo_client``, ``otobo_sync_client``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Literal

import httpx

from otobo_znuny.auth import BasicAuth
from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.client.sync_client import OTOBOZnunySyncClient
from otobo_znuny.config import ClientConfig, ServerFlavor
from otobo_znuny.emulator import Emulator, EmulatorTransport, get_flavor

__all__ = [
    "EMULATOR_BASE_URL",
    "EMULATOR_PASSWORD",
    "EMULATOR_USER",
    "emulated_async_client",
    "emulated_sync_client",
    "emulator_config",
    "make_async_client",
    "make_sync_client",
]

EMULATOR_BASE_URL = "http://emulator/otrs/nph-genericinterface.pl"
"""Base URL for the in-process emulator of the Znuny flavour (any host works; no socket is opened).
The OTOBO flavour answers only below ``/otobo/``: ``http://emulator/otobo/nph-genericinterface.pl``."""
EMULATOR_USER = "api-agent"
EMULATOR_PASSWORD = "api-secret-1"

Layout = Literal["generic_ticket", "rest_connector"]


def emulator_config(
    layout: Layout = "generic_ticket",
    base_url: str | None = None,
    *,
    flavor: str | ServerFlavor = "znuny",
    **options: Any,
) -> ClientConfig:
    """A ``ClientConfig`` for one of the emulator's built-in web services, for an emulator of ``flavor``
    (``base_url`` defaults to ``http://emulator`` plus the flavour's ``/otrs/`` or ``/otobo/`` path).
    ``options`` are further ``ClientConfig`` fields (e.g. ``idempotency_key_field="ClientRequestID"``).

    Raises:
        ValueError: an unknown flavor, or an option ``ClientConfig`` refuses.
    """
    server = ServerFlavor(getattr(flavor, "value", flavor))
    url = base_url if base_url is not None else "http://emulator" + get_flavor(server.value).default_script
    if layout == "rest_connector":
        return ClientConfig.rest_connector(url, flavor=server, **options)
    return ClientConfig.generic_ticket(url, flavor=server, **options)


def make_async_client(
    emulator: Emulator,
    *,
    layout: Layout = "generic_ticket",
    login: bool = True,
    user: str = EMULATOR_USER,
    password: str = EMULATOR_PASSWORD,
    use_session: bool | None = None,
    config: ClientConfig | None = None,
    **client_options: Any,
) -> OTOBOZnunyClient:
    """An async client talking to ``emulator`` in-process (configured for its flavour, or with
    ``config``, e.g. ``emulator_config(idempotency_key_field=...)``), logged in as ``user`` unless
    ``login=False``."""
    http = httpx.AsyncClient(transport=EmulatorTransport(emulator))
    config = config or emulator_config(layout, flavor=emulator.flavor.name)
    client = OTOBOZnunyClient(config, http, **client_options)
    if login:
        client.login(BasicAuth(user_login=user, password=password), use_session=use_session)
    return client


def make_sync_client(
    emulator: Emulator,
    *,
    layout: Layout = "generic_ticket",
    login: bool = True,
    user: str = EMULATOR_USER,
    password: str = EMULATOR_PASSWORD,
    use_session: bool | None = None,
    config: ClientConfig | None = None,
    **client_options: Any,
) -> OTOBOZnunySyncClient:
    """A sync client talking to ``emulator`` in-process (configured for its flavour, or with
    ``config``), logged in as ``user`` unless ``login=False``."""
    http = httpx.Client(transport=EmulatorTransport(emulator))
    config = config or emulator_config(layout, flavor=emulator.flavor.name)
    client = OTOBOZnunySyncClient(config, http, **client_options)
    if login:
        client.login(BasicAuth(user_login=user, password=password), use_session=use_session)
    return client


@asynccontextmanager
async def emulated_async_client(
    seed: str = "demo", *, layout: Layout = "generic_ticket", flavor: str = "znuny"
) -> AsyncIterator[tuple[OTOBOZnunyClient, Emulator]]:
    """A fresh emulator of ``flavor`` and a logged-in async client; the client is closed on exit."""
    emulator = Emulator.from_seed(seed, flavor=flavor)
    async with make_async_client(emulator, layout=layout) as client:
        yield client, emulator


@contextmanager
def emulated_sync_client(
    seed: str = "demo", *, layout: Layout = "generic_ticket", flavor: str = "znuny"
) -> Iterator[tuple[OTOBOZnunySyncClient, Emulator]]:
    """A fresh emulator of ``flavor`` and a logged-in sync client; the client is closed on exit."""
    emulator = Emulator.from_seed(seed, flavor=flavor)
    with make_sync_client(emulator, layout=layout) as client:
        yield client, emulator
