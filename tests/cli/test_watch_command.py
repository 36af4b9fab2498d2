"""``otobo-znuny ticket watch``: JSON Lines of changes, the position in a state file, a clean Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli.conftest import Cli
from otobo_znuny import OTOBOZnunySyncClient, TicketUpdate
from otobo_znuny.cli import settings as cli_settings
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Emulator:
    """The demo helpdesk on a clock the test moves (the watch prints a second once it is over)."""
    shared = Emulator.from_seed("demo", clock=clock)
    clock.now += timedelta(seconds=2)
    monkeypatch.setattr(cli_settings, "load_emulator", lambda seed, flavor="znuny": shared)
    return shared


def lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def ids(records: list[dict[str, object]]) -> list[int]:
    return [record["ticket"]["id"] for record in records]  # type: ignore[index]


def change_order(emulator: Emulator) -> Callable[[], list[int]]:
    tickets = emulator.helpdesk.data.tickets
    return lambda: [t.id for t in sorted(tickets.values(), key=lambda t: (t.changed, t.id))]


def test_once_with_a_state_file_prints_each_change_once(
    cli: Cli, emulator: Emulator, library: OTOBOZnunySyncClient, clock: Clock, tmp_path: Path
) -> None:
    state = tmp_path / "watch.json"
    first = cli("ticket", "watch", "--once", "--state-file", str(state))
    assert first.exit_code == 0, first.stderr
    records = lines(first.stdout)
    assert ids(records) == change_order(emulator)()
    assert first.stderr.strip() == "30 change(s)"
    assert json.loads(state.read_text()) == {"cursor": records[-1]["cursor"]}
    assert records[0]["ticket"]["title"]  # type: ignore[index]

    again = cli("ticket", "watch", "--once", "--state-file", str(state))
    assert (again.exit_code, again.stdout, again.stderr.strip()) == (0, "", "0 change(s)")

    library.update_ticket(TicketUpdate(id=7, title="Changed between two runs"))
    clock.now += timedelta(seconds=1)
    third = cli("ticket", "watch", "--once", "--state-file", str(state), "--fields", "id,title")
    assert third.exit_code == 0, third.stderr
    assert [r["ticket"] for r in lines(third.stdout)] == [{"id": 7, "title": "Changed between two runs"}]
    assert json.loads(state.read_text())["cursor"] == lines(third.stdout)[-1]["cursor"]


def test_the_state_file_is_written_after_each_line(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    state = tmp_path / "watch.json"
    written: list[str] = []
    from otobo_znuny.cli.state_file import StateFile

    original = StateFile.write

    def recording(self: StateFile, cursor: str) -> None:
        original(self, cursor)
        written.append(json.loads(self.path.read_text())["cursor"])

    StateFile.write = recording  # type: ignore[method-assign]
    try:
        result = cli("ticket", "watch", "--once", "--queue", "Sales", "--state-file", str(state))
    finally:
        StateFile.write = original  # type: ignore[method-assign]
    assert result.exit_code == 0, result.stderr
    assert written == [record["cursor"] for record in lines(result.stdout)]
    assert len(written) == 6
    assert [p.name for p in tmp_path.iterdir()] == ["watch.json"]  # no temporary file left behind


def test_a_cursor_from_a_line_resumes_and_search_options_narrow(cli: Cli, emulator: Emulator) -> None:
    sales = lines(cli("ticket", "watch", "--once", "--queue", "Sales").stdout)
    assert len(sales) == 6
    rest = cli("ticket", "watch", "--once", "--queue", "Sales", "--cursor", str(sales[2]["cursor"]))
    assert ids(lines(rest.stdout)) == ids(sales[3:])


def test_new_only_and_since(
    cli: Cli, emulator: Emulator, library: OTOBOZnunySyncClient, clock: Clock, tmp_path: Path
) -> None:
    state = tmp_path / "new.json"
    assert len(lines(cli("ticket", "watch", "--once", "--new-only", "--state-file", str(state)).stdout)) == 30
    library.update_ticket(TicketUpdate(id=3, title="not new"))
    clock.now += timedelta(seconds=1)
    result = cli("ticket", "watch", "--once", "--new-only", "--state-file", str(state))
    assert (result.stdout, result.stderr.strip()) == ("", "0 new ticket(s)")
    assert lines(cli("ticket", "watch", "--once", "--since", "now").stdout) == []
    since = cli("ticket", "watch", "--once", "--since", (clock.now - timedelta(seconds=1)).isoformat())
    assert ids(lines(since.stdout)) == [3]


@pytest.mark.parametrize(
    ("content", "arguments", "code", "message"),
    [
        ('{"cursor": "oz1.nonsense"}', [], 5, "is not a position of ticket watch"),
        ("not json", [], 5, "is not a state file of ticket watch"),
        (None, ["--queue", "Misc"], 5, "holds the position of another search or feed"),
        (None, ["--new-only"], 5, "holds the position of another search or feed"),
        (None, ["--since", "now"], 5, "--since is for a first run"),
    ],
)
def test_a_state_file_that_does_not_fit_is_refused(
    cli: Cli, emulator: Emulator, tmp_path: Path, content: str | None, arguments: list[str], code: int, message: str
) -> None:
    state = tmp_path / "watch.json"
    if content is None:
        assert cli("ticket", "watch", "--once", "--queue", "Sales", "--state-file", str(state)).exit_code == 0
    else:
        state.write_text(content)
    before = state.read_text()
    result = cli("ticket", "watch", "--once", "--state-file", str(state), *(arguments or ["--queue", "Sales"]))
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert state.read_text() == before


def test_usage_errors_before_anything_is_sent(cli: Cli, tmp_path: Path) -> None:
    missing = cli("ticket", "watch", "--once", "--state-file", str(tmp_path / "no" / "such" / "dir.json"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    directory = cli("ticket", "watch", "--once", "--state-file", str(tmp_path))
    assert directory.exit_code == 2
    assert "is a directory" in directory.stderr
    bad_df = cli("ticket", "watch", "--once", "--df", "OrderIDD=1")
    assert bad_df.exit_code == 5
    assert "no such dynamic field" in bad_df.stderr


def test_ctrl_c_stops_cleanly_and_keeps_the_position(tmp_path: Path) -> None:
    """A real process in follow mode against the emulator: SIGINT while it polls gives exit 130, and the
    state file holds the cursor of the last printed line."""
    state = tmp_path / "watch.json"
    env = {k: v for k, v in os.environ.items() if k not in {*cli_settings.ENV_NAMES.values(), cli_settings.PROFILE_ENV}}
    env.update({cli_settings.EMULATOR_SEED_ENV: "demo", cli_settings.CONFIG_ENV: str(tmp_path / "none.toml")})
    command = [sys.executable, "-c", "from otobo_znuny.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "ticket", "watch", "--state-file", str(state), "--poll-interval", "0.2", "--fields", "id"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # A process started in the background of a non-interactive shell inherits SIGINT ignored, and
        # Python then installs no Ctrl-C handler: give the command line the default a terminal gives.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    try:
        printed = [json.loads(process.stdout.readline()) for _ in range(30)]
        time.sleep(0.5)  # it is polling now
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=30)
    finally:
        if process.poll() is None:  # fail here, without a stray process warning in a later test
            process.kill()
            process.communicate()
    assert process.returncode == 130, errors
    assert rest == ""
    assert "stopped (Ctrl-C); the position is kept in" in errors
    assert json.loads(state.read_text()) == {"cursor": printed[-1]["cursor"]}


def test_an_unknown_dynamic_field_column_is_refused_not_printed_as_null(cli: Cli, tmp_path: Path) -> None:
    state = tmp_path / "sales.state"
    args = ("ticket", "watch", "--queue", "Sales", "--once", "--state-file", str(state))
    result = cli(*args, "--fields", "id,dynamic_fields.Nope")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stdout == ""
    assert "--fields: dynamic_fields.Nope: no dynamic field 'Nope' on this server" in result.stderr
    assert not state.exists()  # nothing printed, so no position stored
    known = cli(*args, "--fields", "id,dynamic_fields.OrderID")
    assert known.exit_code == 0, known.stderr
    assert all("dynamic_fields.OrderID" in json.loads(line)["ticket"] for line in known.stdout.splitlines())


def test_a_relative_created_filter_is_refused_in_flag_terms(cli: Cli, emulator: Emulator) -> None:
    """The feed needs points in time for --created-after (an age such as 1d cannot bound its windows)."""
    sent = emulator.counters.total
    result = cli("ticket", "watch", "--once", "--created-after", "1d")
    assert result.exit_code == 5
    assert "--created-after/--created-before" in result.stderr
    assert "not an age such as 1d" in result.stderr
    assert "since=" not in result.stderr
    assert "timedelta" not in result.stderr
    assert emulator.counters.total == sent
