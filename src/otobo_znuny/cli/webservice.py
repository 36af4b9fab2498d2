"""Web-service YAML for Znuny/OTOBO, and the console commands that install it and an API agent.

The routes come from the ``ClientConfig`` presets, so a web service rendered with ``--layout post``
is exactly what ``ClientConfig.generic_ticket`` (and the CLI's ``--layout post``) expects, and
``--layout rest`` matches ``ClientConfig.rest_connector``. The YAML has the shape of the admin
interface's export, so ``Admin::WebService::Add --source-path`` and the web import both take it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.cli.settings import LAYOUTS
from otobo_znuny.config import Route, ServerFlavor, TicketOperation
from otobo_znuny.errors import OTOBOZnunyError, RequestValidationError

__all__ = [
    "PERMISSIONS",
    "AgentSpec",
    "ConsoleCommand",
    "ConsoleCommandFailed",
    "console_prefix",
    "layout_routes",
    "parse_groups",
    "parse_operations",
    "render_webservice",
    "run_plan",
    "setup_plan",
    "temporary_yaml_path",
    "webservice_document",
]

PERMISSIONS = ("ro", "move_into", "create", "owner", "priority", "rw")
"""Permission keys ``Admin::Group::UserLink --permission`` accepts (one per group and user)."""

_DESCRIPTIONS = {
    TicketOperation.SESSION_CREATE: "Create a session",
    TicketOperation.SESSION_GET: "Retrieve session data",
    TicketOperation.SESSION_REMOVE: "Remove a session",
    TicketOperation.CREATE: "Create a ticket",
    TicketOperation.GET: "Retrieve ticket data",
    TicketOperation.SEARCH: "Search for tickets",
    TicketOperation.UPDATE: "Update a ticket",
    TicketOperation.HISTORY_GET: "Retrieve ticket history data",
}
_MASK = "********"


class ConsoleCommandFailed(OTOBOZnunyError):
    """A console command of ``webservice setup`` could not run or exited with a non-zero status."""


def layout_routes(layout: str, flavor: ServerFlavor = ServerFlavor.ZNUNY) -> dict[TicketOperation, Route]:
    """The routes of a layout (``post`` or ``rest``), taken from the matching ``ClientConfig`` preset
    (which leaves out what the server ``flavor`` lacks: OTOBO has no SessionRemove).

    Raises:
        RequestValidationError: an unknown layout.
    """
    if layout not in LAYOUTS:
        raise RequestValidationError("--layout", f"must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    return dict(LAYOUTS[layout]("http://webservice.invalid", flavor=flavor).operation_url_map)


def parse_operations(text: str | None, layout: str, flavor: ServerFlavor = ServerFlavor.ZNUNY) -> list[TicketOperation]:
    """``"TicketCreate,TicketGet"`` -> operations; ``None`` -> every operation the layout has (for a
    server of ``flavor``).

    Raises:
        RequestValidationError: an unknown operation, one the server flavour lacks, or one the layout
            has no route for.
    """
    routes = layout_routes(layout, flavor)
    if text is None:
        return list(routes)
    operations: list[TicketOperation] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        try:
            operation = TicketOperation(name)
        except ValueError:
            known = ", ".join(op.value for op in routes)
            raise RequestValidationError("--operations", f"unknown operation {name!r} (operations: {known})") from None
        if not flavor.has_operation(operation):
            raise RequestValidationError(
                "--operations", f"{name}: {flavor.missing_operation_reason(operation)}; leave it out for this server"
            )
        if operation not in routes:
            raise RequestValidationError("--operations", f"the {layout} layout has no route for {name}")
        if operation not in operations:
            operations.append(operation)
    if not operations:
        raise RequestValidationError("--operations", "give at least one operation")
    return operations


def _check_name(name: str) -> str:
    if not name.strip() or "/" in name:
        raise RequestValidationError("--name", "the web-service name must be non-empty and must not contain '/'")
    return name.strip()


def _operation_type(operation: TicketOperation) -> str:
    family = "Session" if operation.value.startswith("Session") else "Ticket"
    return f"{family}::{operation.value}"


def webservice_document(
    name: str, layout: str, operations: Sequence[TicketOperation], flavor: ServerFlavor = ServerFlavor.ZNUNY
) -> dict[str, Any]:
    """The web-service definition as a dict (the structure the admin interface exports).

    The debugger logs errors only: at ``debug`` it would store every request, passwords included.

    Raises:
        RequestValidationError: an invalid name or layout, or an operation the layout (for a server of
            ``flavor``) lacks.
    """
    name = _check_name(name)
    routes = layout_routes(layout, flavor)
    missing = [op.value for op in operations if op not in routes]
    if missing:
        raise RequestValidationError("--operations", f"the {layout} layout has no route for {', '.join(missing)}")
    return {
        "Debugger": {"DebugThreshold": "error", "TestMode": "0"},
        "Description": f"{name}: tickets and sessions for otobo-znuny ({layout} layout)",
        "Provider": {
            "Operation": {
                op.value: {
                    "Description": _DESCRIPTIONS[op],
                    "MappingInbound": {},
                    "MappingOutbound": {},
                    "Type": _operation_type(op),
                }
                for op in operations
            },
            "Transport": {
                "Config": {
                    "KeepAlive": "",
                    "MaxLength": "100000000",
                    "RouteOperationMapping": {
                        op.value: {"RequestMethod": [routes[op].method], "Route": "/" + routes[op].path}
                        for op in operations
                    },
                },
                "Type": "HTTP::REST",
            },
        },
        "RemoteSystem": "",
        "Requester": {"Transport": {"Type": ""}},
    }


def render_webservice(
    name: str, layout: str, operations: Sequence[TicketOperation], flavor: ServerFlavor = ServerFlavor.ZNUNY
) -> str:
    """The web-service YAML text (see :func:`webservice_document`)."""
    document = webservice_document(name, layout, operations, flavor)
    yaml = import_yaml("webservice render", extra="cli")
    text: str = yaml.safe_dump(
        document, sort_keys=False, explicit_start=True, default_flow_style=False, allow_unicode=True
    )
    return text


def parse_groups(text: str | None) -> list[tuple[str, str]]:
    """``"users:rw,support:ro"`` -> ``[("users", "rw"), ("support", "ro")]``.

    Raises:
        RequestValidationError: a malformed item, an unknown permission, or a group named twice (the
            console sets one permission per group; a second link would replace the first).
    """
    if not text:
        return []
    groups: list[tuple[str, str]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, sep, permission = item.partition(":")
        if not sep or not group.strip():
            raise RequestValidationError("--groups", f"expected GROUP:PERMISSION, got {item!r}")
        if permission not in PERMISSIONS:
            raise RequestValidationError("--groups", f"{item!r}: permission must be one of {', '.join(PERMISSIONS)}")
        if any(existing == group.strip() for existing, _ in groups):
            raise RequestValidationError("--groups", f"group {group.strip()!r} appears twice; give one permission")
        groups.append((group.strip(), permission))
    return groups


@dataclass(frozen=True, repr=False)
class ConsoleCommand:
    """One console invocation; ``secret`` (a password in ``argv``) is masked when shown or repr'd."""

    argv: tuple[str, ...]
    secret: str | None = None

    def __repr__(self) -> str:
        return f"ConsoleCommand({self.shown()!r})"

    @property
    def command_name(self) -> str:
        """The console command, e.g. ``Admin::User::Add``."""
        return next((arg for arg in self.argv if "::" in arg), self.argv[0])

    def shown(self) -> str:
        """The command line as printed: shell-quoted, the secret replaced by ``********``."""
        return shlex.join(_MASK if self.secret and arg == self.secret else arg for arg in self.argv)


