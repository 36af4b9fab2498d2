"""The client with ``flavor=otobo`` against the emulator's OTOBO flavour, and what the flavour changes
in presets, configuration, the testing helpers, the pytest plugin and the command line.

The client's behaviour against the *recorded* OTOBO replies is in ``test_replay_recording``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from otobo_znuny import (
    ClientConfig,
    ConfigurationError,
    OTOBOZnunySyncClient,
    Route,
    ServerFlavor,
    SessionExpiredError,
    TicketOperation,
)
from otobo_znuny.cli import app
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import emulated_sync_client, emulator_config, make_async_client
from support.recording import contract_file

from .test_route_layouts_and_flavors import AUTH, Recorder, client_with, exercise

OTOBO_URL = "http://emulator/otobo/nph-genericinterface.pl"


@pytest.mark.parametrize("preset", [ClientConfig.generic_ticket, ClientConfig.rest_connector])
async def test_client_works_against_the_otobo_flavour(preset: Callable[..., ClientConfig]) -> None:
    """Create, read, search, update and history over both layouts; GETs carry the session in the
    query string (OTOBO reads no credential headers), never in a header."""
    recorder = Recorder(Emulator.from_seed("lab", flavor="otobo"))
    config = preset(OTOBO_URL, flavor=ServerFlavor.OTOBO)
    async with client_with(config, recorder) as client:
        client.login(AUTH)
        await exercise(client)
    gets = [r for r in recorder.requests if r.method == "GET"]
    assert all(not any(h.lower().startswith("x-otrs") for h in r.headers) for r in recorder.requests)
    assert all(r.url.params.get("SessionID") for r in gets)


async def test_a_znuny_configured_client_fails_loudly_on_otobo_get_routes() -> None:
    """The wrong flavour is not silent: OTOBO ignores the credential headers, so GETs are refused."""
    recorder = Recorder(Emulator.from_seed("lab", flavor="otobo"))
    async with client_with(ClientConfig.rest_connector(OTOBO_URL), recorder) as client:
        client.login(AUTH)
        with pytest.raises(SessionExpiredError) as caught:
            await client.get_ticket(1)
    assert caught.value.code == "TicketGet.AuthFail"


async def test_remove_session_on_the_otobo_flavour() -> None:
    emulator = Emulator.from_seed("lab", flavor="otobo")
    async with make_async_client(emulator) as client:
        assert client.config.flavor is ServerFlavor.OTOBO
        await client.get_ticket(1)  # session mode: creates the client's session
        requests_before = emulator.counters.total
        with pytest.raises(ConfigurationError, match=r"^SessionRemove: OTOBO 11 has no SessionRemove operation"):
            await client.remove_session()
        assert emulator.counters.total == requests_before  # nothing was sent
        assert client.session_id is not None  # and nothing was forgotten silently
        assert (await client.get_session()).user_login == "api-agent"
        client.logout()
        assert client.session_id is None


def test_presets_leave_out_what_otobo_lacks() -> None:
    for preset in (ClientConfig.generic_ticket, ClientConfig.rest_connector, ClientConfig.ready2adopt):
        otobo = preset(OTOBO_URL, flavor=ServerFlavor.OTOBO).operation_url_map
        znuny = preset(OTOBO_URL).operation_url_map
        assert TicketOperation.SESSION_REMOVE not in otobo
        assert set(znuny) - set(otobo) <= {TicketOperation.SESSION_REMOVE}
    assert TicketOperation.SESSION_REMOVE in ClientConfig.generic_ticket(OTOBO_URL, flavor="znuny").operation_url_map
    assert (
        TicketOperation.SESSION_REMOVE not in ClientConfig.generic_ticket(OTOBO_URL, flavor="otobo").operation_url_map
    )
    with pytest.raises(ValueError, match="flavor"):
        ClientConfig.generic_ticket(OTOBO_URL, flavor="otrs")


def test_an_explicit_session_remove_route_on_otobo_is_explained() -> None:
    """The recorded GenericTicket.yml lists SessionRemove (it imports on OTOBO too): the route is kept,
    and using it says why it cannot work - before anything is sent."""
    config = ClientConfig.from_webservice_yaml(OTOBO_URL, contract_file("GenericTicket.yml"), flavor="otobo")
    assert config.operation_url_map[TicketOperation.SESSION_REMOVE] == Route(path="SessionRemove")
    with pytest.raises(ConfigurationError) as caught:
        config.route_for(TicketOperation.SESSION_REMOVE)
    message = str(caught.value)
    assert message.startswith("SessionRemove: OTOBO 11 has no SessionRemove operation")
    assert "Nothing was sent" in message
    assert ServerFlavor.ZNUNY.has_operation(TicketOperation.SESSION_REMOVE)
    assert all(
        ServerFlavor.OTOBO.has_operation(op) for op in TicketOperation if op is not TicketOperation.SESSION_REMOVE
    )


def test_testing_helpers_follow_the_flavour() -> None:
    config = emulator_config(flavor="otobo")
    assert (config.flavor, config.base_url) == (ServerFlavor.OTOBO, OTOBO_URL)
    assert emulator_config().base_url == "http://emulator/otrs/nph-genericinterface.pl"
    with emulated_sync_client("lab", flavor="otobo") as (client, emulator):
        assert isinstance(client, OTOBOZnunySyncClient)
        assert emulator.flavor.name == "otobo"
        ticket = client.get_ticket(1)
        assert ticket.title == "Welcome to OTOBO!"
        assert set(ticket.dynamic_fields) == {
            "OrderID",
            "Tags",
            "ProcessManagementActivityID",
            "ProcessManagementProcessID",
        }


@pytest.mark.otobo_emulator(seed="lab", flavor="otobo")
def test_pytest_plugin_marker_chooses_the_flavour(
    otobo_emulator: Emulator, otobo_config: ClientConfig, otobo_sync_client: OTOBOZnunySyncClient
) -> None:
    assert otobo_emulator.flavor.name == "otobo"
    assert (otobo_config.flavor, otobo_config.base_url) == (ServerFlavor.OTOBO, OTOBO_URL)
    assert otobo_sync_client.get_ticket(1).title == "Welcome to OTOBO!"
    with pytest.raises(ConfigurationError, match="OTOBO 11 has no SessionRemove"):
        otobo_sync_client.remove_session("x" * 32)


# ---------------------------------------------------------------- command line
runner = CliRunner()


def test_webservice_render_for_otobo_leaves_out_session_remove(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTOBO_ZNUNY_FLAVOR", raising=False)
    znuny = runner.invoke(app, ["webservice", "render", "--name", "GenericTicket"])
    otobo = runner.invoke(app, ["webservice", "render", "--name", "GenericTicket", "--flavor", "otobo"])
    assert znuny.exit_code == otobo.exit_code == 0
    assert "SessionRemove" in znuny.stdout
    assert "SessionRemove" not in otobo.stdout
    for operation in ("SessionCreate", "SessionGet", "TicketCreate", "TicketGet", "TicketSearch", "TicketUpdate"):
        assert operation in otobo.stdout
    root_flag = runner.invoke(app, ["--flavor", "otobo", "webservice", "render", "--name", "GenericTicket"])
    assert root_flag.stdout == otobo.stdout
    monkeypatch.setenv("OTOBO_ZNUNY_FLAVOR", "otobo")
    assert runner.invoke(app, ["webservice", "render", "--name", "GenericTicket"]).stdout == otobo.stdout
    overridden = runner.invoke(app, ["webservice", "render", "--name", "GenericTicket", "--flavor", "znuny"])
    assert overridden.stdout == znuny.stdout
    monkeypatch.setenv("OTOBO_ZNUNY_FLAVOR", "otrs")
    bad = runner.invoke(app, ["webservice", "render", "--name", "GenericTicket"])
    assert bad.exit_code == ExitCode.INVALID_INPUT
    assert "OTOBO_ZNUNY_FLAVOR" in bad.stderr


def test_webservice_render_refuses_session_remove_for_otobo() -> None:
    result = runner.invoke(
        app, ["webservice", "render", "--name", "X", "--flavor", "otobo", "--operations", "TicketGet,SessionRemove"]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--operations" in result.stderr
    assert "OTOBO 11 has no SessionRemove operation" in result.stderr
    assert result.stdout == ""


def test_webservice_setup_dry_run_for_otobo() -> None:
    result = runner.invoke(
        app,
        ["webservice", "setup", "--console", "bin/otobo.Console.pl", "--name", "GT", "--flavor", "otobo", "--dry-run"],
    )
    assert result.exit_code == 0, result.stderr
    assert "Admin::WebService::Add" in result.stdout


def test_cli_emulator_mode_follows_the_flavour(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTOBO_ZNUNY_")}
    env.update({"OTOBO_ZNUNY_EMULATOR_SEED": "lab", "OTOBO_ZNUNY_CONFIG": os.devnull + ".missing"})
    for key in list(os.environ):
        if key.startswith("OTOBO_ZNUNY_"):
            monkeypatch.delenv(key)
    result = runner.invoke(app, ["--flavor", "otobo", "ticket", "get", "1", "-o", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    assert '"Welcome to OTOBO!"' in result.stdout
    default = runner.invoke(app, ["ticket", "get", "1", "-o", "json"], env=env)
    assert '"Welcome to Znuny!"' in default.stdout


async def test_http_helpers_are_not_shared_between_flavours() -> None:
    """Two emulators of different flavours side by side keep their own behaviour."""
    otobo, znuny = Emulator.from_seed("lab", flavor="otobo"), Emulator.from_seed("lab")
    async with make_async_client(otobo) as one, make_async_client(znuny) as other:
        assert (await one.get_ticket(1)).title == "Welcome to OTOBO!"
        assert (await other.get_ticket(1)).title == "Welcome to Znuny!"
        assert await other.remove_session(await other.create_session()) is True
