"""Fixtures of the events tests: a receiver served by uvicorn on loopback, the requester YAML rendered
for it, and an emulator that loads that YAML and posts its ticket events to the receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from otobo_znuny import OTOBOZnunySyncClient
from otobo_znuny.emulator import Emulator
from otobo_znuny.events import EventReceiver, RequesterSpec, TicketEvent, render_requester, run_in_thread
from otobo_znuny.testing import make_sync_client

SECRET = "events-test-secret-0123456789"
LONG_SECRET = "x" * 60  # "otobo-znuny:" + 60 > 57 bytes: OTOBO's base64 token gets a space inside
NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)


@dataclass
class Recorder:
    """A handler that keeps every event and the thread it ran in."""

    events: list[TicketEvent] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: TicketEvent) -> None:
        with self.lock:
            self.events.append(event)
            self.threads.append(threading.get_ident())

    @property
    def names(self) -> list[str]:
        return [event.name for event in self.events]


class HeaderCapture:
    """ASGI middleware in front of the receiver: keeps each request's headers and path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[tuple[str, dict[str, str]]] = []

    @property
    def path(self) -> str | None:
        return getattr(self.app, "path", None)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            self.requests.append(
                (scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else ""), headers)
            )
        await self.app(scope, receive, send)


def render_yaml(tmp_path: Path, url: str, *, name: str = "Events", secret: str = SECRET, **options: Any) -> Path:
    """The requester YAML for ``url`` as ``webservice render --events`` writes it."""
    path = tmp_path / f"{name}.yml"
    path.write_text(render_requester(RequesterSpec(url, secret, **options)), encoding="utf-8")
    return path


@dataclass
class Wired:
    """A receiver on loopback, an emulator posting to it, and a logged-in client of the emulator."""

    emulator: Emulator
    client: OTOBOZnunySyncClient
    recorder: Recorder
    receiver: EventReceiver
    url: str
    capture: HeaderCapture


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Any]:
    """``wire(flavor=..., **RequesterSpec options)`` -> :class:`Wired` (all stopped at the end)."""
    stack: list[Any] = []

    def build(flavor: str = "znuny", *, secret: str = SECRET, seed: str = "lab", **options: Any) -> Wired:
        recorder = Recorder()
        receiver = EventReceiver(secret)
        receiver.add_handler(recorder)
        capture = HeaderCapture(receiver)
        server = run_in_thread(capture)  # type: ignore[arg-type]
        handle = server.__enter__()
        stack.append(server)
        url = handle.base_url + receiver.path
        emulator = Emulator.from_seed(seed, flavor=flavor, clock=lambda: NOW)
        emulator.load_webservice(render_yaml(tmp_path, url, secret=secret, flavor=flavor, **options))
        stack.append(emulator)
        client = make_sync_client(emulator)
        stack.append(client)
        return Wired(emulator, client, recorder, receiver, url, capture)

    yield build
    for item in reversed(stack):
        if isinstance(item, (Emulator, OTOBOZnunySyncClient)):
            item.close()
        else:
            item.__exit__(None, None, None)
