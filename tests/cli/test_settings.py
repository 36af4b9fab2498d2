"""Connection settings: flags > environment > profile > defaults, and clear errors naming the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from otobo_znuny import BasicAuth, ConfigurationError, ServerFlavor, SessionAuth, TicketOperation
from otobo_znuny.cli.settings import ConnectionOptions, config_path, load_profile, resolve_settings

PROFILE_FILE = """
default_profile = "prod"

[profiles.prod]
base_url = "https://prod.example/otrs/nph-genericinterface.pl"
webservice = "ProdService"
user = "prod-agent"
password = "profile-password"
layout = "rest"
flavor = "otobo"
timezone = "Europe/Berlin"

[profiles.test]
base_url = "https://test.example/znuny/nph-genericinterface.pl"
customer_user = "tester"
insecure = true
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(PROFILE_FILE, encoding="utf-8")
    return path


def env_with(config_file: Path, **values: str) -> dict[str, str]:
    return {"OTOBO_ZNUNY_CONFIG": str(config_file), **values}


def password_of(auth: BasicAuth | SessionAuth) -> str:
    assert isinstance(auth, BasicAuth)
    return auth.password.get_secret_value()


def test_the_default_profile_applies(config_file: Path) -> None:
    settings = resolve_settings(ConnectionOptions(), env_with(config_file))
    config = settings.config
    assert config.base_url == "https://prod.example/otrs/nph-genericinterface.pl"
    assert config.webservice_name == "ProdService"
    assert config.flavor is ServerFlavor.OTOBO
    assert config.server_timezone == "Europe/Berlin"
    assert config.route_for(TicketOperation.GET).path == "Ticket/:TicketID", "rest layout"
    assert isinstance(settings.auth, BasicAuth)
    assert settings.auth.user_login == "prod-agent"
    assert password_of(settings.auth) == "profile-password"
    assert settings.verify is True


def test_environment_beats_profile_and_flags_beat_environment(config_file: Path) -> None:
    env = env_with(
        config_file,
        OTOBO_ZNUNY_BASE_URL="https://env.example/otrs/nph-genericinterface.pl",
        OTOBO_ZNUNY_PASSWORD="env-password",
        OTOBO_ZNUNY_LAYOUT="post",
    )
    from_env = resolve_settings(ConnectionOptions(), env)
    assert from_env.config.base_url == "https://env.example/otrs/nph-genericinterface.pl"
    assert password_of(from_env.auth) == "env-password"
    assert from_env.config.route_for(TicketOperation.GET).path == "TicketGet", "post layout from the environment"
    assert from_env.config.webservice_name == "ProdService", "still from the profile"

    flags = ConnectionOptions(base_url="https://flag.example/otrs/nph-genericinterface.pl", password="flag-password")
    from_flags = resolve_settings(flags, env)
    assert from_flags.config.base_url == "https://flag.example/otrs/nph-genericinterface.pl"
    assert password_of(from_flags.auth) == "flag-password"


def test_profile_chosen_by_flag_or_environment(config_file: Path) -> None:
    by_env = resolve_settings(
        ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_PROFILE="test", OTOBO_ZNUNY_PASSWORD="pw1")
    )
    assert by_env.config.base_url.startswith("https://test.example")
    assert isinstance(by_env.auth, BasicAuth)
    assert by_env.auth.customer_user_login == "tester"
    assert by_env.verify is False
    by_flag = resolve_settings(ConnectionOptions(profile="prod"), env_with(config_file, OTOBO_ZNUNY_PROFILE="test"))
    assert by_flag.config.base_url.startswith("https://prod.example")


def test_a_login_on_a_higher_level_replaces_the_profile_login(config_file: Path) -> None:
    settings = resolve_settings(ConnectionOptions(customer_user="carla"), env_with(config_file))
    assert isinstance(settings.auth, BasicAuth)
    assert settings.auth.customer_user_login == "carla"
    assert settings.auth.user_login is None
    both = ConnectionOptions(user="a", customer_user="b", password="pw1")
    with pytest.raises(ConfigurationError, match="--user and --customer-login"):
        resolve_settings(both, env_with(config_file))


def test_a_session_id_replaces_the_login(config_file: Path) -> None:
    settings = resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_SESSION_ID="abcdef123"))
    assert isinstance(settings.auth, SessionAuth)
    assert settings.secrets == ["abcdef123"]


