"""Fixtures of the emulator test suite (httpx only; the otobo_znuny client is not used here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import Emulator, EmulatorTransport

GT = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"
REST = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicketConnectorREST"
AGENT = {"UserLogin": "api-agent", "Password": "api-secret-1"}


class FakeClock:
    """A settable UTC clock for session expiry and time-filter tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def lab(clock: FakeClock) -> Emulator:
    return Emulator.from_seed("znuny_lab", clock=clock)


@pytest.fixture
def demo(clock: FakeClock) -> Emulator:
    return Emulator.from_seed("demo", clock=clock)


@pytest.fixture
def gt(lab: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=EmulatorTransport(lab), base_url=GT) as client:
        yield client


@pytest.fixture
def rest(lab: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=EmulatorTransport(lab), base_url=REST) as client:
        yield client


def call(client: httpx.Client, operation: str, **params: Any) -> Any:
    """POST an operation of the GenericTicket layout and return the decoded JSON reply."""
    reply = client.post(f"/{operation}", json=params)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json; charset=UTF-8"
    return reply.json()


def error_code(reply: Any) -> str | None:
    return reply.get("Error", {}).get("ErrorCode") if isinstance(reply, dict) else None


def new_ticket(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    """Create a ticket as api-agent in queue Raw; returns the reply."""
    body: dict[str, Any] = {
        **AGENT,
        "Ticket": {
            "Title": "test ticket",
            "Queue": "Raw",
            "State": "new",
            "Priority": "3 normal",
            "CustomerUser": "customer-1",
        },
        "Article": {
            "CommunicationChannel": "Email",
            "SenderType": "customer",
            "Subject": "subject",
            "Body": "body text",
            "ContentType": "text/plain; charset=utf8",
        },
    }
    for key, value in overrides.items():
        if key in ("Ticket", "Article") and isinstance(value, dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    reply: dict[str, Any] = call(client, "TicketCreate", **body)
    return reply
