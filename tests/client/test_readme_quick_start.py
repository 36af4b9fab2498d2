"""The README's quick start runs as printed, against the emulator instead of helpdesk.example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from otobo_znuny.client import async_client
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_PASSWORD

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_quick_start_runs_against_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = Emulator.from_seed("znuny_lab")
    real_client = httpx.AsyncClient

    def emulated_client(**options: Any) -> httpx.AsyncClient:  # the client's default httpx client, served locally
        return real_client(transport=EmulatorTransport(emulator))

    monkeypatch.setattr(async_client.httpx, "AsyncClient", emulated_client)
    code = python_blocks()[0].replace('password="..."', f'password="{EMULATOR_PASSWORD}"')
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})  # our own README, run as printed

    created = [t for t in emulator.helpdesk.data.tickets.values() if t.title == "Printer on fire"]
    assert len(created) == 1
    ticket = created[0]
    assert emulator.helpdesk.data.states[ticket.state_id].name == "closed successful"
    bodies = [a.body for a in emulator.helpdesk.data.articles.values() if a.ticket_id == ticket.id]
    assert bodies[-1] == "Extinguished."
