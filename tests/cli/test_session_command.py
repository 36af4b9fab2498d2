"""``otobo-znuny session create``: only the SessionID on stdout, usable by later invocations."""

from __future__ import annotations

import re

from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator

from .conftest import Cli


def test_session_create_prints_only_the_session_id(cli: Cli, emulator: Emulator) -> None:
    result = cli("session", "create")
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r"[A-Za-z0-9]{16,}\n", result.stdout)
    assert result.stderr == ""
    assert emulator.counters.by_operation["SessionCreate"] == 1


def test_the_session_id_works_as_flag_and_environment_variable(cli: Cli, emulator: Emulator) -> None:
    session_id = cli("session", "create").stdout.strip()
    emulator.counters.reset()
    by_flag = cli.json("--session-id", session_id, "ticket", "get", "1", "--no-articles")
    by_env = cli.json("ticket", "get", "1", "--no-articles", env={"OTOBO_ZNUNY_SESSION_ID": session_id})
    assert by_flag == by_env
    assert emulator.counters.by_auth["session"] == 2
    assert emulator.counters.by_auth["password"] == 0


def test_commands_send_the_password_instead_of_leaving_sessions_behind(cli: Cli, emulator: Emulator) -> None:
    cli.json("ticket", "search", "--limit", "1")
    assert emulator.counters.by_operation.get("SessionCreate", 0) == 0
    assert emulator.counters.by_auth["password"] == 1


def test_a_session_cannot_create_a_session(cli: Cli) -> None:
    session_id = cli("session", "create").stdout.strip()
    result = cli("--session-id", session_id, "session", "create")
    assert result.exit_code == ExitCode.AUTHENTICATION
    assert session_id not in result.stderr


def test_an_expired_session_is_an_authentication_error(cli: Cli, emulator: Emulator) -> None:
    session_id = cli("session", "create").stdout.strip()
    emulator.expire_sessions()
    result = cli("--session-id", session_id, "ticket", "get", "1")
    assert result.exit_code == ExitCode.AUTHENTICATION
    assert session_id not in result.stderr
