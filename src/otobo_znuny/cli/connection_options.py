"""The connection options, accepted before the command and after it.

    otobo-znuny --webservice X ticket search --queue Support
    otobo-znuny ticket search --queue Support --webservice X      # the same

The root command declares them with the types below; :func:`accepts_connection_options` adds the
same options to a command, and a value given after the command wins over one given before it.
``--customer-user`` is a search/create criterion of the ticket commands, so after the command the
customer-user login is ``--customer-login`` (accepted before the command too).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, Optional, TypeVar

import typer

from otobo_znuny.cli.config_keys import ENV_NAMES, PROFILE_ENV, ConnectionOptions, FlavorName, LayoutName

__all__ = ["CONNECTION_PANEL", "accepts_connection_options", "merged"]

CONNECTION_PANEL = "Connection (before or after the command)"

F = TypeVar("F", bound=Callable[..., Any])


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

# ConnectionOptions field -> (parameter name in a command, annotation, default)
_PARAMETERS: tuple[tuple[str, str, Any, Any], ...] = (
    ("base_url", "connection_base_url", BaseUrlOption, None),
    ("webservice", "connection_webservice", WebserviceOption, None),
    ("user", "connection_user", UserOption, None),
    ("customer_user", "connection_customer_login", CustomerLoginOption, None),
    ("password", "connection_password", PasswordOption, None),
    ("session_id", "connection_session_id", SessionIdOption, None),
    ("profile", "connection_profile", ProfileOption, None),
    ("layout", "connection_layout", LayoutOption, None),
    ("flavor", "connection_flavor", FlavorOption, None),
    ("insecure", "connection_insecure", InsecureOption, False),
    ("ca_bundle", "connection_ca_bundle", CaBundleOption, None),
    ("retries", "connection_retries", RetriesOption, None),
    ("verbose", "connection_verbose", VerboseOption, False),
    ("debug", "connection_debug", DebugOption, False),
)


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


def accepts_connection_options(function: F) -> F:
    """Give a command (which has a ``ctx: typer.Context`` parameter) the connection options too.

    The values given after the command are merged into the root command's ``ConnectionOptions``
    before the command body runs.
    """
    signature = inspect.signature(function, eval_str=True)
    extra = [
        inspect.Parameter(parameter, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for _, parameter, annotation, default in _PARAMETERS
    ]

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        given = {field: kwargs.pop(parameter) for field, parameter, _, _ in _PARAMETERS}
        ctx = kwargs.get("ctx") or next(arg for arg in args if isinstance(arg, typer.Context))
        root = ctx.find_root()
        current = root.obj if isinstance(root.obj, ConnectionOptions) else ConnectionOptions()
        root.obj = merged(current, given)
        return function(*args, **kwargs)

    parameters = [*signature.parameters.values(), *extra]
    command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    return command  # type: ignore[return-value]
