"""Web-service YAML for Znuny/OTOBO, and the console commands that install it and an API agent.

The routes come from the ``ClientConfig`` presets, so a web service rendered with ``--layout post``
is exactly what ``ClientConfig.generic_ticket`` (and the CLI's ``--layout post``) expects, and
``--layout rest`` matches ``ClientConfig.rest_connector``. The YAML has the shape of the admin
interface's export, so ``Admin::WebService::Add --source-path`` and the web import both take it.

The console usually runs somewhere else than this command (a container, another user, another
host), where a temporary file of this host does not exist. So the YAML goes to the console on its
standard input, read as ``--source-path /dev/stdin`` (``Admin::WebService::Add`` checks the path is
readable and reads it with ``Kernel::System::Main::FileRead``: Znuny 7.0.19
``Kernel/System/Console/Command/Admin/WebService/Add.pm``). ``docker exec`` and ``kubectl exec``
forward stdin only with ``-i``, ``docker compose exec`` only with ``-T``: a prefix without it is
refused before anything runs.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.cli.settings import LAYOUTS
from otobo_znuny.config import Route, ServerFlavor, TicketOperation
from otobo_znuny.errors import OTOBOZnunyError, RequestValidationError

__all__ = [
    "PERMISSIONS",
    "STDIN_PATH",
    "AgentSpec",
    "ConsoleCommand",
    "ConsoleCommandFailed",
    "check_stdin_forwarded",
    "console_prefix",
    "layout_routes",
    "parse_groups",
    "parse_operations",
    "render_webservice",
    "run_plan",
    "setup_plan",
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
STDIN_PATH = "/dev/stdin"
"""``--source-path`` of ``Admin::WebService::Add`` when the YAML comes on standard input."""
_HEREDOC = "OTOBO_ZNUNY_YAML"


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
    """One console invocation; ``secret`` (a password in ``argv``, or the events secret in the YAML on
    ``stdin``) is masked when shown or repr'd.

    ``stdin`` is text fed to the command's standard input (the web-service YAML); other commands get
    an empty standard input.
    """

    argv: tuple[str, ...]
    secret: str | None = None
    stdin: str | None = None

    def __repr__(self) -> str:
        return f"ConsoleCommand({self.shown()!r})"

    @property
    def command_name(self) -> str:
        """The console command, e.g. ``Admin::User::Add``."""
        return next((arg for arg in self.argv if "::" in arg), self.argv[0])

    def shown(self) -> str:
        """The command line as printed: shell-quoted, the secret replaced by ``********``."""
        return shlex.join(_MASK if self.secret and arg == self.secret else arg for arg in self.argv)

    def script(self) -> str:
        """The command as a shell would run it, its standard input as a here-document: what
        ``--dry-run`` prints, runnable as it is (apart from the masked secret)."""
        if self.stdin is None:
            return self.shown()
        text = self.stdin.replace(self.secret, _MASK) if self.secret else self.stdin
        text = text if text.endswith("\n") else text + "\n"
        return f"{self.shown()} <<'{_HEREDOC}'\n{text}{_HEREDOC}"


@dataclass(frozen=True)
class AgentSpec:
    """The API agent ``webservice setup`` creates."""

    login: str
    password: str = field(repr=False)
    first_name: str = "API"
    last_name: str = "Agent"
    email: str | None = None
    groups: Sequence[tuple[str, str]] = ()


# exec-style prefixes and the flags that make them forward standard input
_STDIN_FLAGS: tuple[tuple[tuple[str, ...], frozenset[str], str], ...] = (
    (("docker", "compose", "exec"), frozenset({"-T", "--no-TTY", "--no-tty"}), "-T"),
    (("docker-compose", "exec"), frozenset({"-T", "--no-TTY", "--no-tty"}), "-T"),
    (("docker", "container", "exec"), frozenset({"-i", "--interactive"}), "-i"),
    (("docker", "exec"), frozenset({"-i", "--interactive"}), "-i"),
    (("podman", "exec"), frozenset({"-i", "--interactive"}), "-i"),
    (("kubectl", "exec"), frozenset({"-i", "--stdin"}), "-i"),
)


def _forwards_stdin(prefix: tuple[str, ...], accepted: frozenset[str], short: str) -> bool:
    for arg in prefix:
        if arg in accepted or (arg.startswith("-") and not arg.startswith("--") and short[1] in arg[1:]):
            return True
        if arg == "--":
            break
    return False


def check_stdin_forwarded(prefix: tuple[str, ...]) -> None:
    """Refuse an exec-style prefix that would not pass the YAML on standard input.

    Raises:
        RequestValidationError: e.g. ``docker exec`` without ``-i``.
    """
    for words, accepted, flag in _STDIN_FLAGS:
        if prefix[: len(words)] == words and not _forwards_stdin(prefix[len(words) :], accepted, flag):
            command = " ".join(words)
            fixed = shlex.join([*words, flag, *prefix[len(words) :]])
            raise RequestValidationError(
                "--console",
                f"{command!r} passes standard input on only with {flag}, and the web-service YAML goes to the "
                f"console that way: use --console {fixed!r} (or --yaml-file with a path the console can read)",
            )


def console_prefix(console: str) -> tuple[str, ...]:
    """``console`` split like a shell would.

    Raises:
        RequestValidationError: an empty or unparsable prefix.
    """
    try:
        prefix = tuple(shlex.split(console))
    except ValueError as exc:
        raise RequestValidationError("--console", f"cannot split {console!r}: {exc}") from None
    if not prefix:
        raise RequestValidationError("--console", "give the console command, e.g. 'bin/otobo.Console.pl'")
    return prefix


def setup_plan(
    console: str,
    *,
    name: str,
    source_path: str | None = None,
    yaml_text: str | None = None,
    agent: AgentSpec | None = None,
    yaml_secret: str | None = None,
) -> list[ConsoleCommand]:
    """The console commands that add the web service and, with ``agent``, the agent and its groups.

    ``console`` is the command prefix, split like a shell would (``docker exec -i otobo-web-1
    bin/otobo.Console.pl``, ``sudo -u otrs /opt/znuny/bin/znuny.Console.pl``). The YAML is read
    from ``source_path`` (a path the console can read) or, with ``yaml_text``, passed on stdin;
    ``yaml_secret`` (the events secret in it) is masked when the command is shown.

    Raises:
        RequestValidationError: an empty or unparsable prefix, one that would not forward stdin, an
            invalid name, or neither/both of ``source_path`` and ``yaml_text``.
    """
    prefix = console_prefix(console)
    if (source_path is None) == (yaml_text is None):
        raise RequestValidationError("--source-path", "the YAML comes from a path or from standard input, not both")
    if yaml_text is not None:
        check_stdin_forwarded(prefix)
    add = (*prefix, "Admin::WebService::Add", "--name", _check_name(name), "--source-path", source_path or STDIN_PATH)
    commands = [ConsoleCommand(add, secret=yaml_secret if yaml_text is not None else None, stdin=yaml_text)]
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


Runner = Callable[[Sequence[str], "str | None"], int]


def _run_process(argv: Sequence[str], stdin: str | None) -> int:
    # no shell: arguments are passed as they are; commands without input get an empty stdin
    if stdin is None:
        return subprocess.run(list(argv), check=False, stdin=subprocess.DEVNULL).returncode
    return subprocess.run(list(argv), check=False, input=stdin.encode("utf-8")).returncode


def run_plan(commands: Sequence[ConsoleCommand], echo: Callable[[str], None], run: Runner = _run_process) -> None:
    """Print each command (secret masked), run it, and stop at the first failure.

    Raises:
        ConsoleCommandFailed: a command could not be started or exited with a non-zero status.
    """
    for index, command in enumerate(commands, start=1):
        echo(f"$ {command.shown()}" + (" < (the web-service YAML)" if command.stdin is not None else ""))
        try:
            status = run(command.argv, command.stdin)
        except OSError as exc:
            raise ConsoleCommandFailed(
                f"cannot run {command.argv[0]!r} ({exc.strerror or exc}); check --console"
            ) from None
        if status != 0:
            raise ConsoleCommandFailed(
                f"command {index} of {len(commands)} ({command.command_name}) failed with exit status {status}; "
                "the commands after it were not run"
            )
