"""``webservice render|setup --events`` and ``events listen``: the requester YAML with its secret (never
printed elsewhere), the refusals in the command line's words, the setup through a console, and the
listener as a real process receiving the emulator's events."""

from __future__ import annotations

import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli.test_webservice_commands import _script_commands, fake_console
from otobo_znuny import Article, TicketCreate
from otobo_znuny.cli import app
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_sync_client

SECRET = "cli-events-secret-0123456789"
URL = "https://hooks.example:8443/otobo-znuny/events"
runner = CliRunner(env={"OTOBO_ZNUNY_EVENTS_SECRET": None, "OTOBO_ZNUNY_FLAVOR": None})


def render(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["webservice", "render", "--events", URL, *args], env=env)


def test_render_writes_the_requester_with_the_given_secret_and_flavour() -> None:
    result = render("--secret", SECRET, "--flavor", "otobo", "--sync", "--event", "TicketCreate,ArticleCreate")
    assert result.exit_code == 0, result.stderr
    document = yaml.safe_load(result.stdout)
    invoker = document["Requester"]["Invoker"]["OtoboZnunyEvents"]
    assert invoker["Type"] == "Generic::PassThrough"
    assert invoker["Events"] == [
        {"Asynchronous": "0", "Event": "TicketCreate"},
        {"Asynchronous": "0", "Event": "ArticleCreate"},
    ]
    assert document["Requester"]["Transport"]["Config"]["Authentication"]["BasicAuthPassword"] == SECRET
    assert SECRET not in result.stderr
    root = runner.invoke(app, ["--flavor", "otobo", "webservice", "render", "--events", URL, "--secret", SECRET])
    assert yaml.safe_load(root.stdout)["Requester"]["Invoker"]["OtoboZnunyEvents"]["Type"] == "Generic::PassThrough"


def test_the_secret_file_is_generated_once_private_and_shared(tmp_path: Path) -> None:
    secret_file = tmp_path / "events.secret"
    first = render("--secret-file", str(secret_file), "--auth", "both")
    assert first.exit_code == 0, first.stderr
    assert f"wrote a new secret to {secret_file}" in first.stderr
    secret = secret_file.read_text(encoding="utf-8").strip()
    assert len(secret) >= 40
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert secret not in first.stderr
    config = yaml.safe_load(first.stdout)["Requester"]["Transport"]["Config"]
    assert config["Authentication"]["BasicAuthPassword"] == secret
    assert config["AdditionalHeaders"] == {"X-OtoboZnuny-Token": secret}
    again = render("--secret-file", str(secret_file))
    assert "wrote a new secret" not in again.stderr
    assert yaml.safe_load(again.stdout)["Requester"]["Transport"]["Config"]["Authentication"]["BasicAuthPassword"] == (
        secret
    )


def test_out_is_private_and_the_environment_secret_works(tmp_path: Path) -> None:
    out = tmp_path / "Events.yml"
    result = render("--out", str(out), env={"OTOBO_ZNUNY_EVENTS_SECRET": SECRET})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert SECRET in out.read_text(encoding="utf-8")


def test_plain_http_to_another_host_gets_a_note() -> None:
    result = runner.invoke(
        app, ["webservice", "render", "--events", "http://10.0.0.5:8000/otobo-znuny/events", "--secret", SECRET]
    )
    assert result.exit_code == 0
    assert "unencrypted" in result.stderr
    local = runner.invoke(app, ["webservice", "render", "--events", "http://127.0.0.1:8000/e", "--secret", SECRET])
    assert "unencrypted" not in local.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--events", "https://h/e?token=1", "--secret", SECRET], "--events: a query string is dropped"),
        (["--events", URL, "--secret", SECRET, "--event", "TicketCreated"], "--event: 'TicketCreated'"),
        (["--events", URL, "--secret", "short"], "--secret: the secret must have at least 16"),
        (["--events", URL], "--secret: the events need a shared secret"),
        (["--events", URL, "--secret", SECRET, "--secret-file", "x"], "--secret: give --secret or --secret-file"),
        (["--events", URL, "--secret", SECRET, "--flavor", "otobo", "--full-ticket"], "--full-ticket: OTOBO 11"),
        (["--events", URL, "--secret", SECRET, "--operations", "TicketGet"], "--operations: belongs to the provider"),
        (["--events", URL, "--secret", SECRET, "--layout", "rest"], "--layout: belongs to the provider"),
        (["--events", URL, "--secret", SECRET, "--key-field", "K"], "--key-field: belongs to the provider"),
        (["--name", "API", "--sync"], "--async/--sync: belongs to the requester web service"),
        (["--name", "API", "--event", "TicketCreate"], "--event: belongs to the requester"),
        ([], "--name: give the web service's name"),
    ],
)
def test_render_refuses_in_the_command_lines_words(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["webservice", "render", *args])
    assert result.exit_code == ExitCode.INVALID_INPUT, result.stdout
    assert message in result.stderr
    assert result.stdout == ""


