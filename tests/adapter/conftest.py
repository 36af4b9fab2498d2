"""Fixtures of the adapter tests: the password in the environment, SystemConfigs for the emulator,
and adapters wired to an in-process emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from otobo_znuny.adapter import OTOBOAdapter, SystemConfig
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER

PASSWORD_ENV = "OTOBO_ZNUNY_ADAPTER_TEST_PASSWORD"


def adapter_params(**overrides: Any) -> dict[str, Any]:
    """``SystemConfig.params`` for the emulator's GenericTicket web service (password from the env)."""
    return {
        "server_address": EMULATOR_BASE_URL,
        "username": EMULATOR_USER,
        "password_env_var": PASSWORD_ENV,
        **overrides,
    }


def system_config(**overrides: Any) -> SystemConfig:
    return SystemConfig(id="helpdesk", provider_key="znuny", params=adapter_params(**overrides))


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to another transport and keeps them, for assertions on what was sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def bodies(self, operation: str) -> list[dict[str, Any]]:
        """The JSON bodies sent to the GenericTicket route of ``operation``."""
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(f"/{operation}")]


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, EMULATOR_PASSWORD)
    return PASSWORD_ENV


@pytest.fixture
def recorder(otobo_emulator: Emulator) -> RecordingTransport:
    return RecordingTransport(EmulatorTransport(otobo_emulator))


@pytest.fixture
async def adapter(password_env: str, recorder: RecordingTransport) -> AsyncIterator[OTOBOAdapter]:
    """An OTOBOAdapter on the demo emulator (GenericTicket layout), every request recorded."""
    async with OTOBOAdapter(system_config(), transport=recorder) as adapter:
        yield adapter
