"""The issue's session replayed as a person would: the installed command line in its own process,
against the emulator served over loopback HTTP (a real socket: Znuny's closed connection for an
unknown web service is a real closed connection here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator, ServerHandle, run_in_thread
from otobo_znuny.emulator.builder import create_ticket

from .conftest import PASSWORD


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    emulator = Emulator.from_seed("demo")
    for index in range(615):  # the Raw queue: more than the server's default limit of 500
        create_ticket(emulator.helpdesk, title=f"raw {index}", queue="Raw", customer_user="carla")
    with run_in_thread(emulator) as handle:
        yield handle


def otobo_znuny(server: ServerHandle, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTOBO_ZNUNY_")}
    env.update(
        OTOBO_ZNUNY_BASE_URL=server.genericinterface_url,
        OTOBO_ZNUNY_USER="api-agent",
        OTOBO_ZNUNY_PASSWORD=PASSWORD,
        OTOBO_ZNUNY_CONFIG=str(cwd / "no-config.toml"),
    )
    command = [sys.executable, "-c", "from otobo_znuny.cli import main; main()", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_export_of_615_tickets_writes_615(server: ServerHandle, tmp_path: Path) -> None:
    result = otobo_znuny(server, "ticket", "export", "--queue", "Raw", "--out", "raw.jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "raw.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len({json.loads(line)["id"] for line in lines}) == 615
    assert result.stderr == "exported 615 ticket(s) to raw.jsonl\n"


def test_a_df_typo_is_refused(server: ServerHandle, tmp_path: Path) -> None:
    result = otobo_znuny(server, "ticket", "search", "--df", "OrderIDD=P-1", cwd=tmp_path)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert result.stdout == ""
    assert "error: --df OrderIDD: no such dynamic field" in result.stderr
    assert "did you mean OrderID?" in result.stderr


def test_a_wrong_webservice_is_named_with_its_url(server: ServerHandle, tmp_path: Path) -> None:
    result = otobo_znuny(server, "ticket", "search", "--webservice", "GenericTicet", "--retries", "0", cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE
    assert f"no web service 'GenericTicet' at {server.genericinterface_url}/Webservice/GenericTicet" in result.stderr
    assert "Server disconnected" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_export_that_matched_nothing_keeps_the_earlier_file(server: ServerHandle, tmp_path: Path) -> None:
    (tmp_path / "raw.jsonl").write_text("earlier export\n", encoding="utf-8")
    result = otobo_znuny(server, "ticket", "export", "--queue", "Rwa", "--out", "raw.jsonl", cwd=tmp_path)
    assert result.returncode == ExitCode.FAILURE
    assert result.stderr.startswith("0 tickets matched; kept the existing raw.jsonl")
    assert (tmp_path / "raw.jsonl").read_text(encoding="utf-8") == "earlier export\n"


def test_a_password_in_the_base_url_is_hidden_in_logs_and_errors(server: ServerHandle, tmp_path: Path) -> None:
    url_secret = "proxy-pw-5150"
    base_url = server.genericinterface_url.replace("http://", f"http://proxyuser:{url_secret}@", 1)
    logged = otobo_znuny(
        server, "--base-url", base_url, "--debug", "ticket", "get", "1", "--fields", "id", cwd=tmp_path
    )
    assert logged.returncode == 0, logged.stderr
    assert "TicketGet POST http://proxyuser:***@" in logged.stderr
    wrong = otobo_znuny(
        server, "--base-url", base_url, "--webservice", "Nope", "--retries", "0", "ticket", "get", "1", cwd=tmp_path
    )
    assert wrong.returncode == ExitCode.USAGE
    assert "no web service 'Nope'" in wrong.stderr
    for result in (logged, wrong):
        assert url_secret not in result.stdout + result.stderr


def test_a_base_url_without_the_genericinterface_path_says_to_check_it(server: ServerHandle, tmp_path: Path) -> None:
    result = otobo_znuny(server, "--base-url", server.base_url + "/otrs", "ticket", "get", "1", cwd=tmp_path)
    assert result.returncode == ExitCode.SERVER_ERROR
    assert "HTTP 404" in result.stderr
    assert "check --base-url: everything before /Webservice/, usually ending in nph-genericinterface.pl" in (
        result.stderr
    )
