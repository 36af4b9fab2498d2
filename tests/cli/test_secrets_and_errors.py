"""Passwords and SessionIDs never reach stdout or stderr; every failure is one line and an exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from otobo_znuny import OTOBOZnunyClient
from otobo_znuny.cli import runner
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator

from .conftest import PASSWORD, Cli


def assert_clean(result, *secrets: str) -> None:  # type: ignore[no-untyped-def]
    for secret in secrets:
        assert secret not in result.stdout
        assert secret not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_password_flag_is_never_printed(cli: Cli) -> None:
    ok = cli("--user", "api-agent", "--password", PASSWORD, "ticket", "get", "1", "--output", "table")
    assert ok.exit_code == 0
    assert_clean(ok, PASSWORD)
    refused = cli("--user", "api-agent", "--password", "Wr0ng-Secret", "ticket", "get", "1")
    assert refused.exit_code == ExitCode.AUTHENTICATION
    assert "AuthFail" in refused.stderr
    assert_clean(refused, "Wr0ng-Secret")


def test_a_crash_inside_a_command_prints_one_scrubbed_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    async def explode(self: OTOBOZnunyClient, *args: object, **kwargs: object) -> None:
        # The worst case: an exception whose message quotes the password and the session.
        raise RuntimeError(f"boom with password={PASSWORD} session={self.session_id}")

    monkeypatch.setattr(OTOBOZnunyClient, "get_tickets", explode)
    result = cli("--password", PASSWORD, "ticket", "get", "1")
    assert result.exit_code == ExitCode.INTERNAL_ERROR
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: unexpected RuntimeError: boom with password=***")
    assert_clean(result, PASSWORD)


def test_a_crash_with_a_session_id_scrubs_the_session(
    cli: Cli, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = cli("session", "create").stdout.strip()

    async def explode(self: OTOBOZnunyClient, *args: object, **kwargs: object) -> None:
        raise ValueError(f"cannot parse reply for session {session_id}")

    monkeypatch.setattr(OTOBOZnunyClient, "get_ticket_history", explode)
    result = cli("--session-id", session_id, "ticket", "history", "1")
    assert result.exit_code == ExitCode.INTERNAL_ERROR
    assert "***" in result.stderr
    assert_clean(result, session_id)


def test_ctrl_c_exits_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    async def interrupted(self: OTOBOZnunyClient, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(OTOBOZnunyClient, "search_tickets", interrupted)
    result = cli("ticket", "search")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stderr == "error: interrupted\n"


def test_the_prompt_is_used_when_no_password_is_configured(
    clean_env: dict[str, str | None], emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli import app

    monkeypatch.setattr(runner, "stdin_is_interactive", lambda: True)
    # No emulator seed (so no default password): route the client to the emulator directly.
    monkeypatch.setattr(runner, "emulator_http_client", lambda settings: _emulator_http(emulator))
    result = CliRunner().invoke(
        app,
        ["--base-url", "http://emulator/otrs/nph-genericinterface.pl", "--user", "api-agent", "ticket", "get", "1"],
        input=PASSWORD + "\n",
        env=clean_env,
    )
    assert result.exit_code == 0, result.stderr
    assert "Password for api-agent" in result.stderr
    assert_clean(result, PASSWORD)
    wrong = CliRunner().invoke(
        app,
        ["--base-url", "http://emulator/otrs/nph-genericinterface.pl", "--user", "api-agent", "ticket", "get", "1"],
        input="typed-wrong-pw\n",
        env=clean_env,
    )
    assert wrong.exit_code == ExitCode.AUTHENTICATION
    assert_clean(wrong, "typed-wrong-pw")


def _emulator_http(emulator: Emulator):  # type: ignore[no-untyped-def]
    import httpx

    from otobo_znuny.emulator import EmulatorTransport

    return httpx.AsyncClient(transport=EmulatorTransport(emulator))


def test_without_a_terminal_a_missing_password_is_a_usage_error(clean_env: dict[str, str | None]) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli import app

    result = CliRunner().invoke(
        app, ["--base-url", "https://h.example/otrs/nph-genericinterface.pl", "--user", "a", "ticket", "get", "1"],
        env=clean_env,
    )  # fmt: skip
    assert result.exit_code == ExitCode.USAGE
    assert "no password for a" in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_base_url_is_a_usage_error(clean_env: dict[str, str | None]) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli import app

    result = CliRunner().invoke(app, ["ticket", "search"], env=clean_env)
    assert result.exit_code == ExitCode.USAGE
    assert "OTOBO_ZNUNY_BASE_URL" in result.stderr


def test_an_unknown_webservice_is_reported_with_its_name_and_url(cli: Cli) -> None:
    # The live Znuny closes the connection for an unknown web-service name; so does the emulator.
    result = cli("--webservice", "NoSuchService", "--retries", "0", "ticket", "get", "1")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: TicketGet: no web service 'NoSuchService' at ")
    assert "/otrs/nph-genericinterface.pl/Webservice/NoSuchService" in result.stderr
    assert "Check --webservice (or OTOBO_ZNUNY_WEBSERVICE, or the profile's webservice key)" in result.stderr


@pytest.mark.parametrize(("layout", "webservice"), [("post", "GenericTicketConnectorREST"), ("rest", "GenericTicket")])
def test_a_layout_that_does_not_fit_the_webservice_is_reported_in_flags(
    cli: Cli, emulator: Emulator, layout: str, webservice: str
) -> None:
    result = cli("--layout", layout, "--webservice", webservice, "ticket", "get", "1")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.count("\n") == 1
    assert f"TicketGet: the web service '{webservice}' has no operation for" in result.stderr
    assert "Check --layout: post for" in result.stderr
    for python in ("TicketOperation", "operation_url_map", "Route(", "ClientConfig"):
        assert python not in result.stderr
    assert "TicketGet" not in emulator.counters.by_operation  # route matching failed: nothing ran


def test_a_df_search_over_the_rest_layout_is_refused_naming_the_flag(cli: Cli, emulator: Emulator) -> None:
    result = cli("--layout", "rest", "ticket", "search", "--df", "OrderID=ORD-1002")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("error: --df OrderID: TicketSearch is routed as GET")
    assert result.stderr.rstrip().endswith("use --layout post")
    assert "DynamicField_" not in result.stderr
    assert "TicketSearch" not in emulator.counters.by_operation


def test_rest_layout_flag_reaches_the_rest_webservice(cli: Cli, emulator: Emulator) -> None:
    printed = cli.json("--layout", "rest", "ticket", "get", "2", "--no-articles")
    assert printed[0]["id"] == 2
    assert emulator.counters.by_operation["TicketGet"] == 1


def test_profile_flag_through_the_command_line(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "profiles.toml"
    config.write_text(
        '[profiles.lab]\nbase_url = "http://emulator/otrs/nph-genericinterface.pl"\n'
        'webservice = "GenericTicketConnectorREST"\nlayout = "rest"\nuser = "api-agent"\n',
        encoding="utf-8",
    )
    printed = cli.json("--profile", "lab", "ticket", "search", "--limit", "2", env={"OTOBO_ZNUNY_CONFIG": str(config)})
    assert len(printed) == 2
    unknown = cli("--profile", "nope", "ticket", "search", env={"OTOBO_ZNUNY_CONFIG": str(config)})
    assert unknown.exit_code == ExitCode.USAGE
    assert "'nope' not found" in unknown.stderr


def test_insecure_warns_once_in_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from otobo_znuny.client import base

    monkeypatch.setattr(base, "_insecure_warned", False)  # the library warns once per process
    result = cli("--insecure", "ticket", "search", "--limit", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("warning: --insecure: the TLS certificate is not verified")
    assert "--ca-bundle FILE" in result.stderr
    assert "verify=" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_validation_error_is_one_line_without_pydantics_prefix() -> None:
    from pydantic import BaseModel, ValidationError, field_validator

    class Model(BaseModel):
        name: str
        size: int

        @field_validator("name")
        @classmethod
        def _name(cls, value: str) -> str:
            raise ValueError("is never good enough")

    with pytest.raises(ValidationError) as caught:
        Model(name="x", size="big")  # type: ignore[arg-type]
    assert runner.error_line(caught.value, []) == "error: name 'x': is never good enough"


def test_the_layout_choices_are_one_enum_with_the_keys_of_layouts() -> None:
    from otobo_znuny.cli import config_keys, connection_options, settings, webservice_cmd

    assert {choice.value for choice in settings.LayoutName} == set(settings.LAYOUTS)
    assert connection_options.LayoutName is webservice_cmd.LayoutName is settings.LayoutName is config_keys.LayoutName


def test_profile_file_problems_name_the_files_keys_not_flags(clean_env: dict[str, str | None], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli import app

    profile = tmp_path / "config.toml"
    env = {**clean_env, "OTOBO_ZNUNY_CONFIG": str(profile)}
    profile.write_text('[profiles.p]\nbase_url = "http://x/otrs/nph-genericinterface.pl"\nwebservcie = "X"\n')
    unknown = CliRunner().invoke(app, ["--profile", "p", "ticket", "get", "1"], env=env)
    assert unknown.exit_code == ExitCode.USAGE
    assert "webservcie: unknown key (known keys: base_url, ca_bundle, customer_user, flavor," in unknown.stderr
    assert "--base-url" not in unknown.stderr
    profile.write_text("[profiles.p]\ncustomer_user = 7\n")
    wrong_type = CliRunner().invoke(app, ["--profile", "p", "ticket", "get", "1"], env=env)
    assert wrong_type.exit_code == ExitCode.USAGE
    assert wrong_type.stderr.endswith("[profiles.p] customer_user: must be a str\n")
