"""The connection options, accepted before the command and after it.

    otobo-znuny --webservice X ticket search --queue Support
    otobo-znuny ticket search --queue Support --webservice X      # the same

The root command declares them with the types below. :class:`ConnectionOptionsAnywhere`, the root
group, moves the ones that follow a ``ticket`` or ``session`` command to the front before parsing,
so a value given after the command wins over one given before it. (Declaring them on every command
would cost start-up time: typer builds a validator for every parameter of the invoked command.)
``--customer-user`` is a search/create criterion of the ticket commands, so after the command the
customer-user login is ``--customer-login`` (accepted before the command too).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from otobo_znuny.cli.config_keys import ENV_NAMES, PROFILE_ENV, ConnectionOptions, FlavorName, LayoutName

__all__ = ["CONNECTION_PANEL", "HOISTED_GROUPS", "ConnectionOptionsAnywhere", "hoist_connection_options", "merged"]

CONNECTION_PANEL = "Connection (before or after the command)"


def _option(*names: str, metavar: str | None = None, help: str, **extra: Any) -> Any:
    return typer.Option(*names, metavar=metavar, help=help, rich_help_panel=CONNECTION_PANEL, **extra)


BaseUrlOption = Annotated[
    Optional[str],
    _option(
        "--base-url",
        metavar="URL",
        help=f"Everything before /Webservice/, e.g. https://helpdesk.example/otrs/nph-genericinterface.pl "
        f"(env {ENV_NAMES['base_url']}).",
    ),
]
WebserviceOption = Annotated[
    Optional[str], _option("--webservice", metavar="NAME", help=f"Web-service name (env {ENV_NAMES['webservice']}).")
]
UserOption = Annotated[
    Optional[str], _option("--user", metavar="LOGIN", help=f"Agent login (env {ENV_NAMES['user']}).")
]
CustomerLoginOption = Annotated[
    Optional[str],
    _option(
        "--customer-login",
        metavar="LOGIN",
        help=f"Customer-user login instead of an agent (env {ENV_NAMES['customer_user']}).",
    ),
]
PasswordOption = Annotated[
    Optional[str],
    _option(
        "--password",
        metavar="PASSWORD",
        help=f"Password; better {ENV_NAMES['password']} or the hidden prompt (flags are visible to other users).",
    ),
]
SessionIdOption = Annotated[
    Optional[str],
    _option("--session-id", metavar="ID", help=f"Use an existing session (env {ENV_NAMES['session_id']})."),
]
ProfileOption = Annotated[
    Optional[str],
    _option("--profile", metavar="NAME", help=f"Profile of the config file (env {PROFILE_ENV}; see --help)."),
]
LayoutOption = Annotated[
    Optional[LayoutName],
    _option(
        "--layout",
        help=f"post (GenericTicket) or rest (GenericTicketConnectorREST) (env {ENV_NAMES['layout']}).",
    ),
]
FlavorOption = Annotated[Optional[FlavorName], _option("--flavor", help=f"znuny or otobo (env {ENV_NAMES['flavor']}).")]
InsecureOption = Annotated[
    bool,
    _option(
        "--insecure",
        metavar="",
        help=f"Do not verify the TLS certificate: the password can be intercepted (env {ENV_NAMES['insecure']}).",
    ),
]
CaBundleOption = Annotated[
    Optional[str],
    _option(
        "--ca-bundle",
        metavar="FILE",
        help=f"Verify TLS with this CA bundle (PEM), e.g. a private CA (env {ENV_NAMES['ca_bundle']}).",
    ),
]
RetriesOption = Annotated[
    Optional[int],
    _option("--retries", metavar="N", min=0, help="Retries of failures that are safe to retry (default 2)."),
]
VerboseOption = Annotated[
    bool, _option("--verbose", "-v", metavar="", help="Log retries and sessions on stderr (secrets hidden).")
]
DebugOption = Annotated[
    bool,
    _option("--debug", metavar="", help="Also log every request on stderr: operation, URL, status, size, time."),
]

VALUE_OPTIONS = frozenset(
    {
        "--base-url",
        "--webservice",
        "--user",
        "--customer-login",
        "--password",
        "--session-id",
        "--profile",
        "--layout",
        "--flavor",
        "--ca-bundle",
        "--retries",
    }
)
FLAG_OPTIONS = frozenset({"--insecure", "--verbose", "-v", "--debug"})
HOISTED_GROUPS = frozenset({"ticket", "session"})
"""The command groups whose commands take connection options after them (they talk to the server)."""


def merged(options: ConnectionOptions, given: dict[str, Any]) -> ConnectionOptions:
    """``options`` with the values of ``given`` (ConnectionOptions fields, ``verbose``, ``debug``) that
    were given: not None, and True for flags."""
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if value is None or value is False:
            continue
        if name == "verbose":
            changes["verbosity"] = max(options.verbosity, changes.get("verbosity", 0), 1)
        elif name == "debug":
            changes["verbosity"] = 2
        else:
            changes[name] = value.value if isinstance(value, (LayoutName, FlavorName)) else value
    return dataclasses.replace(options, **changes) if changes else options


def _value_options(command: Any) -> set[str]:
    """The options of a click command that take a value (their next word is not an option)."""
    found: set[str] = set()
    for param in getattr(command, "params", []):
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        found.update(opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-"))
    return found


def hoist_connection_options(group: Any, args: list[str]) -> list[str]:
    """``args`` with the connection options that follow a ``ticket``/``session`` command moved in front.

    The command's own options (and their values) stay where they are, so ``ticket create --title
    --debug`` keeps ``--debug`` as the title; nothing after ``--`` moves.
    """
    commands = getattr(group, "commands", {})
    root_values = _value_options(group)
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in root_values else 1
    if index + 1 >= len(args) or args[index] not in HOISTED_GROUPS:
        return args
    sub = commands.get(args[index])
    command = getattr(sub, "commands", {}).get(args[index + 1])
    if command is None:
        return args
    own = _value_options(command) - VALUE_OPTIONS
    head, kept = list(args[:index]), list(args[index : index + 2])
    rest = args[index + 2 :]
    position = 0
    while position < len(rest):
        word = rest[position]
        name = word.split("=", 1)[0]
        if word == "--":
            kept.extend(rest[position:])
            break
        if name in VALUE_OPTIONS:
            take = 1 if "=" in word else 2
            head.extend(rest[position : position + take])
            position += take
        elif word in FLAG_OPTIONS:
            head.append(word)
            position += 1
        elif name in own and "=" not in word:
            kept.extend(rest[position : position + 2])
            position += 2
        else:
            kept.append(word)
            position += 1
    return head + kept


class ConnectionOptionsAnywhere(TyperGroup):
    """The root group: connection options after a ``ticket``/``session`` command count as given before it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        result: list[str] = super().parse_args(ctx, hoist_connection_options(self, list(args)))
        return result
