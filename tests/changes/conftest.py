"""Fixtures of the changes-feed tests: the demo helpdesk on a clock the tests control, reached through
a transport that can tick the clock and act before chosen requests (to change tickets mid-feed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from otobo_znuny import BasicAuth, OTOBOZnunyClient, OTOBOZnunySyncClient
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.emulator.builder import create_ticket
from otobo_znuny.emulator.operations import ticket_core
from otobo_znuny.emulator.state import Ticket as StoredTicket
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, emulator_config

START = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


class Clock:
    """The emulator's clock: stands still unless a test (or the transport's ``tick``) moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Request:
    """One request the feed sent: the operation and its parameters (credentials left out)."""

    operation: str
    params: dict[str, Any]

    @property
    def probe(self) -> bool:
        """Asks whether a second is over (``...NewerMinutes=0``)."""
        return any(key.endswith("NewerMinutes") for key in self.params)

    @property
    def light(self) -> bool:
        """The TicketGet of the newest ticket (no articles, no dynamic fields)."""
        return self.operation == "TicketGet" and not {"DynamicFields", "AllArticles"} & set(self.params)


Hook = Callable[[Request], "httpx.Response | None"]


class FeedTransport(EmulatorTransport):
    """Forwards to the emulator; before each request it ticks the clock by ``tick`` seconds and runs
    ``hook`` (which may answer instead of the emulator). ``requests`` records what was sent."""

    def __init__(self, emulator: Emulator, clock: Clock) -> None:
        super().__init__(emulator)
        self.clock = clock
        self.tick = 0.0
        self.hook: Hook | None = None
        self.requests: list[Request] = []

    def _before(self, request: httpx.Request, body: bytes) -> httpx.Response | None:
        operation = request.url.path.rsplit("/", 1)[-1]
        params: dict[str, Any] = json.loads(body) if body else {}
        params.update({k: v[0] if len(v) == 1 else v for k, v in parse_qs(request.url.query.decode()).items()})
        for secret in ("UserLogin", "Password", "SessionID"):
            params.pop(secret, None)
        seen = Request(operation, params)
        self.requests.append(seen)
        if self.tick:
            self.clock.advance(self.tick)
        answer = self.hook(seen) if self.hook is not None else None
        if answer is not None:
            answer.request = request
        return answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._before(request, request.read()) or super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._before(request, await request.aread()) or await super().handle_async_request(request)

    def count(self, operation: str) -> int:
        return sum(1 for request in self.requests if request.operation == operation)


@dataclass
class Desk:
    """The emulator, its clock and the transport, with helpers to change tickets directly."""

    emulator: Emulator
    clock: Clock
    transport: FeedTransport
    made: list[int] = field(default_factory=list)

    @property
    def tickets(self) -> dict[int, StoredTicket]:
        return self.emulator.helpdesk.data.tickets

    def new_ticket(self, title: str, queue: str = "Raw", **values: Any) -> int:
        """A ticket created now (the clock's current second)."""
        ticket = create_ticket(self.emulator.helpdesk, title=title, queue=queue, customer_user="carla", **values)
        self.made.append(ticket.id)
        return ticket.id

    def retitle(self, ticket_id: int, title: str) -> None:
        """Change a ticket now, as an agent would (its Changed time moves to the clock's second)."""
        helpdesk = self.emulator.helpdesk
        with helpdesk.lock:
            ticket_core.set_title(helpdesk, self.tickets[ticket_id], title, 1)

    def feed_order(self, ids: Any = None) -> list[int]:
        """Ticket IDs in the feed's order: by Changed, then ID."""
        chosen = [t for t in self.tickets.values() if ids is None or t.id in ids]
        return [t.id for t in sorted(chosen, key=lambda t: (t.changed, t.id))]

    def sync_client(self, **options: Any) -> OTOBOZnunySyncClient:
        client = OTOBOZnunySyncClient(
            emulator_config(flavor=self.emulator.flavor.name), httpx.Client(transport=self.transport), **options
        )
        client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
        return client

    def async_client(self, **options: Any) -> OTOBOZnunyClient:
        client = OTOBOZnunyClient(
            emulator_config(flavor=self.emulator.flavor.name), httpx.AsyncClient(transport=self.transport), **options
        )
        client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
        return client


def make_desk(flavor: str = "znuny") -> Desk:
    clock = Clock()
    emulator = Emulator.from_seed("demo", clock=clock, flavor=flavor)
    clock.advance(5)  # the seed's tickets are in the past: every second so far is over
    return Desk(emulator, clock, FeedTransport(emulator, clock))


@pytest.fixture
def desk() -> Desk:
    return make_desk()


@pytest.fixture
def client(desk: Desk) -> Iterator[OTOBOZnunySyncClient]:
    with desk.sync_client() as sync_client:
        yield sync_client