def test_the_help_says_the_sync_async_trade_off() -> None:
    text = runner.invoke(app, ["webservice", "render", "--help"], env={"COLUMNS": "200"}).stdout
    assert "needs the daemon" in text
    assert "delays that request" in text


def test_setup_dry_run_masks_the_secret_and_writes_no_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "new.secret"
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", "docker exec -i otobo-web-1 bin/otobo.Console.pl", "--events", URL,
         "--secret", SECRET, "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "BasicAuthPassword: '********'" in result.stdout or "BasicAuthPassword: ********" in result.stdout
    [command] = _script_commands(result.stdout)
    assert shlex.split(command)[5:9] == ["Admin::WebService::Add", "--name", "OtoboZnunyEvents", "--source-path"]
    generated = runner.invoke(
        app,
        ["webservice", "setup", "--console", "bin/otobo.Console.pl", "--events", URL, "--secret-file",
         str(secret_file), "--dry-run"],
    )  # fmt: skip
    assert generated.exit_code == 0, generated.stderr
    assert f"# first a new secret is written to {secret_file}" in generated.stdout
    assert not secret_file.exists(), "a dry run writes nothing"


def test_setup_installs_the_requester_and_the_installed_yaml_drives_the_emulator(tmp_path: Path) -> None:
    console, log = fake_console(tmp_path)
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", console, "--events", "http://127.0.0.1:9/otobo-znuny/events",
         "--secret", SECRET, "--name", "Hooks", "--sync", "--event", "TicketCreate"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert calls == [["Admin::WebService::Add", "--name", "Hooks", "--source-path", "/dev/stdin"]]
    assert SECRET not in result.stdout + result.stderr
    assert "posts TicketCreate to http://127.0.0.1:9/otobo-znuny/events" in result.stderr
    assert "daemon" in result.stderr, "retries need the daemon, also for --sync"
    installed = tmp_path / "Hooks.yml"
    installed.write_text((tmp_path / "calls.jsonl.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    emulator = Emulator.from_seed("lab")
    emulator.load_webservice(installed)
    with make_sync_client(emulator) as client:
        client.create_ticket(
            TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
        )
    [delivery] = emulator.requester.deliveries
    assert (delivery.event, delivery.ok, delivery.url) == (
        "TicketCreate",
        False,
        "http://127.0.0.1:9/otobo-znuny/events",
    )
    emulator.close()


def test_emulator_serve_loads_the_requester_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from otobo_znuny import emulator as emulator_package

    served: list[Emulator] = []
    monkeypatch.setattr(emulator_package, "serve", lambda **kwargs: served.append(kwargs["emulator"]))
    path = tmp_path / "Hooks.yml"
    assert render("--secret", SECRET, "--out", str(path)).exit_code == 0
    result = runner.invoke(app, ["emulator", "serve", "--port", "18998", "--webservice-yaml", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "GenericTicketConnectorREST (--layout rest), Hooks;" in result.stderr
    [emulator] = served
    assert emulator.webservices["Hooks"].requester is not None
    assert emulator.requester.listening
    missing = runner.invoke(app, ["emulator", "serve", "--webservice-yaml", str(tmp_path / "none.yml")])
    assert missing.exit_code == ExitCode.INVALID_INPUT
    assert "--webservice-yaml" in missing.stderr


def test_emulator_serve_names_a_webservice_the_emulator_cannot_reproduce(tmp_path: Path) -> None:
    bad = tmp_path / "Bad.yml"
    bad.write_text(
        "Requester:\n  Invoker:\n    X:\n      Type: Ticket::TicketCreate\n  Transport:\n    Type: HTTP::REST\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["emulator", "serve", "--port", "18999", "--webservice-yaml", str(bad)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "type 'Ticket::TicketCreate' is not emulated" in result.stderr


# ---- events listen as a process ------------------------------------------------------------------------


def _read_line(stream: Any, deadline: float) -> str:
    while time.monotonic() < deadline:
        line: str = stream.readline()
        if line:
            return line
    raise AssertionError("no line in time")


@pytest.mark.parametrize("flavor", ["znuny", "otobo"])
def test_listen_prints_the_emulators_events_as_json_lines_and_stops_on_ctrl_c(tmp_path: Path, flavor: str) -> None:
    secret_file = tmp_path / "s.secret"
    env = {**os.environ, "OTOBO_ZNUNY_CONFIG": os.devnull + ".toml", "PYTHONUNBUFFERED": "1"}
    env.pop("OTOBO_ZNUNY_EVENTS_SECRET", None)
    listener = subprocess.Popen(
        [sys.executable, "-c", "from otobo_znuny.cli import main; main()", "events", "listen", "--port", "0",
         "--secret-file", str(secret_file), "--event", "Ticket*"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        first = _read_line(listener.stderr, deadline)
        if first.startswith("wrote a new secret"):
            first = _read_line(listener.stderr, deadline)
        assert first.startswith("listening on http://127.0.0.1:"), first
        url = first.split()[2].rstrip(";")
        rendered = runner.invoke(
            app,
            ["webservice", "render", "--events", url, "--secret-file", str(secret_file), "--flavor", flavor,
             "--sync", "--event", "TicketCreate,ArticleCreate,TicketStateUpdate", "--out", str(tmp_path / "E.yml")],
        )  # fmt: skip
        assert rendered.exit_code == 0, rendered.stderr
        emulator = Emulator.from_seed("lab", flavor=flavor)
        emulator.load_webservice(tmp_path / "E.yml")
        with make_sync_client(emulator) as client:
            ticket = client.create_ticket(
                TicketCreate(title="t", queue="Raw", customer_user="customer-1", article=Article(subject="s", body="b"))
            )
        emulator.close()
        lines = [json.loads(_read_line(listener.stdout, deadline)) for _ in range(1)]
        assert lines[0] == {
            "event": "TicketCreate",
            "ticket_id": ticket.id,
            "article_id": None,
            "data": {"TicketID": str(ticket.id)},
            "ticket": None,
        }
        assert [d.event for d in emulator.requester.deliveries if d.ok] == ["TicketCreate", "ArticleCreate"]
        import httpx

        assert httpx.post(url, json={"Event": "TicketCreate"}).status_code == 401
        listener.send_signal(signal.SIGINT)
        out, err = listener.communicate(timeout=20)
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
    assert listener.returncode == 0, err
    assert out == "", "ArticleCreate was answered but not printed (--event Ticket*)"
    assert "401" in err
    assert secret_file.read_text(encoding="utf-8").strip() not in err


def test_listen_refuses_bad_settings() -> None:
    for args, message in [
        (["--secret", SECRET, "--path", "events"], "--path: must start with '/'"),
        (["--secret", SECRET, "--basic-user", "a:b"], "--basic-user"),
        (["--secret", SECRET, "--ssl-certfile", "cert.pem"], "--ssl-certfile: give --ssl-certfile and --ssl-keyfile"),
        ([], "--secret: the events need a shared secret"),
    ]:
        result = runner.invoke(app, ["events", "listen", *args])
        assert result.exit_code == ExitCode.INVALID_INPUT, (args, result.stderr)
        assert message in result.stderr


def test_events_help_loads_neither_httpx_nor_the_receiver() -> None:
    script = (
        "import sys\n"
        "from otobo_znuny.cli import main\n"
        "sys.argv = ['otobo-znuny', 'events', 'listen', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'uvicorn', 'yaml', 'otobo_znuny.events.receiver', 'otobo_znuny.client')\n"
        "print('loaded:', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert "loaded: []" in result.stderr
