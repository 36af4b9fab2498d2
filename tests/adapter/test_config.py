"""SystemConfig, OTOBOAdapterConfig (password from the environment or a file) and the adapter registry."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from adapter.conftest import PASSWORD_ENV, adapter_params, system_config
from otobo_znuny.adapter import (
    AdapterConfigurationError,
    OTOBOAdapter,
    OTOBOAdapterConfig,
    SystemConfig,
    TicketSystemAdapter,
    create_adapter,
    register_adapter,
    registered_providers,
    unregister_adapter,
)
from otobo_znuny.config import Route, ServerFlavor, TicketOperation
from otobo_znuny.errors import ConfigurationError
from otobo_znuny.testing import EMULATOR_BASE_URL

SECRET = "pw-Zq81-never-shown"


def parse(provider_key: str = "znuny", **params: object) -> OTOBOAdapterConfig:
    return OTOBOAdapterConfig.from_system_config(SystemConfig(id="helpdesk", provider_key=provider_key, params=params))


def problems_of(provider_key: str = "znuny", **params: object) -> dict[str, str]:
    with pytest.raises(AdapterConfigurationError) as caught:
        parse(provider_key, **params)
    assert caught.value.system_id == "helpdesk"
    return caught.value.problems


# ---- the password --------------------------------------------------------------------------------


def test_the_password_is_read_from_the_named_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_PW", SECRET)
    config = parse(server_address=EMULATOR_BASE_URL, username="api-agent", password_env_var="HELPDESK_PW")
    assert config.password().get_secret_value() == SECRET
    auth = config.auth()
    assert (auth.user_login, auth.password.get_secret_value()) == ("api-agent", SECRET)


def test_the_password_is_read_from_a_secret_file_without_its_trailing_newline(tmp_path: Path) -> None:
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    config = parse(server_address=EMULATOR_BASE_URL, username="api-agent", password_file=str(secret_file))
    assert config.password().get_secret_value() == SECRET


def test_a_missing_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_PW", raising=False)
    problems = problems_of(server_address=EMULATOR_BASE_URL, username="a", password_env_var="HELPDESK_PW")
    assert problems == {"password_env_var": "the environment variable 'HELPDESK_PW' is not set or empty"}


def test_an_empty_environment_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_PW", "")
    assert "password_env_var" in problems_of(
        server_address=EMULATOR_BASE_URL, username="a", password_env_var="HELPDESK_PW"
    )


def test_an_unreadable_or_empty_secret_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    problems = problems_of(server_address=EMULATOR_BASE_URL, username="a", password_file=str(missing))
    assert list(problems) == ["password_file"]
    assert str(missing) in problems["password_file"]
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    assert problems_of(server_address=EMULATOR_BASE_URL, username="a", password_file=str(empty)) == {
        "password_file": f"{str(empty)!r} is empty"
    }


def test_exactly_one_password_source_is_required(tmp_path: Path, password_env: str) -> None:
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET, encoding="utf-8")
    neither = problems_of(server_address=EMULATOR_BASE_URL, username="a")
    both = problems_of(
        server_address=EMULATOR_BASE_URL, username="a", password_env_var=password_env, password_file=str(secret_file)
    )
    assert neither == both == {"password_env_var": "give exactly one of password_env_var or password_file"}


def test_a_password_in_params_is_refused_without_echoing_it() -> None:
    with pytest.raises(AdapterConfigurationError) as caught:
        parse(server_address=EMULATOR_BASE_URL, username="a", password=SECRET)
    assert "password_env_var or password_file" in caught.value.problems["password"]
    assert SECRET not in str(caught.value)


def test_the_password_never_shows_in_reprs_dumps_or_messages(
    monkeypatch: pytest.MonkeyPatch, password_env: str
) -> None:
    monkeypatch.setenv(password_env, SECRET)
    config = parse(**adapter_params())
    adapter = OTOBOAdapter(system_config())
    shown = [
        repr(config),
        str(config),
        repr(config.password()),
        repr(config.auth()),
        config.model_dump_json(),
        str(config.model_dump()),
        repr(adapter),
        repr(adapter.settings),
        repr(adapter.config),
    ]
    assert all(SECRET not in text for text in shown)
    assert "password_env_var" in repr(config)  # the variable's name is shown, its value is not


# ---- the other settings ------------------------------------------------------------------------------


def test_missing_and_unknown_settings_are_all_named() -> None:
    assert problems_of(timezone="UTC") == {
        "server_address": "required",
        "username": "required",
        "timezone": "unknown setting",
    }


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"server_address": "helpdesk.example"}, "server_address", "http(s) URL"),
        ({"server_address": EMULATOR_BASE_URL + "/Webservice/GenericTicket"}, "server_address", "webservice_name"),
        ({"webservice_name": "a/b"}, "webservice_name", "without '/'"),
        (
            {"server_address": "https://proxy:s3cret@helpdesk.example/otrs/nph-genericinterface.pl"},
            "server_address",
            "no user or password in the address",
        ),
        ({"server_timezone": "Mars/Olympus"}, "server_timezone", "unknown time zone"),
        ({"layout": "soap"}, "layout", "generic_ticket"),
        ({"timeout": 0}, "timeout", "greater than 0"),
        ({"connect_timeout": -1}, "connect_timeout", "greater than 0"),
        ({"max_retries": -1}, "max_retries", "greater than or equal to 0"),
        ({"username": ""}, "username", "at least 1 character"),
        ({"flavor": "otrs"}, "flavor", "znuny"),
        ({"search_operation_url": "Ticket/:Queue"}, "search_operation_url", "unsupported placeholder"),
        ({"get_operation_url": {"path": "Get", "method": "HEAD"}}, "get_operation_url", "GET"),
    ],
)
def test_an_invalid_setting_is_named(
    password_env: str, overrides: dict[str, object], field: str, fragment: str
) -> None:
    problems = problems_of(**adapter_params(**overrides))
    assert list(problems) == [field]
    assert fragment in problems[field]


def test_adapter_configuration_errors_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        parse()


def test_direct_construction_raises_a_validation_error_naming_the_field(password_env: str) -> None:
    with pytest.raises(ValidationError, match="password_file"):
        OTOBOAdapterConfig(server_address=EMULATOR_BASE_URL, username="a", password_file=Path("/nonexistent/pw"))


def test_the_provider_key_sets_the_default_flavor(password_env: str) -> None:
    assert parse("otobo", **adapter_params()).client_config().flavor is ServerFlavor.OTOBO
    assert parse("znuny", **adapter_params()).client_config().flavor is ServerFlavor.ZNUNY
    assert parse("otobo_znuny", **adapter_params()).flavor is ServerFlavor.ZNUNY
    assert parse("otobo", **adapter_params(flavor="znuny")).flavor is ServerFlavor.ZNUNY


def test_layouts_and_route_overrides(password_env: str) -> None:
    generic = parse(**adapter_params()).client_config()
    assert generic.webservice_name == "GenericTicket"
    assert generic.route_for(TicketOperation.SEARCH) == Route(path="TicketSearch", method="POST")

    rest = parse(**adapter_params(layout="rest_connector", search_operation_url="Tickets")).client_config()
    assert rest.webservice_name == "GenericTicketConnectorREST"
    assert rest.route_for(TicketOperation.SEARCH) == Route(path="Tickets", method="GET")  # the layout's method

    custom = parse(
        **adapter_params(
            webservice_name="Helpdesk",
            search_operation_url={"path": "Ticket/Search", "method": "POST"},
            update_operation_url="Update",
            get_operation_url="Get",
            create_operation_url="Create",
        )
    ).client_config()
    assert custom.webservice_name == "Helpdesk"
    assert [custom.route_for(op) for op in (TicketOperation.SEARCH, TicketOperation.UPDATE)] == [
        Route(path="Ticket/Search", method="POST"),
        Route(path="Update", method="POST"),
    ]
    assert (custom.route_for(TicketOperation.GET).path, custom.route_for(TicketOperation.CREATE).path) == (
        "Get",
        "Create",
    )


def test_timeouts_become_an_httpx_timeout(password_env: str) -> None:
    config = parse(**adapter_params(timeout=12.5, connect_timeout=2))
    assert config.http_timeout() == httpx.Timeout(12.5, connect=2.0)


# ---- SystemConfig and the registry ---------------------------------------------------------------


def test_system_config_needs_an_id_and_a_provider_key() -> None:
    with pytest.raises(ValidationError, match="id"):
        SystemConfig(id=" ", provider_key="znuny")
    with pytest.raises(ValidationError, match="provider"):
        SystemConfig(id="x", provider_key="znuny", provider="otobo")  # type: ignore[call-arg]
    assert SystemConfig(id="x", provider_key="znuny").params == {}


def test_create_adapter_builds_the_adapter_of_the_provider_key(password_env: str) -> None:
    for key in ("otobo", "Znuny", "otobo_znuny"):
        adapter = create_adapter(SystemConfig(id="helpdesk", provider_key=key, params=adapter_params()))
        assert isinstance(adapter, OTOBOAdapter)
    assert registered_providers() == ["otobo", "otobo_znuny", "znuny"]


def test_create_adapter_names_an_unknown_provider_key() -> None:
    with pytest.raises(AdapterConfigurationError) as caught:
        create_adapter(SystemConfig(id="helpdesk", provider_key="jira"))
    assert caught.value.problems == {"provider_key": "unknown 'jira'; known: otobo, otobo_znuny, znuny"}


def test_register_adapter_adds_a_provider_and_unregister_takes_it_away(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeAdapter(OTOBOAdapter):
        pass

    register_adapter("Fake", FakeAdapter)
    try:
        monkeypatch.setenv(PASSWORD_ENV, SECRET)
        assert type(create_adapter(SystemConfig(id="x", provider_key="fake", params=adapter_params()))) is FakeAdapter
        assert "fake" in registered_providers()
        with pytest.raises(TypeError, match="TicketSystemAdapter subclass"):
            register_adapter("bad", dict)  # type: ignore[arg-type]
    finally:
        unregister_adapter("FAKE")
    assert registered_providers() == ["otobo", "otobo_znuny", "znuny"]
    with pytest.raises(AdapterConfigurationError, match="unknown 'fake'"):
        create_adapter(SystemConfig(id="x", provider_key="fake", params=adapter_params()))
    with pytest.raises(KeyError, match="no adapter registered for 'fake'"):
        unregister_adapter("fake")


def test_unregistering_a_built_in_key_restores_the_built_in_adapter() -> None:
    class Replacement(OTOBOAdapter):
        pass

    register_adapter("znuny", Replacement)
    unregister_adapter("znuny")
    config = SystemConfig(id="x", provider_key="znuny", params=adapter_params())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, SECRET)
        assert type(create_adapter(config)) is OTOBOAdapter


def test_the_abstract_adapter_cannot_be_instantiated() -> None:
    with pytest.raises(TypeError, match="abstract"):
        TicketSystemAdapter(SystemConfig(id="x", provider_key="y"))  # type: ignore[abstract]


def test_verify_accepts_a_ca_bundle_path_and_names_a_missing_one(password_env: str, tmp_path: Path) -> None:
    assert parse(**adapter_params()).tls_verify() is True
    assert parse(**adapter_params(verify=False)).tls_verify() is False
    context = parse(**adapter_params(verify=str(tmp_path))).tls_verify()  # a directory of CA certificates
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    missing = tmp_path / "ca.pem"
    assert problems_of(**adapter_params(verify=str(missing))) == {
        "verify": f"the CA bundle {str(missing)!r} does not exist"
    }


def test_a_password_in_the_server_address_is_refused_without_showing_it(password_env: str) -> None:
    address = "https://proxy:s3cret-in-url@helpdesk.example/otrs/nph-genericinterface.pl"
    with pytest.raises(AdapterConfigurationError) as caught:
        parse("znuny", **adapter_params(server_address=address))
    assert list(caught.value.problems) == ["server_address"]
    assert "s3cret-in-url" not in str(caught.value) + repr(caught.value)
