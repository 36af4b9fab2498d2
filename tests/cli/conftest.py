"""Fixtures of the command-line tests: every invocation talks to one shared in-process emulator.

The CLI is pointed at the emulator the documented way (``OTOBO_ZNUNY_EMULATOR_SEED``), and
``settings.load_emulator`` is replaced so that all invocations of a test - and the library client
used to check their output - see the same emulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from hostile.test_tls import self_signed_server  # noqa: F401 - an HTTPS server fixture for the CLI tests
from otobo_znuny import OTOBOZnunySyncClient
from otobo_znuny.cli import app
from otobo_znuny.cli import settings as cli_settings
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_sync_client

FIXED_NOW = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)
"""The emulator's clock: ages and "now"-relative filters give the same answer to CLI and library."""
PASSWORD = "api-secret-1"


@dataclass
class Cli:
    """Runs ``otobo-znuny`` in-process with a clean environment (no real profile file is read)."""

    runner: CliRunner
    env: dict[str, str | None]

    def __call__(self, *args: str, input: str | None = None, env: Mapping[str, str | None] | None = None) -> Result:
        return self.runner.invoke(app, list(args), input=input, env={**self.env, **(env or {})})

    def json(self, *args: str, **kwargs: Any) -> Any:
        """Run, require success, and parse stdout as JSON."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return json.loads(result.stdout)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    shared = Emulator.from_seed("demo", clock=lambda: FIXED_NOW)
    monkeypatch.setattr(cli_settings, "load_emulator", lambda seed, flavor="znuny": shared)
    return shared


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str | None]:
    env: dict[str, str | None] = dict.fromkeys(cli_settings.ENV_NAMES.values())
    env[cli_settings.PROFILE_ENV] = None
    env[cli_settings.CONFIG_ENV] = str(tmp_path / "no-such-config.toml")
    env[cli_settings.EMULATOR_SEED_ENV] = None
    return env


@pytest.fixture
def cli(emulator: Emulator, clean_env: dict[str, str | None]) -> Cli:
    """The CLI against the shared demo emulator (user and password default to the emulator's)."""
    return Cli(CliRunner(), {**clean_env, cli_settings.EMULATOR_SEED_ENV: "demo"})


@pytest.fixture
def library(emulator: Emulator) -> Iterator[OTOBOZnunySyncClient]:
    """The library's own client on the same emulator, to compare the CLI's output with."""
    with make_sync_client(emulator) as client:
        yield client
