"""``otobo-znuny webservice render|setup``: YAML that the client and the emulator both read back, and
console commands printed (password masked) and executed through a given prefix."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunySyncClient, TicketOperation, TicketSearch
from otobo_znuny.cli import app
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.cli.webservice import ConsoleCommand, parse_groups
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER

runner = CliRunner()


@pytest.mark.parametrize(
    ("layout", "preset"), [("post", ClientConfig.generic_ticket), ("rest", ClientConfig.rest_connector)]
)
def test_render_round_trips_through_from_webservice_yaml(layout: str, preset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["webservice", "render", "--name", "HelpdeskAPI", "--layout", layout])
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "HelpdeskAPI.yml"
    path.write_text(result.stdout, encoding="utf-8")
    config = ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, path)
    assert config.webservice_name == "HelpdeskAPI"
    assert config.operation_url_map == preset(EMULATOR_BASE_URL).operation_url_map
    document = yaml.safe_load(result.stdout)
    assert document["Debugger"]["DebugThreshold"] == "error", "debug level would log passwords"
    assert document["Provider"]["Transport"]["Type"] == "HTTP::REST"


def test_rendered_webservice_serves_the_client(tmp_path: Path) -> None:
    path = tmp_path / "Tickets.yml"
    result = runner.invoke(
        app,
        ["webservice", "render", "--name", "Tickets", "--layout", "rest", "--operations",
         "TicketSearch,TicketGet,SessionCreate", "--out", str(path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    emulator = Emulator.from_seed("demo")
    emulator.load_webservice(path)
    config = ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, path)
    assert set(config.operation_url_map) == {
        TicketOperation.SEARCH,
        TicketOperation.GET,
        TicketOperation.SESSION_CREATE,
    }
    with OTOBOZnunySyncClient(config, httpx.Client(transport=EmulatorTransport(emulator))) as client:
        client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
        ids = client.search_tickets(TicketSearch(queues=["Sales"]))
        assert ids
        assert client.get_ticket(ids[0]).id == ids[0]
    assert emulator.counters.by_operation["TicketSearch"] == 1


def test_render_refuses_unknown_or_unrouted_operations() -> None:
    unknown = runner.invoke(app, ["webservice", "render", "--name", "X", "--operations", "TicketGet,TicketDelete"])
    assert unknown.exit_code == ExitCode.INVALID_INPUT
    assert "TicketDelete" in unknown.stderr
    unrouted = runner.invoke(
        app, ["webservice", "render", "--name", "X", "--layout", "rest", "--operations", "SessionRemove"]
    )
    assert unrouted.exit_code == ExitCode.INVALID_INPUT
    assert "rest layout has no route for SessionRemove" in unrouted.stderr
    bad_name = runner.invoke(app, ["webservice", "render", "--name", "a/b"])
    assert bad_name.exit_code == ExitCode.INVALID_INPUT


def test_setup_dry_run_prints_the_commands_with_the_password_masked() -> None:
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", "docker exec -i otobo-web-1 bin/otobo.Console.pl", "--name", "API",
         "--agent", "api-bot", "--agent-password", "Bot-Secret-9", "--groups", "users:rw,support:ro", "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Bot-Secret-9" not in result.stdout + result.stderr
    commands = [shlex.split(line) for line in _script_commands(result.stdout)]
    assert commands[0][-1] == "<<OTOBO_ZNUNY_YAML"  # the YAML follows as a here-document
    commands[0] = commands[0][:-1]
    prefix = ["docker", "exec", "-i", "otobo-web-1", "bin/otobo.Console.pl"]
    assert commands[0] == [*prefix, "Admin::WebService::Add", "--name", "API", "--source-path", "/dev/stdin"]
    assert commands[1][:6] == [*prefix, "Admin::User::Add"]
    assert commands[1][commands[1].index("--password") + 1] == "********"
    assert commands[1][commands[1].index("--user-name") + 1] == "api-bot"
    assert commands[2][5:] == [
        "Admin::Group::UserLink",
        "--user-name",
        "api-bot",
        "--group-name",
        "users",
        "--permission",
        "rw",
    ]
    assert commands[3][5:] == [
        "Admin::Group::UserLink",
        "--user-name",
        "api-bot",
        "--group-name",
        "support",
        "--permission",
        "ro",
    ]
    assert len(commands) == 4


def _script_commands(script: str) -> list[str]:
    """The command lines of a --dry-run script (comments and here-document bodies left out)."""
    commands, in_document = [], None
    for line in script.splitlines():
        if in_document is not None:
            in_document = None if line == in_document else in_document
            continue
        if line and not line.startswith("#"):
            commands.append(line)
            if "<<'" in line:
                in_document = line.rsplit("<<'", 1)[1].rstrip("'")
    return commands


FAKE_CONSOLE = """
import json, sys
log, fail_on = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
with open(log, "a", encoding="utf-8") as file:
    file.write(json.dumps(args) + "\\n")
