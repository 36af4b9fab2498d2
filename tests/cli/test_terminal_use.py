"""The command line for people at a terminal: the issue's list, one test (or a few) per point."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from otobo_znuny import Attachment, OTOBOZnunySyncClient
from otobo_znuny.cli import app
from otobo_znuny.cli.config_keys import OTHER_ENV, SETTINGS
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator, run_in_thread
from otobo_znuny.emulator.builder import ArticleSpec, create_ticket

from .conftest import PASSWORD, Cli

# ---- ordinary mistakes: clear message, documented exit code -----------------------------------------


def test_out_into_a_missing_directory_is_a_usage_error(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    result = cli("ticket", "export", "--out", str(tmp_path / "no-such-dir" / "raw.jsonl"))
    assert result.exit_code == ExitCode.USAGE
    assert "--out" in result.stderr
    assert "does not exist (create it first)" in result.stderr
    assert "bug" not in result.stderr
    assert emulator.counters.total == 0


def test_emulator_db_in_a_missing_directory_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("emulator", "serve", "--db", str(tmp_path / "missing" / "state.sqlite3"))
    assert result.exit_code == ExitCode.USAGE
    assert "--db" in result.stderr
    assert "does not exist" in result.stderr


def test_a_busy_port_is_a_usage_error_before_the_banner(cli: Cli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("emulator", "serve", "--port", str(port))
    assert result.exit_code == ExitCode.USAGE
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "emulator (seed" not in result.stderr  # no banner promising a server that never started
    assert "authentication" not in result.stderr.lower()


def test_help_documents_every_exit_code() -> None:
    import re

    text = _help()
    for code in ExitCode:
        assert re.search(rf"^ +{int(code)}  \S", text, re.MULTILINE), code


# ---- messages in the command line's words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ticket", "update", "3", "--state", "pending reminder"], "needs --pending-in/--pending-until"),
        (["ticket", "search", "--order", "up"], "error: --order needs --sort"),
        (["ticket", "search", "--state-type", "Open"], "error: --state-type 'Open': "),
        (["--layout", "rest", "ticket", "search", "--df", "OrderID=x"], "use --layout post"),
        (["--session-id", "s" * 32, "session", "create"], "give --user and a password"),
    ],
)
def test_messages_name_flags_not_python(cli: Cli, args: list[str], expected: str) -> None:
    result = cli(*args)
    assert result.exit_code != 0
    assert expected in result.stderr
    for python in ("pending_time", "order_by", "sort_by", "state_types", "login(", "ClientConfig", "(model)"):
        assert python not in result.stderr


# ---- configuration reference -------------------------------------------------------------------------------


def _help(*args: str) -> str:
    from typer.testing import CliRunner

    result = Cli(CliRunner(), {"COLUMNS": "120"})(*args, "--help")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_help_is_a_configuration_reference() -> None:
    text = _help()
    for setting in SETTINGS:
        assert setting.env in text
        if setting.in_profile:
            assert f"  {setting.key} (" in text
    for name, _ in OTHER_ENV:
        assert name in text
    assert "default_profile" in text
    assert "[profiles.prod]" in text
    assert "OTOBO_ZNUNY_CONFIG" in text


# ---- TLS ---------------------------------------------------------------------------------------------------


def test_ca_bundle_must_exist_and_excludes_insecure(cli: Cli, tmp_path: Path) -> None:
    missing = cli("--ca-bundle", str(tmp_path / "nope.pem"), "ticket", "get", "1")
    assert missing.exit_code == ExitCode.USAGE
    assert "--ca-bundle: the CA bundle" in missing.stderr
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here\n")
    both = cli("--ca-bundle", str(bundle), "--insecure", "ticket", "get", "1")
    assert both.exit_code == ExitCode.USAGE
    assert "give --ca-bundle (verify with that CA) or --insecure, not both" in both.stderr


def test_a_self_signed_server_works_with_its_ca_bundle(
    clean_env: dict[str, str | None], self_signed_server: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from hostile.test_tls import SELF_SIGNED_CERT

    bundle = tmp_path / "ca.pem"
    bundle.write_text(SELF_SIGNED_CERT)
    cli = Cli(CliRunner(), {**clean_env, "OTOBO_ZNUNY_PASSWORD": "secret-1"})
    args = [
        "--base-url",
        self_signed_server,
        "--user",
        "agent",
        "--retries",
        "0",
        "ticket",
        "get",
        "1",
        "--no-articles",
    ]
    refused = cli(*args)
    assert refused.exit_code == ExitCode.TRANSPORT_ERROR
    assert "give --ca-bundle FILE with the CA that signed it" in refused.stderr
    trusted = cli(*args, "--ca-bundle", str(bundle))
    assert trusted.exit_code == 0, trusted.stderr
    assert json.loads(trusted.stdout)[0]["id"] == 1


# ---- tickets by number ---------------------------------------------------------------------------------


def test_get_by_number(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    wanted = library.get_ticket(9)
    printed = cli.json("ticket", "get", "--number", wanted.number, "2", "--no-articles")
    assert [ticket["id"] for ticket in printed] == [2, 9]
    missing = cli("ticket", "get", "--number", "1999")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "no ticket with number '1999'" in missing.stderr
    nothing = cli("ticket", "get")
    assert nothing.exit_code == ExitCode.INVALID_INPUT
    assert "--number" in nothing.stderr


def test_a_ticket_number_given_as_an_id_gets_a_hint(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    number = library.get_ticket(4).number
    result = cli("ticket", "get", number)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert f"hint: {number} looks like a ticket number: ticket get --number {number}" in result.stderr


# ---- attachments ---------------------------------------------------------------------------------------


@pytest.fixture
def with_files(emulator: Emulator) -> int:
    """A ticket whose articles carry a report, a hostile file name and the same name twice."""
    spec = ArticleSpec(
        "files",
        "see attached",
        sender_type="customer",
        attachments=[
            ("report.txt", b"quarterly numbers\n", "text/plain"),
            ("../../etc/evil.sh", b"#!/bin/sh\n", "text/x-sh"),
            ("report.txt", b"second report\n", "text/plain"),
        ],
    )
    ticket = create_ticket(
        emulator.helpdesk, title="with files", queue="Support", customer_user="carla", articles=[spec]
    )
    return ticket.id


def test_attachments_are_listed(cli: Cli, with_files: int) -> None:
    listed = cli.json("ticket", "attachments", str(with_files))
    assert [(row["filename"], row["size"]) for row in listed] == [
        ("report.txt", 18),
        ("../../etc/evil.sh", 10),
        ("report.txt", 14),
    ]
    assert {row["content_type"] for row in listed} == {"text/plain", "text/x-sh"}


def test_attachments_are_saved_inside_the_directory(cli: Cli, with_files: int, tmp_path: Path) -> None:
    result = cli("ticket", "attachments", str(with_files), "--save", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["evil.sh", "report (2).txt", "report.txt"]
    assert (tmp_path / "report.txt").read_bytes() == b"quarterly numbers\n"
    assert (tmp_path / "report (2).txt").read_bytes() == b"second report\n"
    assert not (tmp_path.parent / "etc").exists()
    assert result.stderr.count("saved ") == 3
    again = cli("ticket", "attachments", str(with_files), "--save", str(tmp_path))
    assert again.exit_code == ExitCode.INVALID_INPUT
    assert "exists; give --force" in again.stderr
    assert cli("ticket", "attachments", str(with_files), "--save", str(tmp_path), "--force").exit_code == 0


def test_create_and_note_show_what_was_attached(cli: Cli, tmp_path: Path) -> None:
    upload = tmp_path / "log.txt"
    upload.write_bytes(b"disk full\n")
    created = cli(
        "ticket", "create", "--title", "Disk", "--queue", "Support", "--customer-user", "carla",
        "--body", "see log", "--attach", str(upload),
    )  # fmt: skip
    assert created.exit_code == 0, created.stderr
    assert "attached: log.txt (10 bytes, text/plain)" in created.stderr
    ticket_id = json.loads(created.stdout)["id"]
    noted = cli("ticket", "note", str(ticket_id), "--body", "more", "--attach", str(upload))
    assert noted.exit_code == 0, noted.stderr
    assert "attached: log.txt (10 bytes, text/plain)" in noted.stderr


# ---- readable articles ------------------------------------------------------------------------------


def test_the_table_view_shows_the_articles(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    ticket = library.get_ticket(1, attachments=True)
    result = cli("ticket", "get", "1", "--output", "table")
    assert result.exit_code == 0
    text = result.stdout
    assert f"Ticket {ticket.number} (ID 1)" in text
    for index, article in enumerate(ticket.articles, start=1):
        assert f"Article {index}/{len(ticket.articles)}" in text
        assert f"Subject: {article.subject}" in text
        assert article.body is not None
        assert article.body.splitlines()[0] in text
    assert "[attachment] screenshot.png" not in text  # attachments only when asked for
    with_files = cli("ticket", "get", "1", "--attachments", "--output", "table")
    assert "[attachment] screenshot.png (72 bytes, image/png)" in with_files.stdout
    assert "Article 1/" not in cli("ticket", "get", "1", "--no-articles", "--output", "table").stdout


# ---- logs on stderr, secrets hidden ------------------------------------------------------------------------


def test_debug_logs_every_request_without_secrets(cli: Cli) -> None:
    result = cli("--password", PASSWORD, "ticket", "get", "2", "--debug")
    assert result.exit_code == 0, result.stderr
    assert "TicketGet POST http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket/TicketGet" in (
        result.stderr
    )
    assert "-> HTTP 200" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    json.loads(result.stdout)  # logs never mix into the output


def test_verbose_shows_retries_and_hides_the_session(cli: Cli, emulator: Emulator) -> None:
    session_id = cli("session", "create").stdout.strip()
    emulator.faults.drop_connections(rate=1.0, when="before", count=1, operations={"TicketGet"})
    result = cli("ticket", "get", "2", "--session-id", session_id, "-v")
    assert result.exit_code == 0, result.stderr
    assert "TicketGet: ConnectError; retry 1" in result.stderr
    assert session_id not in result.stderr
    quiet = cli("ticket", "get", "2")
    assert quiet.stderr == ""


def test_the_scrubbing_filter_hides_secrets_in_any_log_line() -> None:
    import logging

    from otobo_znuny.cli.logs import ScrubSecrets

    record = logging.LogRecord("otobo_znuny", logging.INFO, __file__, 1, "login %s with %s", ("agent", PASSWORD), None)
    assert ScrubSecrets([PASSWORD]).filter(record)
    assert record.getMessage() == "login agent with ***"


# ---- shell completion ------------------------------------------------------------------------------------


def test_completion_scripts_are_offered() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0
    assert "_OTOBO_ZNUNY_COMPLETE" in result.stdout


def test_completion_completes_commands_and_options() -> None:
    script = "from otobo_znuny.cli import main; main()"
    env = {**os.environ, "_OTOBO_ZNUNY_COMPLETE": "complete_bash", "COMP_WORDS": "otobo-znuny tic", "COMP_CWORD": "1"}
    commands = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert commands.stdout.split() == ["ticket"]
    env.update(COMP_WORDS="otobo-znuny ticket search --sta", COMP_CWORD="3")
    options = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert set(options.stdout.split()) == {"--state", "--state-type"}


# ---- connection options after the command --------------------------------------------------------------


def test_connection_options_after_the_command(cli: Cli) -> None:
    after = cli("ticket", "search", "--webservice", "NoSuchService", "--retries", "0")
    assert after.exit_code == ExitCode.USAGE
    assert "no web service 'NoSuchService'" in after.stderr
    wins = cli("--webservice", "NoSuchService", "ticket", "get", "1", "--webservice", "GenericTicket")
    assert wins.exit_code == 0, wins.stderr  # the value after the command wins
    refused = cli("ticket", "get", "1", "--user", "api-agent", "--password", "Wr0ng-Secret")
    assert refused.exit_code == ExitCode.AUTHENTICATION
    assert "Wr0ng-Secret" not in refused.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["ticket", "search", "--queue", "Support", "--webservice", "X", "--debug"],
            ["--webservice", "X", "--debug", "ticket", "search", "--queue", "Support"],
        ),
        (
            ["--user", "a", "ticket", "get", "1", "--user=b", "-v"],
            ["--user", "a", "--user=b", "-v", "ticket", "get", "1"],
        ),
        # a value of the command's own option stays, even when it looks like a connection option
        (
            ["ticket", "create", "--title", "--debug", "--queue", "Raw"],
            ["ticket", "create", "--title", "--debug", "--queue", "Raw"],
        ),
        # --customer-user is the command's criterion, --customer-login the login
        (
            ["ticket", "search", "--customer-user", "carla", "--customer-login", "c1"],
            ["--customer-login", "c1", "ticket", "search", "--customer-user", "carla"],
        ),
        (["ticket", "get", "1", "--", "--debug"], ["ticket", "get", "1", "--", "--debug"]),
        # other groups keep their own meaning of the same names (webservice setup --layout)
        (
            ["webservice", "render", "--name", "X", "--layout", "rest"],
            ["webservice", "render", "--name", "X", "--layout", "rest"],
        ),
    ],
)
def test_connection_options_are_moved_in_front_of_the_command(args: list[str], expected: list[str]) -> None:
    from otobo_znuny.cli.connection_options import hoist_connection_options

    assert hoist_connection_options(typer.main.get_command(app), args) == expected


# ---- webservice setup through docker exec -i -------------------------------------------------------------

FAKE_DOCKER = """#!{python}
# docker exec [-i] CONTAINER COMMAND...: runs COMMAND here; stdin only with -i, as docker does
import subprocess, sys
args = sys.argv[1:]
assert args[0] == "exec", args
args = args[1:]
interactive = False
while args[0].startswith("-"):
    interactive |= args[0] in ("-i", "--interactive") or (args[0][1:].isalpha() and "i" in args[0])
    args = args[1:]
