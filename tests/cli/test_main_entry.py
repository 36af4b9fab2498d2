"""The console script ``otobo-znuny = otobo_znuny.cli:main``."""

from __future__ import annotations

import sys

import pytest

import otobo_znuny
import otobo_znuny.cli as cli_package


def test_main_without_typer_prints_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "otobo_znuny.cli.root", raising=False)
    monkeypatch.setitem(sys.modules, "typer", None)  # makes "import typer" raise ImportError
    with pytest.raises(SystemExit) as exit_info:
        cli_package.main()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "pip install 'otobo-znuny[cli]'" in captured.err
    assert captured.out == ""


def test_main_runs_the_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["otobo-znuny", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        cli_package.main()
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"otobo-znuny {otobo_znuny.__version__}\n"


def test_app_is_the_typer_application() -> None:
    import typer

    assert isinstance(cli_package.app, typer.Typer)
    with pytest.raises(AttributeError):
        cli_package.no_such_thing  # noqa: B018


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli_package.app, ["--help"])
    assert result.exit_code == 0
    for group in ("ticket", "session", "webservice", "emulator", "demo"):
        assert group in result.stdout
    tickets = CliRunner().invoke(cli_package.app, ["ticket", "--help"])
    for command in ("get", "search", "create", "update", "note", "history", "export"):
        assert command in tickets.stdout