if args[0] == "Admin::WebService::Add":
    source = args[args.index("--source-path") + 1]
    with open(log + ".yaml", "w", encoding="utf-8") as file:
        file.write(open(source, encoding="utf-8").read())
sys.exit(3 if args[0] == fail_on else 0)
"""


def fake_console(tmp_path: Path, fail_on: str = "none") -> tuple[str, Path]:
    script = tmp_path / "console.py"
    script.write_text(FAKE_CONSOLE, encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    return shlex.join([sys.executable, str(script), str(log), fail_on]), log


def test_setup_runs_the_commands_through_the_prefix(tmp_path: Path) -> None:
    console, log = fake_console(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--agent", "api-bot",
         "--agent-password", "Bot-Secret-9", "--groups", "users:rw"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [call[0] for call in calls] == ["Admin::WebService::Add", "Admin::User::Add", "Admin::Group::UserLink"]
    assert calls[1][calls[1].index("--password") + 1] == "Bot-Secret-9", "the real password reaches the console"
    assert "Bot-Secret-9" not in result.stdout + result.stderr
    assert result.stdout.count("$ ") == 3
    installed = tmp_path / "calls.jsonl.yaml"
    installed_path = tmp_path / "API.yml"
    installed_path.write_text(installed.read_text(encoding="utf-8"), encoding="utf-8")
    assert ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, installed_path).operation_url_map == (
        ClientConfig.generic_ticket(EMULATOR_BASE_URL).operation_url_map
    )
    assert calls[0][calls[0].index("--source-path") + 1] == "/dev/stdin"  # no file on this host
    assert "< (the web-service YAML)" in result.stdout.splitlines()[0]


def test_setup_stops_at_the_first_failure(tmp_path: Path) -> None:
    console, log = fake_console(tmp_path, fail_on="Admin::User::Add")
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--agent", "api-bot",
         "--agent-password", "Bot-Secret-9"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILURE
    assert "command 2 of 3 (Admin::User::Add) failed with exit status 3" in result.stderr
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    assert "Bot-Secret-9" not in result.stdout + result.stderr


def test_setup_with_a_console_that_does_not_exist(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", str(tmp_path / "no-console.pl"), "--name", "API", "--yaml-file",
         str(tmp_path / "API.yml")],
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILURE
    assert "cannot run" in result.stderr
    assert (tmp_path / "API.yml").exists(), "an explicit --yaml-file is kept"


def test_setup_needs_the_agent_password_when_not_interactive(tmp_path: Path) -> None:
    console, log = fake_console(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--name", "API", "--agent", "api-bot"],
        env={"OTOBO_ZNUNY_AGENT_PASSWORD": None},
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--agent-password" in result.stderr
    assert not log.exists(), "nothing ran"
    groups_without_agent = runner.invoke(
        app, ["webservice", "setup", "--console", console, "--name", "API", "--groups", "users:rw"]
    )
    assert groups_without_agent.exit_code == ExitCode.INVALID_INPUT


def test_group_parsing() -> None:
    assert parse_groups("users:rw, support:ro") == [("users", "rw"), ("support", "ro")]
    with pytest.raises(RequestValidationError, match="permission must be one of"):
        parse_groups("users:write")
    with pytest.raises(RequestValidationError, match="appears twice"):
        parse_groups("users:ro,users:rw")
    with pytest.raises(RequestValidationError, match="GROUP:PERMISSION"):
        parse_groups("users")


def test_console_command_masks_only_the_secret() -> None:
    command = ConsoleCommand(
        ("console.pl", "Admin::User::Add", "--password", "s3cret pw", "--user-name", "bob"), "s3cret pw"
    )
    assert command.shown() == "console.pl Admin::User::Add --password '********' --user-name bob"
    assert "s3cret" not in repr(command)
