"""Where the command line connects and as whom: flags > environment > profile > defaults.

Profiles are tables of a TOML file, ``config.toml`` in the user's config directory
(``~/.config/otobo-znuny/config.toml`` on Linux, via platformdirs) or the file named by
``OTOBO_ZNUNY_CONFIG``. :data:`~otobo_znuny.cli.config_keys.SETTINGS` lists every key with its flag
and environment variable; ``otobo-znuny --help`` and the README show the same reference.

The embedded emulator instead of a server: ``OTOBO_ZNUNY_EMULATOR_SEED=demo`` makes every command
talk to an in-process emulator with that seed, answering like the chosen ``--flavor`` (base URL,
user and password then default to the emulator's). Each invocation gets a fresh emulator from
:func:`load_emulator`; tests replace that function to let several invocations share one emulator.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pydantic

from otobo_znuny.auth import BasicAuth, SessionAuth
from otobo_znuny.cli.config_keys import (
    BOOLEAN_KEYS,
    CONFIG_ENV,
    EMULATOR_SEED_ENV,
    ENV_NAMES,
    PROFILE_ENV,
    PROFILE_KEYS,
    ConnectionOptions,
    LayoutName,
)
from otobo_znuny.config import ClientConfig, ServerFlavor
from otobo_znuny.errors import ConfigurationError, validation_message

if TYPE_CHECKING:
    from otobo_znuny.emulator import Emulator

__all__ = [
    "CONFIG_ENV",
    "EMULATOR_SEED_ENV",
    "ENV_NAMES",
    "LAYOUTS",
    "PROFILE_ENV",
    "ConnectionOptions",
    "ConnectionSettings",
    "LayoutName",
    "ProfileFileError",
    "config_path",
    "emulator_http_client",
    "load_emulator",
    "load_profile",
    "resolve_settings",
]

LAYOUTS = {LayoutName.POST.value: ClientConfig.generic_ticket, LayoutName.REST.value: ClientConfig.rest_connector}
"""``post``: the GenericTicket layout (every operation POST /<Operation>); ``rest``: GenericTicketConnectorREST."""

PromptFunction = Callable[[str], str]


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to build a client: configuration, credentials, TLS and emulator choice."""

    config: ClientConfig
    auth: BasicAuth | SessionAuth = field(repr=False)
    verify: bool | str = True
    """True, False (--insecure) or the path of a CA bundle (--ca-bundle)."""
    emulator_seed: str | None = None
    retries: int | None = None
    """Retries of safe failures; ``None`` = the library's default."""

    @property
    def secrets(self) -> list[str]:
        """The password or SessionID in use, and a password in the base URL (never to be printed)."""
        from urllib.parse import unquote, urlsplit

        if isinstance(self.auth, BasicAuth):
            found = [self.auth.password.get_secret_value()]
        else:
            found = [self.auth.session_id.get_secret_value()]
        try:
            in_url = urlsplit(self.config.base_url).password
        except ValueError:
            in_url = None
        if in_url:  # https://user:secret@proxy/...: the URL is shown in logs and messages
            found += [in_url, unquote(in_url)]
        return found


@dataclass(frozen=True)
class _Value:
    value: Any
    source: str


class _Levels:
    """The sources of settings in precedence order; ``pick`` takes the first that has a key."""

    def __init__(self) -> None:
        self.levels: list[tuple[dict[str, Any], Callable[[str], str]]] = []

    def add(self, values: Mapping[str, Any], describe: Callable[[str], str]) -> None:
        present = {key: value for key, value in values.items() if value is not None and value != ""}
        self.levels.append((present, describe))

    def pick(self, key: str) -> _Value | None:
        for values, describe in self.levels:
            if key in values:
                return _Value(values[key], describe(key))
        return None

    def first_level_with(self, *keys: str) -> tuple[dict[str, Any], Callable[[str], str]] | None:
        for values, describe in self.levels:
            if any(key in values for key in keys):
                return values, describe
        return None


def config_path(environ: Mapping[str, str]) -> Path:
    """The profile file: ``$OTOBO_ZNUNY_CONFIG``, else ``config.toml`` in the user's config directory."""
    explicit = environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    try:
        from platformdirs import user_config_dir
    except ImportError:  # platformdirs is part of the cli extra; fall back to the XDG default
        return Path.home() / ".config" / "otobo-znuny" / "config.toml"
    return Path(user_config_dir("otobo-znuny")) / "config.toml"


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10 only
        import tomli  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover
        raise ConfigurationError(
            "reading profiles needs tomli on Python 3.10: pip install 'otobo-znuny[cli]'"
        ) from None
    return tomli  # pragma: no cover


