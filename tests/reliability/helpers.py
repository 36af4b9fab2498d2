"""Helpers of the reliability tests: an emulator with the key field, keyed configurations, and a
transport that makes a lost request land late."""

from __future__ import annotations

import json
from typing import Any

import httpx

from otobo_znuny import Article, BasicAuth, ClientConfig, OTOBOZnunyClient, RetryPolicy, TicketCreate
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, emulator_config

KEY_FIELD = "ClientRequestID"
KEY_FIELD_DOCUMENT = {
    "DynamicFields": {
        KEY_FIELD: {"Name": KEY_FIELD, "Label": "Client request ID", "FieldType": "Text", "ObjectType": "Ticket"}
    }
}
NO_WAIT = RetryPolicy(initial_delay=0, max_delay=0, jitter=0)
AUTH = BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD)


def keyed_emulator(seed: str = "lab", *, flavor: str = "znuny") -> Emulator:
    """The seed plus the key field, created as ``Admin::DynamicField::Import`` would."""
    emulator = Emulator.from_seed(seed, flavor=flavor)
    assert emulator.import_dynamic_fields(KEY_FIELD_DOCUMENT) == [KEY_FIELD]
    return emulator


def keyed_config(*, flavor: str = "znuny", **options: Any) -> ClientConfig:
    return emulator_config(flavor=flavor, idempotency_key_field=KEY_FIELD, **options)


def ticket(title: str, customer_user: str = "customer-1") -> TicketCreate:
    return TicketCreate(title=title, queue="Raw", customer_user=customer_user, article=Article(subject="s", body="b"))


def keys_on_server(emulator: Emulator) -> list[str]:
    """The key of every ticket that has one."""
    tickets = emulator.helpdesk.data.tickets.values()
    return [t.dynamic_fields[KEY_FIELD] for t in tickets if KEY_FIELD in t.dynamic_fields]


class Recorder(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Forwards to the emulator and keeps the operation name and JSON body of every request, in order.

    ``land_late``: the first request to that operation is not forwarded (the client sees a dropped
    connection); it reaches the emulator only after the next request to the same operation was
    processed, as a request a slow server was still working on would.
    """

    def __init__(self, emulator: Emulator, *, land_late: str | None = None) -> None:
        self.inner = EmulatorTransport(emulator)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._land_late = land_late
        self._held: httpx.Request | None = None

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.sent]

    def bodies(self, operation: str) -> list[dict[str, Any]]:
        return [body for name, body in self.sent if name == operation]

    def _record(self, request: httpx.Request) -> str:
        operation = request.url.path.rsplit("/", 1)[-1]
        self.sent.append((operation, json.loads(request.content) if request.content else {}))
        return operation

    def _hold(self, request: httpx.Request, operation: str) -> bool:
        if operation == self._land_late and self._held is None:
            self._held = request
            return True
        return False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        operation = self._record(request)
        if self._hold(request, operation):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        response = self.inner.handle_request(request)
        if operation == self._land_late and self._held is not None and self._held is not request:
            self.inner.handle_request(self._held)
            self._land_late = None
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        operation = self._record(request)
        if self._hold(request, operation):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        response = await self.inner.handle_async_request(request)
        if operation == self._land_late and self._held is not None and self._held is not request:
            await self.inner.handle_async_request(self._held)
            self._land_late = None
        return response


def recorded_client(
    emulator: Emulator, config: ClientConfig | None = None, *, land_late: str | None = None, **options: Any
) -> tuple[OTOBOZnunyClient, Recorder]:
    """An async client logged in to ``emulator`` through a ``Recorder``."""
    transport = Recorder(emulator, land_late=land_late)
    options.setdefault("retry_policy", NO_WAIT)
    client = OTOBOZnunyClient(config or keyed_config(), httpx.AsyncClient(transport=transport), **options)
    client.login(AUTH)
    return client, transport
