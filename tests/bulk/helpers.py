"""Helpers of the bulk tests: a transport that watches the requests, retry settings that never sleep."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import httpx

from otobo_znuny import Article, BasicAuth, OTOBOZnunyClient, OTOBOZnunySyncClient, RetryPolicy, TicketCreate
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, emulator_config

NO_WAIT = RetryPolicy(initial_delay=0, max_delay=0, jitter=0)
"""Retries without waiting, so fault tests never sleep."""

AUTH = BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)


class WatchingTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Forwards requests to an emulator and records them, and the most requests ever in flight at once.

    ``hold`` seconds are awaited before forwarding, so concurrent tasks get to start their requests.
    """

    def __init__(self, emulator: Emulator, *, hold: float = 0.0) -> None:
        self.inner = EmulatorTransport(emulator)
        self.hold = hold
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()  # the sync client sends from a thread pool

    def reset(self) -> None:
        self.requests.clear()
        self.max_in_flight = 0

    def _started(self, request: httpx.Request) -> None:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._started(request)
        try:
            await asyncio.sleep(self.hold)
            return await self.inner.handle_async_request(request)
        finally:
            self._finished()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._started(request)
        try:
            time.sleep(self.hold)
            return self.inner.handle_request(request)
        finally:
            self._finished()

    def sent(self, operation: str) -> list[dict[str, Any]]:
        """The JSON bodies of the requests to ``operation`` (the GenericTicket layout: POST /<operation>)."""
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith("/" + operation)]


def watched_async_client(
    emulator: Emulator, *, hold: float = 0.0, **options: Any
) -> tuple[OTOBOZnunyClient, WatchingTransport]:
    """An async client logged in to ``emulator`` through a ``WatchingTransport``."""
    transport = WatchingTransport(emulator, hold=hold)
    client = OTOBOZnunyClient(emulator_config(), httpx.AsyncClient(transport=transport), **options)
    client.login(AUTH)
    return client, transport


def watched_sync_client(emulator: Emulator, **options: Any) -> tuple[OTOBOZnunySyncClient, WatchingTransport]:
    """A sync client logged in to ``emulator`` through a ``WatchingTransport``."""
    transport = WatchingTransport(emulator)
    client = OTOBOZnunySyncClient(emulator_config(), httpx.Client(transport=transport), **options)
    client.login(AUTH)
    return client, transport


def new_ticket(title: str = "bulk test", customer_user: str = "customer-1") -> TicketCreate:
    """A ticket the ``znuny_lab`` seed accepts (the ``demo`` seed needs ``customer_user="carla"``)."""
    return TicketCreate(title=title, queue="Raw", customer_user=customer_user, article=Article(subject="s", body="b"))
