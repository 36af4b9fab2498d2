"""The README's command-line section runs as printed on the emulator: every line of its bash block
(with the exit code its comment names), every transcript of its console block, and its configuration
and exit-code references are the ones ``--help`` prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from otobo_znuny.cli import settings as cli_settings
from otobo_znuny.cli.config_keys import reference_text
from otobo_znuny.cli.exit_codes import exit_code_reference
from otobo_znuny.emulator import Emulator

from .conftest import Cli

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = README.read_text(encoding="utf-8").split("## Command line\n", 1)[1].split("\n## ", 1)[0]


def _block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", SECTION, flags=re.DOTALL)
    assert found, language
    return found.group(1)


def _commands() -> list[tuple[dict[str, str], list[str], int]]:
    """(environment, arguments, exit code) of each ``otobo-znuny`` line of the bash block."""
    lines = []
    for line in _block("bash").splitlines():
        command, _, comment = line.partition("  #")
        words = shlex.split(command.split(" | ", 1)[0])
        env = {}
        while words and "=" in words[0] and not words[0].startswith("-"):
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        if not words or words[0] != "otobo-znuny":
            continue
        code = re.search(r"exit (\d+)", comment)
        lines.append((env, words[1:], int(code.group(1)) if code else 0))
    return lines


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(README.read_text(encoding="utf-8"), encoding="utf-8")  # for --attach
    return tmp_path


def test_the_bash_block_starts_the_demo() -> None:
    assert _block("bash").startswith("export OTOBO_ZNUNY_EMULATOR_SEED=demo\n")
    assert len(_commands()) >= 15


@pytest.mark.parametrize(
    ("env", "args", "code"), _commands(), ids=lambda value: " ".join(value) if isinstance(value, list) else None
)
def test_each_line_runs_as_printed(
    clean_env: dict[str, str | None],
    in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    code: int,
) -> None:
    seeds: dict[str, Emulator] = {}
    monkeypatch.setattr(
        cli_settings,
        "load_emulator",
        lambda seed, flavor="znuny": seeds.setdefault(seed, Emulator.from_seed(seed, flavor=flavor)),
    )
    cli = Cli(CliRunner(), {**clean_env, cli_settings.EMULATOR_SEED_ENV: "demo", **env})
    result = cli(*args)
    assert result.exit_code == code, (result.stdout[-500:], result.stderr)


def test_the_console_transcript_is_what_the_command_line_prints(
    clean_env: dict[str, str | None], in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = Emulator.from_seed("demo")
    monkeypatch.setattr(cli_settings, "load_emulator", lambda seed, flavor="znuny": shared)
    cli = Cli(CliRunner(), {**clean_env, cli_settings.EMULATOR_SEED_ENV: "demo"})
    steps = re.split(r"^\$ ", _block("console"), flags=re.MULTILINE)[1:]
    assert len(steps) >= 6
    for step in steps:
        command, _, shown = step.partition("\n")
        result = cli(*shlex.split(command)[1:])
        assert result.stderr.rstrip("\n") == shown.rstrip("\n"), command


def test_the_references_are_the_ones_help_prints() -> None:
    assert f"```text\n{reference_text()}\n```" in SECTION
    assert f"```text\n{exit_code_reference()}\n```" in SECTION
