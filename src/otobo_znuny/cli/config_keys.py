"""The names of the command line's settings: flags, environment variables, profile keys, choices.

Standard library only, so that ``otobo-znuny --help`` starts without importing the client;
:mod:`otobo_znuny.cli.settings` turns these into a client configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "AGENT_PASSWORD_ENV",
    "BOOLEAN_KEYS",
    "CONFIG_ENV",
    "EMULATOR_SEED_ENV",
    "ENV_NAMES",
    "EVENTS_SECRET_ENV",
    "OTHER_ENV",
    "PROFILE_ENV",
    "PROFILE_KEYS",
    "SETTINGS",
    "ConnectionOptions",
    "FlavorName",
    "LayoutName",
    "Setting",
    "reference_text",
]

CONFIG_ENV = "OTOBO_ZNUNY_CONFIG"
PROFILE_ENV = "OTOBO_ZNUNY_PROFILE"
EMULATOR_SEED_ENV = "OTOBO_ZNUNY_EMULATOR_SEED"
AGENT_PASSWORD_ENV = "OTOBO_ZNUNY_AGENT_PASSWORD"
EVENTS_SECRET_ENV = "OTOBO_ZNUNY_EVENTS_SECRET"


@dataclass(frozen=True)
class Setting:
    """One connection setting: its profile key, flag, environment variable and meaning."""

    key: str
    flag: str
    env: str
    meaning: str
    in_profile: bool = True


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "--base-url URL",
        "OTOBO_ZNUNY_BASE_URL",
        "everything before /Webservice/, e.g. https://helpdesk.example/otrs/nph-genericinterface.pl",
    ),
    Setting(
        "webservice", "--webservice NAME", "OTOBO_ZNUNY_WEBSERVICE", "the web service's name (default GenericTicket)"
    ),
    Setting("user", "--user LOGIN", "OTOBO_ZNUNY_USER", "the agent login"),
    Setting(
        "customer_user",
        "--customer-login LOGIN",
        "OTOBO_ZNUNY_CUSTOMER_USER",
        "a customer-user login instead of an agent (also --customer-user before the command)",
    ),
    Setting(
        "password",
        "--password",
        "OTOBO_ZNUNY_PASSWORD",
        "the password; asked for (hidden) on a terminal when missing; flags are visible to other users",
    ),
    Setting(
        "session_id",
        "--session-id ID",
        "OTOBO_ZNUNY_SESSION_ID",
        "an existing SessionID instead of a password",
        in_profile=False,
    ),
    Setting(
        "layout",
        "--layout post|rest",
        "OTOBO_ZNUNY_LAYOUT",
        "post: every operation POST /<Operation>; rest: REST routes",
    ),
    Setting("flavor", "--flavor znuny|otobo", "OTOBO_ZNUNY_FLAVOR", "the server family (default znuny)"),
    Setting(
        "timezone",
        "no flag",
        "OTOBO_ZNUNY_TIMEZONE",
        "the server's OTRSTimeZone/OTOBOTimeZone, e.g. Europe/Berlin (default UTC)",
    ),
    Setting(
        "ca_bundle",
        "--ca-bundle FILE",
        "OTOBO_ZNUNY_CA_BUNDLE",
        "trust this CA bundle (PEM) for TLS, e.g. a private CA",
    ),
    Setting(
        "insecure",
        "--insecure",
        "OTOBO_ZNUNY_INSECURE",
        "true/1/yes: do not verify the TLS certificate (the password can be intercepted)",
    ),
)
"""Every connection setting; flags beat environment variables, which beat the profile."""

ENV_NAMES = {setting.key: setting.env for setting in SETTINGS}
PROFILE_KEYS = frozenset(setting.key for setting in SETTINGS if setting.in_profile)
BOOLEAN_KEYS = frozenset({"insecure"})

OTHER_ENV = (
    (PROFILE_ENV, "the profile to use (like --profile NAME)"),
    (CONFIG_ENV, "the profile file (default: config.toml in the user's config directory)"),
    (EMULATOR_SEED_ENV, "demo, znuny_lab or empty: talk to an in-process emulator with that seed instead of a server"),
    (AGENT_PASSWORD_ENV, "the password of the agent webservice setup --agent creates"),
    (EVENTS_SECRET_ENV, "the shared secret of webservice render --events and events listen (like --secret)"),
)
"""The environment variables that are not connection settings."""


def reference_text(width: int = 100) -> str:
    """The configuration reference shown by ``--help`` and the README: file, profiles, keys, variables.

    Paragraphs are separated by blank lines; lines are at most ``width`` characters.
    """
    import textwrap

    def wrapped(text: str, indent: str = "") -> str:
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)

    paragraphs = [
        wrapped(
            "Settings come from flags (before or after the command), then OTOBO_ZNUNY_* environment variables, "
            f"then a profile in config.toml in the user's config directory (~/.config/otobo-znuny/config.toml on "
            f"Linux) or in the file {CONFIG_ENV} names. --profile NAME or {PROFILE_ENV} picks the profile, else "
            "the file's default_profile:"
        ),
        "\n".join(
            (
                '    default_profile = "prod"',
                "    [profiles.prod]",
                '    base_url = "https://helpdesk.example/otrs/nph-genericinterface.pl"',
                '    webservice = "GenericTicket"',
                '    user = "api-agent"',
                '    ca_bundle = "/etc/ssl/private-ca.pem"',
            )
        ),
        "Keys of a profile (flag, environment variable):",
    ]
    entries = []
    for setting in SETTINGS:
        key = setting.key if setting.in_profile else "(no profile key)"
        entries.append(f"  {key} ({setting.flag}, {setting.env})\n" + wrapped(setting.meaning, "      "))
    paragraphs.append("\n".join(entries))
    paragraphs.append("Other environment variables:")
    paragraphs.append("\n".join(f"  {name}\n" + wrapped(meaning, "      ") for name, meaning in OTHER_ENV))
    return "\n\n".join(paragraphs)


class LayoutName(str, Enum):
    """The ``--layout`` choices: the keys of ``layouts()``."""

    POST = "post"
    REST = "rest"


class FlavorName(str, Enum):
    """The ``--flavor`` choices (the values of ``ServerFlavor``, without importing it for ``--help``)."""

    ZNUNY = "znuny"
    OTOBO = "otobo"


@dataclass(frozen=True)
class ConnectionOptions:
    """The connection flags as given on the command line; ``None`` means "not given"."""

    base_url: str | None = None
    webservice: str | None = None
    user: str | None = None
    customer_user: str | None = None
    password: str | None = field(default=None, repr=False)
    session_id: str | None = field(default=None, repr=False)
    profile: str | None = None
    layout: str | None = None
    flavor: str | None = None
    insecure: bool = False
    ca_bundle: str | None = None
    retries: int | None = None
    verbosity: int = 0
    """0: warnings only; 1: --verbose (INFO); 2: --debug (DEBUG, one line per request)."""

    @property
    def secrets(self) -> list[str]:
        """Secret values given as flags (never to be printed)."""
        return [value for value in (self.password, self.session_id) if value]
