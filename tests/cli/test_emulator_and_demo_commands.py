"""``otobo-znuny emulator serve`` and ``otobo-znuny demo`` (also ``python -m otobo_znuny.demo``)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from otobo_znuny import emulator as emulator_package
from otobo_znuny.cli import app
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.demo import run_tour

runner = CliRunner()


def test_emulator_serve_calls_the_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: calls.append(kwargs))
    db = tmp_path / "helpdesk.sqlite"
    result = runner.invoke(
        app, ["emulator", "serve", "--host", "0.0.0.0", "--port", "9191", "--seed", "znuny_lab", "--db", str(db)]
    )
    assert result.exit_code == 0, result.stderr
    assert calls == [{"host": "0.0.0.0", "port": 9191, "seed": "znuny_lab", "db": db, "flavor": "znuny"}]
    assert "http://0.0.0.0:9191/otrs/nph-genericinterface.pl" in result.stderr


def test_emulator_serve_hint_is_runnable_as_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: None)
    result = runner.invoke(app, ["emulator", "serve"])
    hint = next(line for line in result.stderr.splitlines() if "try:" in line)
    assert f"OTOBO_ZNUNY_USER={EMULATOR_USER} " in hint
    assert f"OTOBO_ZNUNY_PASSWORD={EMULATOR_PASSWORD} " in hint


def test_emulator_serve_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: calls.append(kwargs))
    assert runner.invoke(app, ["emulator", "serve"]).exit_code == 0
    assert calls == [{"host": "127.0.0.1", "port": 8080, "seed": "demo", "db": None, "flavor": "znuny"}]


def test_emulator_serve_refuses_unknown_seeds_and_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: pytest.fail("must not start"))
    unknown = runner.invoke(app, ["emulator", "serve", "--seed", "production"])
    assert unknown.exit_code == ExitCode.INVALID_INPUT
    assert "--seed" in unknown.stderr
    assert runner.invoke(app, ["emulator", "serve", "--port", "70000"]).exit_code == ExitCode.USAGE


def test_emulator_serve_refuses_a_db_that_is_no_state_file_before_the_banner(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: pytest.fail("must not start"))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100, encoding="utf-8")
    result = runner.invoke(app, ["emulator", "serve", "--db", str(notes)])
    assert result.exit_code == ExitCode.USAGE
    assert f"--db {notes}: not an emulator state file" in result.stderr
    assert "emulator (" not in result.stderr  # no banner promising a server that never starts
    assert notes.read_text(encoding="utf-8") == "not a database\n" * 100


def test_emulator_serve_without_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_uvicorn(**kwargs: Any) -> None:
        raise ModuleNotFoundError("No module named 'uvicorn'", name="uvicorn")

    monkeypatch.setattr(emulator_package, "serve", no_uvicorn)
    result = runner.invoke(app, ["emulator", "serve"])
    assert result.exit_code == ExitCode.FAILURE
    assert "pip install 'otobo-znuny[cli]'" in result.stderr


KEY_LINES = [
    r"logged in as api-agent \(User\); auth mode: session",
    r"ticket (\d+) \(number \d+\) in Support::Hardware, state new",
    r"OrderID = ORD-2024-0815, Tags = \['hardware', 'urgent'\]",
    r"dynamic field OrderID = ORD-2024-0815: ticket IDs (\d+)",
    r"article body contains 'paper jam in tray 2': ticket IDs (\d+)",
    r"attachment printer-3\.log \(\d+ bytes, text/plain\)",
    r"state new -> open; the ticket now has 2 articles",
    r"StateUpdate\s+new / open",
    r"get_ticket\(999999\) raised AccessDeniedError",
    r"ErrorCode TicketGet\.AccessDenied",
]


def check_tour(text: str) -> None:
    for pattern in KEY_LINES:
        assert re.search(pattern, text), pattern
    created = re.search(KEY_LINES[1], text)
    by_field = re.search(KEY_LINES[3], text)
    by_body = re.search(KEY_LINES[4], text)
    assert created
    assert by_field
    assert by_body
    assert created.group(1) == by_field.group(1) == by_body.group(1), "the searches find the new ticket"
    assert 20 <= len(text.splitlines()) <= 60, "a few dozen lines"


@pytest.mark.parametrize("use_rich", [True, False])
def test_tour_output(use_rich: bool) -> None:
    out = io.StringIO()
    run_tour(out, use_rich=use_rich)
    check_tour(out.getvalue())
    assert "api-secret-1" not in out.getvalue()


def test_demo_command() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.stderr
    check_tour(result.stdout)


def test_python_m_otobo_znuny_demo() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "otobo_znuny.demo"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    check_tour(completed.stdout)
