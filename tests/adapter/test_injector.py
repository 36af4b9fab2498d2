"""Dependency injection: an ``injector`` container builds the adapter from a bound SystemConfig;
the adapter package itself does not need ``injector``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from injector import Binder, Injector, Module, inject, provider, singleton

from adapter.conftest import system_config
from otobo_znuny.adapter import OTOBOAdapter, SystemConfig, TicketSystemAdapter
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_PASSWORD

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "adapter_with_injector.py"


class EmulatedHelpdeskModule(Module):
    """Binds the system configuration and an emulator; the provider builds the adapter on them."""

    def __init__(self, config: SystemConfig, emulator: Emulator) -> None:
        self._config = config
        self._emulator = emulator

    def configure(self, binder: Binder) -> None:
        binder.bind(SystemConfig, to=self._config)
        binder.bind(Emulator, to=self._emulator)

    @singleton
    @provider
    def adapter(self, config: SystemConfig, emulator: Emulator) -> TicketSystemAdapter:
        return OTOBOAdapter(config, transport=EmulatorTransport(emulator))


class CloseByTitle:
    """An automation that only knows the abstract adapter."""

    @inject
    def __init__(self, adapter: TicketSystemAdapter) -> None:
        self.adapter = adapter

    async def close(self, title: str) -> str | None:
        ticket = await self.adapter.find_first_ticket({"Title": title})
        if ticket is None:
            return None
        updated = await self.adapter.update_ticket(ticket["id"], {"State": "closed successful"})
        return None if updated is None else updated["state_type"]


async def test_the_container_builds_the_adapter_from_the_bound_system_config(
    password_env: str, otobo_emulator: Emulator
) -> None:
    config = system_config()
    container = Injector([EmulatedHelpdeskModule(config, otobo_emulator)])
    adapter = container.get(TicketSystemAdapter)  # type: ignore[type-abstract]
    assert isinstance(adapter, OTOBOAdapter)
    assert adapter.config is config
    assert adapter.settings.username == config.params["username"]
    automation = container.get(CloseByTitle)
    assert automation.adapter is adapter  # one adapter (and session) per container
    async with adapter:
        assert await automation.close("Cannot log in to the VPN") == "closed"
        assert await automation.close("no such ticket") is None
    assert otobo_emulator.counters.by_operation["SessionCreate"] == 1


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("adapter_with_injector", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_against_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HELPDESK_URL", raising=False)
    example = load_example()
    monkeypatch.setenv(example.PASSWORD_ENV, EMULATOR_PASSWORD)
    example.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 ticket(s) triaged"
    assert all("4 high" in line for line in lines[:-1])


def test_the_adapter_package_imports_without_injector() -> None:
    code = (
        "import sys\n"
        "sys.modules['injector'] = None  # any 'import injector' now raises ImportError\n"
        "import otobo_znuny.adapter as adapter\n"
        "assert adapter.OTOBOAdapter and adapter.create_adapter\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