container, command = args[0], args[1:]
stdin = None if interactive else subprocess.DEVNULL
sys.exit(subprocess.run(command, stdin=stdin).returncode)
"""

FAKE_CONSOLE = """#!{python}
# Admin::WebService::Add --name N --source-path P: reads P like Znuny's console (-r, then FileRead)
import json, os, sys
args = sys.argv[1:]
with open(os.environ["CONSOLE_LOG"], "a", encoding="utf-8") as log:
    record = {{"args": args}}
    if args[0] == "Admin::WebService::Add":
        path = args[args.index("--source-path") + 1]
        if not os.access(path, os.R_OK):
            print(f"Source file {{path}} does not exist / is not readable.", file=sys.stderr)
            sys.exit(1)
        record["yaml"] = open(path, encoding="utf-8").read()
    log.write(json.dumps(record) + "\\n")
"""


@pytest.fixture
def docker_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("docker", FAKE_DOCKER), ("otobo.Console.pl", FAKE_CONSOLE)):
        path = bin_dir / name
        path.write_text(text.format(python=sys.executable), encoding="utf-8")
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    log = tmp_path / "console.jsonl"
    monkeypatch.setenv("CONSOLE_LOG", str(log))
    return log


def _logged(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_setup_through_docker_exec_passes_the_yaml_on_stdin(docker_on_path: Path) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli.webservice import parse_operations, render_webservice

    console = "docker exec -i otobo-web-1 otobo.Console.pl"
    result = CliRunner().invoke(app, ["webservice", "setup", "--console", console, "--name", "API"])
    assert result.exit_code == 0, result.stderr
    calls = _logged(docker_on_path)
    assert calls[0]["args"] == ["Admin::WebService::Add", "--name", "API", "--source-path", "/dev/stdin"]
    assert calls[0]["yaml"] == render_webservice("API", "post", parse_operations(None, "post"))


def test_docker_exec_without_i_is_refused_before_anything_runs(docker_on_path: Path) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        app, ["webservice", "setup", "--console", "docker exec otobo-web-1 otobo.Console.pl", "--name", "API"]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "'docker exec' passes standard input on only with -i" in result.stderr
    assert "--console 'docker exec -i otobo-web-1 otobo.Console.pl'" in result.stderr
    assert _logged(docker_on_path) == []


def test_the_dry_run_is_exactly_what_runs(docker_on_path: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    console = "docker exec -i otobo-web-1 otobo.Console.pl"
    dry = CliRunner().invoke(app, ["webservice", "setup", "--console", console, "--name", "API", "--dry-run"])
    assert dry.exit_code == 0, dry.stderr
    assert _logged(docker_on_path) == []
    subprocess.run(["sh", "-e"], input=dry.stdout, text=True, check=True, timeout=60)  # run the printed script
    by_script = _logged(docker_on_path)
    docker_on_path.unlink()
    assert CliRunner().invoke(app, ["webservice", "setup", "--console", console, "--name", "API"]).exit_code == 0
    assert _logged(docker_on_path) == by_script


# ---- --fields checks nested paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ("id,queue.nosuch", "unknown field 'queue.nosuch'; the fields of queue are: id, name"),
        ("articles.subject", "articles is a list; --fields can name it whole"),
        ("title.length", "title is a single value; it has no field 'length'"),
        ("dynamic_fields.Nope", "dynamic_fields.Nope: no dynamic field 'Nope' on this server"),
    ],
)
def test_fields_paths_are_checked(cli: Cli, fields: str, problem: str) -> None:
    result = cli("ticket", "get", "3", "--fields", fields)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("error: --fields: ")
    assert problem in result.stderr
    assert result.stdout == ""


def test_valid_nested_fields_still_print(cli: Cli) -> None:
    printed = cli.json("ticket", "get", "3", "--fields", "queue.name,owner.id,dynamic_fields.OrderID,extra.anything")
    assert set(printed[0]) == {"queue.name", "owner.id", "dynamic_fields.OrderID", "extra.anything"}


# ---- help text: no <bool> for flags --------------------------------------------------------------------


def test_no_flag_shows_a_value_placeholder() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    paths: list[list[str]] = [[]] + [[name] for name in commands]
    for name, command in commands.items():
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    for path in paths:
        text = _help(*path)
        assert "<bool>" not in text, path
        assert "BOOLEAN" not in text, path


# ---- start-up: the library is imported only when a command runs -------------------------------------


def test_help_imports_neither_httpx_nor_pydantic_nor_the_client() -> None:
    script = (
        "import sys\n"
        "from otobo_znuny.cli import main\n"
        "sys.argv = ['otobo-znuny', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'pydantic', 'yaml', 'otobo_znuny.client', 'otobo_znuny.models')\n"
        "print('loaded:', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert "loaded: []" in result.stderr


def test_a_command_does_not_load_what_it_does_not_need() -> None:
    """``ticket get`` against a server: no sync client, no adapter, no emulator."""
    script = (
        "import sys\n"
        "from otobo_znuny.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "unneeded = ('otobo_znuny.client.sync_client', 'otobo_znuny.adapter', 'otobo_znuny.emulator')\n"
        "print('loaded:', [m for m in unneeded if m in sys.modules], file=sys.stderr)\n"
    )
    with run_in_thread(Emulator.from_seed("demo")) as server:
        env = {**os.environ, "OTOBO_ZNUNY_PASSWORD": PASSWORD, "OTOBO_ZNUNY_CONFIG": os.devnull + ".toml"}
        args = ["--base-url", server.genericinterface_url, "--user", "api-agent", "ticket", "get", "1"]
        result = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60, env=env
        )
    assert json.loads(result.stdout)[0]["id"] == 1, result.stderr
    assert "loaded: []" in result.stderr


# ---- attachments content in JSON stays base64 ----------------------------------------------------------


def test_get_attachments_json_keeps_base64(cli: Cli, with_files: int) -> None:
    printed = cli.json("ticket", "get", str(with_files), "--attachments")
    first = printed[0]["articles"][0]["attachments"][0]
    assert base64.b64decode(first["content"]) == b"quarterly numbers\n"
    assert Attachment.model_validate({**first, "content": base64.b64decode(first["content"])}).filename == "report.txt"


# ---- untrusted ticket text on a terminal -------------------------------------------------------------


@pytest.fixture
def hostile_text(emulator: Emulator) -> int:
    """A ticket whose e-mail subject and body carry rich markup and terminal escape sequences."""
    spec = ArticleSpec(
        "Fix [/b] and [red]this[/red] \x1b[31mRED",
        "line one\r\nset title \x1b]0;pwned\x07, clear \x1b[2J, csi \x9b done",
        sender_type="customer",
    )
    ticket = create_ticket(
        emulator.helpdesk,
        title="Disk [/var] full [link=https://evil.example]x[/link] \x1b[5m",
        queue="Support",
        customer_user="carla",
        articles=[spec],
    )
    return ticket.id


@pytest.mark.parametrize("command", [("ticket", "get"), ("ticket", "history")])
def test_ticket_text_is_shown_as_text_never_as_markup_or_escape_sequences(
    cli: Cli, hostile_text: int, command: tuple[str, ...]
) -> None:
    result = cli(*command, str(hostile_text), "-o", "table")
    assert result.exit_code == 0, result.stderr  # '[/var]' or '[/b]' used to crash rich (exit 70)
    for raw in ("\x1b", "\x07", "\x9b", "\r"):
        assert raw not in result.stdout
    if command[1] == "get":
        assert "Disk [/var] full [link=https://evil.example]x[/link] \\x1b[5m" in result.stdout
        assert "Subject: Fix [/b] and [red]this[/red] \\x1b[31mRED" in result.stdout
        assert "set title \\x1b]0;pwned\\x07, clear \\x1b[2J, csi \\x9b done" in result.stdout
        assert "line one\nset title" in result.stdout