def test_missing_password_is_prompted_for_or_refused(tmp_path: Path) -> None:
    env = {"OTOBO_ZNUNY_CONFIG": str(tmp_path / "none.toml")}
    options = ConnectionOptions(base_url="https://h.example/otrs/nph-genericinterface.pl", user="agent")
    asked: list[str] = []

    def prompt(label: str) -> str:
        asked.append(label)
        return "typed-password"

    settings = resolve_settings(options, env, prompt=prompt)
    assert password_of(settings.auth) == "typed-password"
    assert asked == ["Password for agent"]
    with pytest.raises(ConfigurationError, match="OTOBO_ZNUNY_PASSWORD"):
        resolve_settings(options, env)


def test_missing_server_or_login_names_the_ways_to_give_them(tmp_path: Path) -> None:
    env = {"OTOBO_ZNUNY_CONFIG": str(tmp_path / "none.toml")}
    with pytest.raises(ConfigurationError, match=r"--base-url.*OTOBO_ZNUNY_BASE_URL"):
        resolve_settings(ConnectionOptions(user="a", password="pw1"), env)
    with pytest.raises(ConfigurationError, match="no login"):
        resolve_settings(ConnectionOptions(base_url="https://h.example/x/nph-genericinterface.pl"), env)


def test_invalid_values_name_their_source(config_file: Path) -> None:
    with pytest.raises(ConfigurationError, match="OTOBO_ZNUNY_LAYOUT"):
        resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_LAYOUT="soap"))
    with pytest.raises(ConfigurationError, match="OTOBO_ZNUNY_FLAVOR"):
        resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_FLAVOR="otrs"))
    with pytest.raises(ConfigurationError, match="--base-url"):
        resolve_settings(ConnectionOptions(base_url="ftp://nope"), env_with(config_file))


def test_profile_errors(config_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"'staging' not found.*prod, test"):
        load_profile("staging", config_file)
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_profile("prod", tmp_path / "missing.toml")
    assert load_profile(None, tmp_path / "missing.toml") == (None, {})
    typo = tmp_path / "typo.toml"
    typo.write_text('[profiles.a]\nbase_ulr = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"base_ulr.*unknown key"):
        load_profile("a", typo)
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles.a\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot read profile file"):
        load_profile("a", broken)


def test_config_path_honours_the_environment(tmp_path: Path) -> None:
    assert config_path({"OTOBO_ZNUNY_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    assert config_path({}).name == "config.toml"
    assert "otobo-znuny" in str(config_path({}))


def test_emulator_seed_supplies_defaults_and_unknown_seeds_are_refused(tmp_path: Path) -> None:
    env = {"OTOBO_ZNUNY_CONFIG": str(tmp_path / "none.toml"), "OTOBO_ZNUNY_EMULATOR_SEED": "demo"}
    settings = resolve_settings(ConnectionOptions(), env)
    assert settings.emulator_seed == "demo"
    assert settings.config.base_url == "http://emulator/otrs/nph-genericinterface.pl"
    with pytest.raises(ConfigurationError, match="unknown seed"):
        resolve_settings(ConnectionOptions(), {**env, "OTOBO_ZNUNY_EMULATOR_SEED": "nope"})


def test_options_never_show_secrets_in_repr() -> None:
    options = ConnectionOptions(user="a", password="flag-secret", session_id="session-secret")
    assert "flag-secret" not in repr(options)
    assert "session-secret" not in repr(options)
    assert options.secrets == ["flag-secret", "session-secret"]


@pytest.mark.parametrize("tail", ["/Webservice/GenericTicket", "/Webservice/GenericTicket/TicketGet", "/Webservice"])
def test_a_base_url_with_the_webservice_part_is_refused_naming_its_source(config_file: Path, tail: str) -> None:
    url = "https://prod.example/otrs/nph-genericinterface.pl" + tail
    with pytest.raises(ConfigurationError) as flag:
        resolve_settings(ConnectionOptions(base_url=url), env_with(config_file))
    assert str(flag.value).startswith("--base-url: ")
    assert "before /Webservice/" in str(flag.value)
    assert "--webservice" in str(flag.value)
    with pytest.raises(ConfigurationError) as env:
        resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_BASE_URL=url))
    assert str(env.value).startswith("OTOBO_ZNUNY_BASE_URL")


@pytest.mark.parametrize(("raw", "insecure"), [("1", False), ("yes", False), ("0", True), ("off", True)])
def test_the_insecure_variable_reads_the_usual_words(config_file: Path, raw: str, insecure: bool) -> None:
    settings = resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_INSECURE=raw))
    assert settings.verify is insecure


@pytest.mark.parametrize("raw", ["maybe", "ture", "2"])
def test_a_typo_in_the_insecure_variable_is_refused(config_file: Path, raw: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_settings(ConnectionOptions(), env_with(config_file, OTOBO_ZNUNY_INSECURE=raw))
    assert str(caught.value) == f"OTOBO_ZNUNY_INSECURE: expected 1/true/yes/on or 0/false/no/off, got {raw!r}"
