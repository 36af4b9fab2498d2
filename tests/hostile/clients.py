"""Building sync and async clients the same way, so every hostile test runs against both shells."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal

import httpx

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunyClient, OTOBOZnunySyncClient

__all__ = ["KINDS", "Kind", "call", "close", "mock_client"]

Kind = Literal["sync", "async"]
KINDS: tuple[Kind, ...] = ("sync", "async")
BASE_URL = "http://helpdesk.invalid/otrs/nph-genericinterface.pl"
Client = OTOBOZnunyClient | OTOBOZnunySyncClient


def mock_client(
    kind: Kind,
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    config: ClientConfig | None = None,
    password: str = "hunter2-secret",
    use_session: bool = False,
    **options: Any,
) -> Client:
    """A logged-in client of ``kind`` whose requests go to ``handler`` (an ``httpx.MockTransport``)."""
    config = config or ClientConfig.generic_ticket(BASE_URL)
    transport = httpx.MockTransport(handler)
    client: Client
    if kind == "sync":
        client = OTOBOZnunySyncClient(config, httpx.Client(transport=transport), **options)
    else:
        client = OTOBOZnunyClient(config, httpx.AsyncClient(transport=transport), **options)
    client.login(BasicAuth(user_login="agent", password=password), use_session=use_session)
    return client


async def call(client: Client, method: str, *args: Any, **kwargs: Any) -> Any:
    """``client.method(*args, **kwargs)``, awaited when the client is async."""
    result = getattr(client, method)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def close(client: Client) -> None:
    """Close either kind of client."""
    if isinstance(client, OTOBOZnunyClient):
        await client.aclose()
    else:
        client.close()