def _read_toml(path: Path) -> dict[str, Any]:
    toml = _toml_module()
    try:
        with path.open("rb") as file:
            document: dict[str, Any] = toml.load(file)
    except (OSError, toml.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read profile file {path}: {exc}") from exc
    return document


class ProfileFileError(ConfigurationError):
    """A problem of the profile file, worded in its keys (``base_url``), which are not to become flags."""


def load_profile(name: str | None, path: Path) -> tuple[str | None, dict[str, Any]]:
    """The profile ``name`` (or the file's ``default_profile``) from ``path``: ``(name, values)``.

    No file and no name asked for means no profile: ``(None, {})``.

    Raises:
        ConfigurationError: the file is unreadable, the profile is missing, or it has an unknown key
            or a value of the wrong type.
    """
    if not path.exists():
        if name:
            raise ProfileFileError(f"profile {name!r} asked for, but the profile file {path} does not exist")
        return None, {}
    document = _read_toml(path)
    profiles = document.get("profiles") or {}
    chosen = name or document.get("default_profile")
    if not chosen:
        return None, {}
    if not isinstance(profiles, dict) or chosen not in profiles or not isinstance(profiles[chosen], dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) and profiles else "none"
        raise ProfileFileError(f"profile {chosen!r} not found in {path} (profiles: {known})")
    values: dict[str, Any] = dict(profiles[chosen])
    for key, value in values.items():
        where = f"{path} [profiles.{chosen}] {key}"
        if key not in PROFILE_KEYS:
            raise ProfileFileError(f"{where}: unknown key (known keys: {', '.join(sorted(PROFILE_KEYS))})")
        expected = bool if key in BOOLEAN_KEYS else str
        if not isinstance(value, expected):
            raise ProfileFileError(f"{where}: must be a {expected.__name__}")
    return str(chosen), values


def _env_values(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {key: environ.get(name) for key, name in ENV_NAMES.items()}
    for key in BOOLEAN_KEYS:
        raw = environ.get(ENV_NAMES[key])
        word = (raw or "").strip().lower()
        if word and word not in _TRUE + _FALSE:  # a typo must not quietly mean "no"
            raise ConfigurationError(f"{ENV_NAMES[key]}: expected {'/'.join(_TRUE)} or {'/'.join(_FALSE)}, got {raw!r}")
        values[key] = None if not word else word in _TRUE
    return values


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _emulator_defaults(seed: str, flavor: _Value | None) -> dict[str, Any]:
    """Defaults for the in-process emulator; its base URL follows the chosen flavour (OTOBO: ``/otobo/``)."""
    from otobo_znuny.emulator.flavors import FLAVORS
    from otobo_znuny.emulator.seeds import SEEDS
    from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

    if seed not in SEEDS:
        raise ConfigurationError(f"{EMULATOR_SEED_ENV}: unknown seed {seed!r} (seeds: {', '.join(SEEDS)})")
    chosen = FLAVORS.get(str(flavor.value).lower() if flavor else "znuny", FLAVORS["znuny"])  # checked later
    return {"base_url": "http://emulator" + chosen.default_script, "user": EMULATOR_USER, "password": EMULATOR_PASSWORD}


def _build_config(levels: _Levels) -> ClientConfig:
    base_url = levels.pick("base_url")
    if base_url is None:
        raise ConfigurationError(
            f"no server: give --base-url, set {ENV_NAMES['base_url']}, or choose a profile (--profile) "
            "(the base URL ends in nph-genericinterface.pl)"
        )
    if "/Webservice/" in f"{str(base_url.value).rstrip('/')}/":  # the whole URL of a web service or operation
        raise ConfigurationError(
            f"{base_url.source}: give the URL only up to nph-genericinterface.pl (everything before "
            "/Webservice/); the web service's name goes into --webservice"
        )
    layout = levels.pick("layout") or _Value("post", "default")
    if layout.value not in LAYOUTS:
        raise ConfigurationError(f"{layout.source}: layout must be one of {', '.join(LAYOUTS)}, got {layout.value!r}")
    flavor = levels.pick("flavor") or _Value("znuny", "default")
    try:
        server_flavor = ServerFlavor(str(flavor.value).lower())
    except ValueError:
        choices = ", ".join(f.value for f in ServerFlavor)
        raise ConfigurationError(f"{flavor.source}: flavor must be one of {choices}, got {flavor.value!r}") from None
    options: dict[str, Any] = {"flavor": server_flavor}
    webservice = levels.pick("webservice")
    if webservice is not None:
        options["webservice_name"] = webservice.value
    timezone = levels.pick("timezone")
    if timezone is not None:
        options["server_timezone"] = timezone.value
    try:
        return LAYOUTS[layout.value](base_url.value, **options)
    except pydantic.ValidationError as exc:
        sources = ", ".join(v.source for v in (base_url, webservice, timezone) if v is not None)
        raise ConfigurationError(f"invalid connection settings ({sources}): {validation_message(exc)}") from None


def _build_auth(levels: _Levels, prompt: PromptFunction | None) -> BasicAuth | SessionAuth:
    chosen = levels.first_level_with("session_id", "user", "customer_user")
    if chosen is None:
        raise ConfigurationError(
            f"no login: give --user (agent) or --customer-login, set {ENV_NAMES['user']}, or choose a profile"
        )
    values, describe = chosen
    if "session_id" in values:
        return SessionAuth(session_id=values["session_id"])
    if "user" in values and "customer_user" in values:
        raise ConfigurationError(
            f"{describe('user')} and {describe('customer_user')}: give an agent or a customer-user login, not both"
        )
    kind = "user_login" if "user" in values else "customer_user_login"
    login = str(values.get("user") or values.get("customer_user"))
    password = levels.pick("password")
    if password is not None:
        secret = str(password.value)
    elif prompt is not None:
        secret = prompt(f"Password for {login}")
    else:
        raise ConfigurationError(
            f"no password for {login}: set {ENV_NAMES['password']}, give --password, "
            "or run in a terminal to be asked for it"
        )
    try:
        return BasicAuth.model_validate({kind: login, "password": secret})
    except pydantic.ValidationError as exc:
        raise ConfigurationError(f"invalid login: {validation_message(exc)}") from None


def resolve_settings(
    options: ConnectionOptions,
    environ: Mapping[str, str] | None = None,
    *,
    prompt: PromptFunction | None = None,
) -> ConnectionSettings:
    """Combine flags, environment and profile (in that precedence) into connection settings.

    ``prompt`` asks for a missing password (hidden); without it a missing password is an error.

    Raises:
        ConfigurationError: no server or login, an unknown profile, layout, flavor or seed, or an
            invalid value (the message names where it came from).
    """
    env = os.environ if environ is None else environ
    profile_name, profile = load_profile(options.profile or env.get(PROFILE_ENV) or None, config_path(env))
    levels = _Levels()
    flags = {
        "base_url": options.base_url,
        "webservice": options.webservice,
        "user": options.user,
        "customer_user": options.customer_user,
        "password": options.password,
        "session_id": options.session_id,
        "layout": options.layout,
        "flavor": options.flavor,
        "insecure": options.insecure or None,
        "ca_bundle": options.ca_bundle,
    }
    levels.add(flags, lambda key: _FLAG_NAMES.get(key, "--" + key.replace("_", "-")))
    levels.add(_env_values(env), lambda key: ENV_NAMES[key])
    levels.add(profile, lambda key: f"profile {profile_name!r} key {key}")
    seed = env.get(EMULATOR_SEED_ENV) or None
    if seed is not None:
        levels.add(_emulator_defaults(seed, levels.pick("flavor")), lambda key: f"emulator default {key}")
    return ConnectionSettings(
        config=_build_config(levels),
        auth=_build_auth(levels, prompt),
        verify=_verify(levels),
        emulator_seed=seed,
        retries=options.retries,
    )


_FLAG_NAMES = {"customer_user": "--customer-login"}


def _verify(levels: _Levels) -> bool | str:
    """True, False (insecure) or the CA bundle's path.

    Raises:
        ConfigurationError: both insecure and a CA bundle, or a CA bundle that is not a file.
    """
    insecure = levels.pick("insecure")
    bundle = levels.pick("ca_bundle")
    if insecure is not None and insecure.value and bundle is not None:
        raise ConfigurationError(
            f"{insecure.source} and {bundle.source}: give --ca-bundle (verify with that CA) or --insecure, not both"
        )
    if bundle is not None:
        path = Path(str(bundle.value)).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"{bundle.source}: the CA bundle {str(path)!r} is not a file")
        return str(path)
    return not (insecure is not None and insecure.value)


def load_emulator(seed: str, flavor: str = "znuny") -> Emulator:
    """A fresh emulator with ``seed`` for ``OTOBO_ZNUNY_EMULATOR_SEED``, answering like ``flavor``
    (the ``--flavor`` in effect; tests replace this function)."""
    from otobo_znuny.emulator import Emulator

    return Emulator.from_seed(seed, flavor=flavor)


def emulator_http_client(settings: ConnectionSettings) -> httpx.AsyncClient | None:
    """An httpx client wired to the in-process emulator, or ``None`` to talk to a real server."""
    if settings.emulator_seed is None:
        return None
    from otobo_znuny.emulator import EmulatorTransport

    emulator = load_emulator(settings.emulator_seed, flavor=settings.config.flavor.value)
    return httpx.AsyncClient(transport=EmulatorTransport(emulator))
