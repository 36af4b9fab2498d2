"""pytest plugin of otobo-znuny, registered through the ``pytest11`` entry point.

Fixtures (each test gets a fresh emulator):

* ``otobo_emulator`` - an ``Emulator`` with the ``demo`` seed answering like Znuny (choose others with
  ``@pytest.mark.otobo_emulator(seed="lab", flavor="otobo")``);
* ``otobo_config`` - a ``ClientConfig`` for it (``GenericTicket`` layout, the emulator's flavour);
* ``otobo_client`` - an ``OTOBOZnunyClient`` logged in as ``api-agent`` (use it in async tests);
* ``otobo_sync_client`` - the same as an ``OTOBOZnunySyncClient``.

The client fixtures are plain fixtures, so no async plugin is required to use them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from otobo_znuny.client.async_client import OTOBOZnunyClient
    from otobo_znuny.client.sync_client import OTOBOZnunySyncClient
    from otobo_znuny.config import ClientConfig
    from otobo_znuny.emulator.core import Emulator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "otobo_emulator(seed='demo', flavor='znuny'): seed data and server flavour of the otobo_emulator fixture",
    )


@pytest.fixture
def otobo_emulator(request: pytest.FixtureRequest) -> Emulator:
    """A fresh in-memory GenericInterface emulator."""
    from otobo_znuny.emulator.core import Emulator

    marker = request.node.get_closest_marker("otobo_emulator")
    seed = str(marker.kwargs.get("seed", "demo")) if marker else "demo"
    flavor = str(marker.kwargs.get("flavor", "znuny")) if marker else "znuny"
    return Emulator.from_seed(seed, flavor=flavor)


@pytest.fixture
def otobo_config(otobo_emulator: Emulator) -> ClientConfig:
    """The ClientConfig of the emulator's ``GenericTicket`` web service (for its flavour)."""
    from otobo_znuny.testing import emulator_config

    return emulator_config(flavor=otobo_emulator.flavor.name)


@pytest.fixture
def otobo_client(otobo_emulator: Emulator) -> Iterator[OTOBOZnunyClient]:
    """An async client logged in to ``otobo_emulator`` (in-process transport, no sockets)."""
    from otobo_znuny.testing import make_async_client

    client = make_async_client(otobo_emulator)
    yield client
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(client.aclose())


@pytest.fixture
def otobo_sync_client(otobo_emulator: Emulator) -> Iterator[OTOBOZnunySyncClient]:
    """A sync client logged in to ``otobo_emulator``."""
    from otobo_znuny.testing import make_sync_client

    with make_sync_client(otobo_emulator) as client:
        yield client
