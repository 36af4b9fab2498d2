"""The command line never answers less or more than asked without saying so.

The issue's cases: ``export --queue Raw`` wrote 500 of 615 tickets, ``--df OrderIDD=...`` (a typo)
matched every ticket, a wrong ``--webservice`` was a bare transport error, and an export that matched
nothing replaced a good earlier file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from otobo_znuny import OTOBOZnunySyncClient, TicketSearch
from otobo_znuny.cli import runner
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.emulator.builder import create_ticket

from .conftest import Cli


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.bodies: list[tuple[str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(await request.aread() or b"{}")
        self.bodies.append((request.url.path.rsplit("/", 1)[-1], body))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def recorder(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Every request the command line sends to the shared emulator, with its body."""
    recording = Recorder(emulator)
    monkeypatch.setattr(runner, "emulator_http_client", lambda settings: httpx.AsyncClient(transport=recording))
    return recording


@pytest.fixture
def raw_615(emulator: Emulator) -> list[int]:
    """615 tickets in the Raw queue (the demo seed has none there), more than the server's 500."""
    return [
        create_ticket(emulator.helpdesk, title=f"raw {index}", queue="Raw", customer_user="carla").id
        for index in range(615)
    ]


# ---- every match, by default ------------------------------------------------------------------------


def test_export_without_limit_writes_every_match(cli: Cli, raw_615: list[int], tmp_path: Path) -> None:
    target = tmp_path / "raw.jsonl"
    result = cli("ticket", "export", "--queue", "Raw", "--out", str(target))
    assert result.exit_code == 0, result.stderr
    exported = [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert sorted(exported) == sorted(raw_615)
    assert result.stderr == f"exported 615 ticket(s) to {target}\n"  # and no warning in Python terms


def test_search_without_limit_prints_every_match(cli: Cli, raw_615: list[int], library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "search", "--queue", "Raw")
    assert len(printed) == 615
    assert printed == library.search_tickets(TicketSearch(queues=["Raw"]))
    assert len(cli.json("ticket", "search", "--queue", "Raw", "--limit", "20")) == 20
    fetched = cli.json("ticket", "search", "--queue", "Raw", "--fetch", "--fields", "id")
    assert len(fetched) == 615


def test_a_sort_that_cannot_be_paged_is_refused_in_cli_words(cli: Cli, emulator: Emulator) -> None:
    for index in range(1001):  # more than one page of 1000
        create_ticket(emulator.helpdesk, title=f"bulk {index}", queue="Raw", customer_user="carla")
    result = cli("ticket", "search", "--queue", "Raw", "--sort", "Priority")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("error: --sort: at least 1000 tickets match")
    assert "leave out --sort" in result.stderr
    assert "--limit N" in result.stderr
    assert "sort_by" not in result.stderr
    assert len(cli.json("ticket", "search", "--queue", "Raw", "--sort", "Created", "--order", "up")) == 1001


# ---- unknown dynamic fields ---------------------------------------------------------------------------


def test_a_misspelt_df_is_refused_before_the_search_is_sent(cli: Cli, recorder: Recorder) -> None:
    result = cli("ticket", "search", "--df", "OrderIDD=P-1")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("error: --df OrderIDD: no such dynamic field on this server")
    assert "did you mean OrderID?" in result.stderr
    assert "--no-df-check" in result.stderr
    sent = [body for operation, body in recorder.bodies if operation == "TicketSearch"]
    assert [set(body) - {"UserLogin", "Password"} for body in sent] == [{"Limit"}]  # only the learning search


def test_no_df_check_sends_it_anyway(cli: Cli, emulator: Emulator) -> None:
    printed = cli.json("ticket", "search", "--df", "OrderIDD=P-1", "--no-df-check")
    assert len(printed) == len(emulator.helpdesk.data.tickets)  # what the server does with an unknown name


def test_export_checks_the_df_names_too(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("good\n", encoding="utf-8")
    result = cli("ticket", "export", "--df", "Tgas=network", "--out", str(target))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "did you mean Tags?" in result.stderr
    assert target.read_text(encoding="utf-8") == "good\n"


def test_an_unknown_sort_field_is_refused(cli: Cli) -> None:
    result = cli("ticket", "search", "--sort", "DynamicField_Nope")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("error: --sort DynamicField_Nope: no such dynamic field")


@pytest.mark.parametrize("body", ["", "*", "% *"])
def test_a_body_that_matches_everything_is_refused(cli: Cli, emulator: Emulator, body: str) -> None:
    result = cli("ticket", "search", "--body", body)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == f"error: --body: {body!r} would match every ticket; leave it out\n"
    assert emulator.counters.total == 0


@pytest.mark.parametrize(
    "args",
    [
        ("ticket", "search", "--queue", ""),
        ("ticket", "search", "--priority", " "),
        ("ticket", "update", "3", "--owner", ""),
        ("ticket", "create", "--title", "t", "--queue", "", "--customer-user", "carla", "--body", "b"),
    ],
)
def test_an_empty_name_is_refused_in_flag_words(cli: Cli, emulator: Emulator, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == ExitCode.INVALID_INPUT
    flag = args[args.index("") - 1] if "" in args else "--priority"
    assert result.stderr == f"error: {flag}: give a name or an ID, not an empty value\n"
    assert emulator.counters.total == 0


def test_out_dash_is_standard_output_not_a_file_named_dash(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("ticket", "export", "--queue", "Sales", "--out", "-")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["queue"]["name"] for line in result.stdout.splitlines()] == ["Sales"] * 6
    assert result.stderr == "exported 6 ticket(s)\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("after", "before"), [("2025-03-01", "2025-02-01"), ("1d", "7d")])
def test_a_created_range_that_is_empty_is_refused(cli: Cli, emulator: Emulator, after: str, before: str) -> None:
    for command in ("search", "export"):
        result = cli("ticket", command, "--created-after", after, "--created-before", before)
        assert result.exit_code == ExitCode.INVALID_INPUT
        assert result.stderr == (
            f"error: --created-after: {after!r} is later than --created-before {before!r}, so no ticket can match; "
            "swap the two\n"
        )
    assert emulator.counters.total == 0
    assert cli.json("ticket", "search", "--created-after", before, "--created-before", after) != []


# ---- an export that matched nothing ---------------------------------------------------------------------


def test_zero_matches_keep_an_existing_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "raw.jsonl"
    target.write_text("the good export of yesterday\n", encoding="utf-8")
    result = cli("ticket", "export", "--queue", "Rwa", "--out", str(target))  # a typo: the server cannot tell
    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr.startswith("0 tickets matched; kept the existing ")
    assert "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "the good export of yesterday\n"
    assert [path.name for path in tmp_path.iterdir()] == ["raw.jsonl"]  # no temporary file left


def test_zero_matches_with_force_replace_the_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "raw.jsonl"
    target.write_text("old\n", encoding="utf-8")
    result = cli("ticket", "export", "--queue", "Rwa", "--out", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("0 tickets matched; wrote an empty ")
    assert target.read_text(encoding="utf-8") == ""


def test_zero_matches_without_a_file_or_to_stdout_say_so(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    to_file = cli("ticket", "export", "--queue", "Rwa", "--format", "csv", "--out", str(target))
    assert to_file.exit_code == 0
    assert to_file.stderr.startswith("0 tickets matched; wrote an empty ")
    assert target.read_text(encoding="utf-8").startswith("id,number")  # the header only
    to_stdout = cli("ticket", "export", "--queue", "Rwa")
    assert (to_stdout.exit_code, to_stdout.stdout, to_stdout.stderr) == (0, "", "0 tickets matched\n")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("ticket", "get", "4", "--no-articles"), "--articles (not --no-articles)"),
        (("ticket", "search", "--queue", "Sales", "--fetch"), "--articles"),
        (("ticket", "export", "--queue", "Sales"), "--articles"),
        (("ticket", "watch", "--queue", "Sales", "--once"), "--articles"),
    ],
)
def test_an_articles_column_without_the_articles_is_refused(
    cli: Cli, emulator: Emulator, args: tuple[str, ...], flag: str
) -> None:
    result = cli(*args, "--fields", "id,articles")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stdout == ""  # never "articles": [] for tickets that have articles
    assert (
        result.stderr
        == f"error: --fields: articles are fetched only with {flag}; without it the column would be empty\n"
    )
    assert emulator.counters.total == 0
    if args[1] != "get":
        with_articles = cli(*args, "--fields", "id,articles", "--articles")
        assert with_articles.exit_code == 0, with_articles.stderr
        assert '"articles":[]' not in with_articles.stdout.replace(" ", "").replace("\n", "")