@dataclass(frozen=True)
class AgentSpec:
    """The API agent ``webservice setup`` creates."""

    login: str
    password: str = field(repr=False)
    first_name: str = "API"
    last_name: str = "Agent"
    email: str | None = None
    groups: Sequence[tuple[str, str]] = ()


def console_prefix(console: str) -> tuple[str, ...]:
    """The ``--console`` prefix split like a shell would.

    Raises:
        RequestValidationError: empty or unparsable.
    """
    try:
        prefix = tuple(shlex.split(console))
    except ValueError as exc:
        raise RequestValidationError("--console", f"cannot split {console!r}: {exc}") from None
    if not prefix:
        raise RequestValidationError("--console", "give the console command, e.g. 'bin/otobo.Console.pl'")
    return prefix


def setup_plan(console: str, *, name: str, source_path: str, agent: AgentSpec | None = None) -> list[ConsoleCommand]:
    """The console commands that add the web service and, with ``agent``, the agent and its groups.

    ``console`` is the command prefix, split like a shell would (``docker exec otobo-web-1
    bin/otobo.Console.pl``, ``sudo -u otrs /opt/znuny/bin/znuny.Console.pl``).

    Raises:
        RequestValidationError: an empty or unparsable prefix, or an invalid name.
    """
    prefix = console_prefix(console)
    commands = [
        ConsoleCommand((*prefix, "Admin::WebService::Add", "--name", _check_name(name), "--source-path", source_path))
    ]
    if agent is None:
        return commands
    email = agent.email or f"{agent.login}@example.com"
    commands.append(
        ConsoleCommand(
            (
                *prefix,
                "Admin::User::Add",
                "--user-name",
                agent.login,
                "--first-name",
                agent.first_name,
                "--last-name",
                agent.last_name,
                "--email-address",
                email,
                "--password",
                agent.password,
            ),
            secret=agent.password,
        )
    )
    for group, permission in agent.groups:
        commands.append(
            ConsoleCommand(
                (
                    *prefix,
                    "Admin::Group::UserLink",
                    "--user-name",
                    agent.login,
                    "--group-name",
                    group,
                    "--permission",
                    permission,
                )
            )
        )
    return commands


Runner = Callable[[Sequence[str]], int]


def _run_process(argv: Sequence[str]) -> int:
    return subprocess.run(list(argv), check=False).returncode  # no shell: arguments are passed as they are


def run_plan(commands: Sequence[ConsoleCommand], echo: Callable[[str], None], run: Runner = _run_process) -> None:
    """Print each command (secret masked), run it, and stop at the first failure.

    Raises:
        ConsoleCommandFailed: a command could not be started or exited with a non-zero status.
    """
    for index, command in enumerate(commands, start=1):
        echo(f"$ {command.shown()}")
        try:
            status = run(command.argv)
        except OSError as exc:
            raise ConsoleCommandFailed(
                f"cannot run {command.argv[0]!r} ({exc.strerror or exc}); check --console"
            ) from None
        if status != 0:
            raise ConsoleCommandFailed(
                f"command {index} of {len(commands)} ({command.command_name}) failed with exit status {status}; "
                "the commands after it were not run"
            )


def temporary_yaml_path(prefix: str) -> Path:
    """A new temporary ``.yml`` file that the console can read when it runs as another user
    (``sudo -u otrs``); the YAML files of the setup hold no secret."""
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=".yml")
    os.close(handle)
    os.chmod(path, 0o644)
    return Path(path)
