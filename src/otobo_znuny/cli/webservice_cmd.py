"""``otobo-znuny webservice render|setup``: write the web-service YAML, or install it with the console.

Two kinds: the provider web service (``--name``, ``--layout``, ``--operations``: the operations the
client calls) and, with ``--events URL``, the requester web service that posts ticket events to a
receiver (``otobo-znuny events listen``, ``otobo_znuny.events.EventReceiver``).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from otobo_znuny.cli.config_keys import AGENT_PASSWORD_ENV, ENV_NAMES, EVENTS_SECRET_ENV, FlavorName, LayoutName
from otobo_znuny.cli.events_cmd import DEFAULT_USER, BasicUserOption, SecretFileOption, SecretOption
from otobo_znuny.cli.runner import hidden_prompt, reporting_errors, stdin_is_interactive

if TYPE_CHECKING:
    from otobo_znuny.config import ServerFlavor
    from otobo_znuny.events.requester import RequesterSpec

__all__ = ["AGENT_PASSWORD_ENV", "webservice_app"]

webservice_app = typer.Typer(help="Create the GenericInterface web service on a Znuny/OTOBO server.")


NameOption = Annotated[
    Optional[str],
    typer.Option(
        "--name", help="Web-service name (the URL's /Webservice/<NAME>; with --events default OtoboZnunyEvents)."
    ),
]
LayoutOption = Annotated[LayoutName, typer.Option("--layout", help="post or rest; use the same with --layout later.")]
OperationsOption = Annotated[
    Optional[str],
    typer.Option("--operations", help="Comma-separated, e.g. TicketCreate,TicketGet (default: all of the layout)."),
]
KeyFieldOption = Annotated[
    Optional[str],
    typer.Option(
        "--key-field",
        metavar="NAME",
        help="Also create the Text ticket dynamic field NAME (e.g. ClientRequestID) that stores idempotency keys "
        "(ClientConfig.idempotency_key_field; docs/reliability.md).",
    ),
]
FlavorOption = Annotated[
    Optional[FlavorName],
    typer.Option(
        "--flavor",
        help=f"znuny or otobo: the server it is for (otobo leaves out SessionRemove, which OTOBO 11 lacks). "
        f"Default: the root --flavor, else {ENV_NAMES['flavor']}, else znuny.",
    ),
]


EVENTS_PANEL = "Events (with --events: the requester web service that posts ticket events)"


class AuthName(str, Enum):
    BASIC = "basic"
    HEADER = "header"
    BOTH = "both"


EventsOption = Annotated[
    Optional[str],
    typer.Option(
        "--events",
        metavar="URL",
        help="Render the requester web service instead: the server posts ticket events to URL (your "
        "receiver, e.g. https://hooks.example:8443/otobo-znuny/events). No query string.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
EventOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--event",
        metavar="NAME",
        help="An event to send (repeat, or NAME,NAME). Default: TicketCreate, ArticleCreate, TicketStateUpdate, "
        "TicketQueueUpdate, TicketPriorityUpdate, TicketOwnerUpdate, TicketTitleUpdate. "
        "TicketDynamicFieldUpdate_<Field> per dynamic field.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
CustomEventOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--custom-event",
        metavar="NAME",
        help="An event an add-on fires, taken unchecked (--event refuses names the server does not fire).",
        rich_help_panel=EVENTS_PANEL,
    ),
]
AsyncOption = Annotated[
    bool,
    typer.Option(
        "--async/--sync",
        help="--async (default): events are queued and sent by the server's daemon, so an agent's click or an "
        "API call never waits for the receiver; needs the daemon running (bin/znuny.Daemon.pl or "
        "bin/otobo.Daemon.pl start), may arrive out of order (parallel workers) and about a second later. "
        "--sync: sent during the request that changed the ticket, in order, no daemon needed; a slow or "
        "unreachable receiver delays that request by up to --timeout per event.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
AuthOption = Annotated[
    AuthName,
    typer.Option(
        "--auth",
        help="How the secret is sent: basic (Authorization: Basic, user --basic-user), header "
        "(X-OtoboZnuny-Token), or both.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
TimeoutOption = Annotated[
    int,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        min=1,
        max=3600,
        help="The server waits this long for each step of the receiver's reply.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
RetryOption = Annotated[
    bool,
    typer.Option(
        "--retry/--no-retry",
        help="Add RequestRetry error handling: a failed delivery is sent again after 30 s, doubling up to an hour, "
        "for a day (needs the daemon, also with --sync). Without it a failed event is lost.",
        rich_help_panel=EVENTS_PANEL,
    ),
]
FullTicketOption = Annotated[
    bool,
    typer.Option(
        "--full-ticket",
        help="Znuny only: the Ticket::Generic invoker, which adds the whole ticket (articles, attachments) "
        "to every event. Default: the event alone (Generic::Tunnel / Generic::PassThrough).",
        rich_help_panel=EVENTS_PANEL,
    ),
]
_EVENTS_ONLY = ("event", "custom_event", "asynchronous", "auth", "secret", "secret_file", "basic_user", "timeout",
                "retry", "full_ticket")  # fmt: skip
_PROVIDER_ONLY = ("layout", "operations", "key_field", "key_field_out", "key_field_file", "key_field_source_path")


def _given(ctx: typer.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name != "DEFAULT"


def _check_kind(ctx: typer.Context, events: str | None, name: str | None) -> None:
    """Refuse flags of the other kind of web service.

    Raises:
        RequestValidationError: an events flag without --events, a provider flag with it, or no --name
            for a provider web service.
    """
    from otobo_znuny.errors import RequestValidationError

    if events is None:
        for param in _EVENTS_ONLY:
            if _given(ctx, param):
                flag = "--" + param.replace("_", "-") if param != "asynchronous" else "--async/--sync"
                raise RequestValidationError(flag, "belongs to the requester web service: give --events URL")
        if name is None:
            raise RequestValidationError("--name", "give the web service's name (the URL's /Webservice/<NAME>)")
        return
    for param in _PROVIDER_ONLY:
        if _given(ctx, param):
            raise RequestValidationError(
                "--" + param.replace("_", "-"),
                "belongs to the provider web service (the operations the client calls); render the requester "
                "(--events) as its own web service",
            )


_CLI_FIELDS = {
    "url": "--events",
    "events": "--event",
    "custom_events": "--custom-event",
    "secret": "--secret",
    "user": "--basic-user",
    "auth": "--auth",
    "timeout": "--timeout",
    "name": "--name",
    "flavor": "--flavor",
    "full_ticket": "--full-ticket",
}


def _events_spec(
    server: ServerFlavor, values: dict[str, Any], secrets: list[str], *, dry_run: bool = False
) -> tuple[RequesterSpec, bool]:
    """The requester web service the events flags describe (``values``: the command's parameters
    by name), and whether the secret is new.

    Raises:
        RequestValidationError: an invalid flag, named as the command line spells it.
    """
    from otobo_znuny.cli.events_cmd import resolve_secret
    from otobo_znuny.errors import RequestValidationError
    from otobo_znuny.events.requester import DEFAULT_EVENTS, DEFAULT_NAME, RequesterSpec

    secret_file = values["secret_file"]
    secret_file = Path(secret_file) if secret_file is not None else None
    secret, created = resolve_secret(values["secret"], secret_file, write=not dry_run)
    secrets.append(secret)
    events = [part for item in values["event"] or () for part in item.split(",")] or list(DEFAULT_EVENTS)
    custom = [part for item in values["custom_event"] or () for part in item.split(",") if part.strip()]
    try:
        spec = RequesterSpec(
            values["events"],
            secret,
            flavor=server,
            events=events,
            custom_events=custom,
            asynchronous=values["asynchronous"],
            auth=getattr(values["auth"], "value", values["auth"]),
            user=values["basic_user"],
            timeout=values["timeout"],
            retry=values["retry"],
            full_ticket=values["full_ticket"],
            name=values["name"] or DEFAULT_NAME,
        )
    except RequestValidationError as exc:
        raise RequestValidationError(_CLI_FIELDS.get(exc.field, exc.field), exc.problem) from None
    return spec, created


def _events_notes(spec: RequesterSpec, created: bool, secret_file: Path | None) -> None:
    from otobo_znuny.events.requester import is_loopback_url

    if created:
        sys.stderr.write(f"wrote a new secret to {secret_file} (give the same --secret-file to events listen)\n")
    if spec.url.lower().startswith("http://") and not is_loopback_url(spec.url):
        sys.stderr.write(
            "note: with http:// the events and the secret cross the network unencrypted; use https:// (events "
            "listen --ssl-certfile, or a TLS proxy in front of the receiver)\n"
        )


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (the requester YAML holds the secret)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _server_flavor(ctx: typer.Context, given: FlavorName | None) -> ServerFlavor:
    """``--flavor`` of the command, else of the root command, else ``$OTOBO_ZNUNY_FLAVOR``, else znuny.

    Raises:
        RequestValidationError: ``$OTOBO_ZNUNY_FLAVOR`` is neither znuny nor otobo.
    """
    from otobo_znuny.config import ServerFlavor
    from otobo_znuny.errors import RequestValidationError

    if given is not None:
        return ServerFlavor(given.value)
    root = getattr(ctx.obj, "flavor", None)
    value = root or os.environ.get(ENV_NAMES["flavor"]) or ServerFlavor.ZNUNY.value
    try:
        return ServerFlavor(str(value).lower())
    except ValueError:
        raise RequestValidationError(
            ENV_NAMES["flavor"], f"must be one of {', '.join(f.value for f in ServerFlavor)}, got {value!r}"
        ) from None


@webservice_app.command("render")
def render_command(
    ctx: typer.Context,
    name: NameOption = None,
    layout: LayoutOption = LayoutName.POST,
    operations: OperationsOption = None,
    flavor: FlavorOption = None,
    out: Annotated[
        Optional[Path],
        typer.Option("--out", metavar="FILE", help="Write to FILE instead of stdout (with --events: mode 600)."),
    ] = None,
    key_field: KeyFieldOption = None,
    key_field_out: Annotated[
        Optional[Path],
        typer.Option(
            "--key-field-out",
            metavar="FILE",
            help="With --key-field: write the dynamic field's YAML (for Admin::DynamicField::Import <FILE> on "
            "Znuny, or Admin -> Dynamic Fields -> Import/Export) to FILE.",
        ),
    ] = None,
    events: EventsOption = None,
    event: EventOption = None,
    custom_event: CustomEventOption = None,
    asynchronous: AsyncOption = True,
    auth: AuthOption = AuthName.BASIC,
    secret: SecretOption = None,
    secret_file: SecretFileOption = None,
    basic_user: BasicUserOption = DEFAULT_USER,
    timeout: TimeoutOption = 30,
    retry: RetryOption = True,
    full_ticket: FullTicketOption = False,
) -> None:
    """Print the web-service YAML (for Admin::WebService::Add or the admin interface's import).

    With --events URL: the requester web service that posts ticket events to your receiver, with the
    shared secret in it (see docs/events.md)."""
    from otobo_znuny.cli.webservice import parse_operations, render_webservice

    secrets: list[str] = []
    with reporting_errors(secrets):
        server = _server_flavor(ctx, flavor)
        _check_kind(ctx, events, name)
        if events is not None:
            from otobo_znuny.events.requester import render_requester

            spec, created = _events_spec(server, ctx.params, secrets)
            text = render_requester(spec)
            if out is None:
                sys.stdout.write(text)
            else:
                _write_private(out, text)
                sys.stderr.write(f"wrote {out}\n")
            _events_notes(spec, created, secret_file)
            return
        assert name is not None  # _check_kind
        text = render_webservice(name, layout.value, parse_operations(operations, layout.value, server), server)
        field_text = _key_field_yaml(key_field, key_field_out)
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
            sys.stderr.write(f"wrote {out}\n")
        if key_field_out is not None and field_text is not None:
            key_field_out.write_text(field_text, encoding="utf-8")
            sys.stderr.write(f"wrote {key_field_out} (dynamic field {key_field})\n")


def _key_field_yaml(key_field: str | None, key_field_out: Path | None) -> str | None:
    """The key field's YAML for ``render``, or None without ``--key-field``.

    Raises:
        RequestValidationError: one option without the other, or an invalid field name.
    """
    from otobo_znuny.cli.key_field import render_key_field
    from otobo_znuny.errors import RequestValidationError

    if key_field is None:
        if key_field_out is not None:
            raise RequestValidationError("--key-field-out", "needs --key-field NAME")
        return None
    if key_field_out is None:
        raise RequestValidationError(
            "--key-field-out", "give the file for the dynamic field's YAML (the web-service YAML goes to --out/stdout)"
        )
    return render_key_field(key_field)


def _agent_password(given: str | None, dry_run: bool) -> str:
    from otobo_znuny.errors import RequestValidationError

    if given:
        return given
    from_env = os.environ.get(AGENT_PASSWORD_ENV)
    if from_env:
        return from_env
    if dry_run:
        return "********"
    if stdin_is_interactive():
        return hidden_prompt("Password for the new agent")
    raise RequestValidationError(
        "--agent-password", f"the new agent needs a password: give --agent-password or set {AGENT_PASSWORD_ENV}"
    )


@webservice_app.command("setup")
def setup_command(
    ctx: typer.Context,
    console: Annotated[
        str,
        typer.Option(
            "--console",
            metavar="PREFIX",
            help="How to run the console, e.g. 'docker exec -i otobo-web-1 bin/otobo.Console.pl' or "
            "'sudo -u otrs /opt/znuny/bin/znuny.Console.pl'. The YAML is passed on its standard input.",
        ),
    ],
    name: NameOption = None,
    layout: LayoutOption = LayoutName.POST,
    operations: OperationsOption = None,
    agent: Annotated[
        Optional[str], typer.Option("--agent", metavar="LOGIN", help="Also create this API agent.")
    ] = None,
    agent_password: Annotated[
        Optional[str],
        typer.Option(
            "--agent-password",
            metavar="PASSWORD",
            help=f"The agent's password (or set {AGENT_PASSWORD_ENV}; asked if missing).",
        ),
    ] = None,
    agent_first_name: Annotated[str, typer.Option("--agent-first-name", metavar="NAME")] = "API",
    agent_last_name: Annotated[str, typer.Option("--agent-last-name", metavar="NAME")] = "Agent",
    agent_email: Annotated[
        Optional[str], typer.Option("--agent-email", metavar="ADDRESS", help="Default: LOGIN@example.com.")
    ] = None,
    groups: Annotated[
        Optional[str],
        typer.Option(
            "--groups",
            metavar="GROUP:PERM,...",
            help="Groups of the agent (permission: ro, rw, ...). Default users:rw.",
        ),
    ] = None,
    yaml_file: Annotated[
        Optional[Path],
        typer.Option(
            "--yaml-file",
            metavar="FILE",
            help="Write the YAML to FILE (kept) and let the console read it from there instead of stdin.",
        ),
    ] = None,
    source_path: Annotated[
        Optional[str],
        typer.Option(
            "--source-path",
            metavar="PATH",
            help="With --yaml-file: the file's path as the console sees it, when it differs.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", metavar="", help="Print exactly what would run (a shell script), run nothing.")
    ] = False,
    flavor: FlavorOption = None,
    key_field: KeyFieldOption = None,
    key_field_file: Annotated[
        Optional[Path],
        typer.Option(
            "--key-field-file",
            metavar="FILE",
            help="Write the dynamic field's YAML to FILE and let the console read it from there (default: Znuny's "
            "console gets it on standard input; for OTOBO it is printed, for the import in the admin interface).",
        ),
    ] = None,
    key_field_source_path: Annotated[
        Optional[str],
        typer.Option(
            "--key-field-source-path",
            metavar="PATH",
            help="With --key-field-file: the file's path as the console sees it, when it differs.",
        ),
    ] = None,
    events: EventsOption = None,
    event: EventOption = None,
    custom_event: CustomEventOption = None,
    asynchronous: AsyncOption = True,
    auth: AuthOption = AuthName.BASIC,
    secret: SecretOption = None,
    secret_file: SecretFileOption = None,
    basic_user: BasicUserOption = DEFAULT_USER,
    timeout: TimeoutOption = 30,
    retry: RetryOption = True,
    full_ticket: FullTicketOption = False,
) -> None:
    """Add the web service (and optionally an API agent with its groups) through the server's console.

    With --events URL the web service is the requester that posts ticket events to your receiver
    (the same flags as webservice render --events). Each command is printed (passwords and the
    secret masked) before it runs; the first failure stops the setup. With --key-field, Znuny imports
    the dynamic field with Admin::DynamicField::Import and the setup checks it with
    Admin::DynamicField::Export (the import reports success even when it created nothing); OTOBO 11
    has no such command: the setup prints the YAML and the step in the admin interface.
    """
    from otobo_znuny.cli.key_field import check_key_field_name
    from otobo_znuny.cli.webservice import (
        AgentSpec,
        parse_groups,
        parse_operations,
        render_webservice,
        run_plan,
        setup_plan,
    )
    from otobo_znuny.errors import RequestValidationError

    secrets = [value for value in (agent_password, os.environ.get(AGENT_PASSWORD_ENV), secret) if value]
    with reporting_errors(secrets):
        server = _server_flavor(ctx, flavor)
        _check_kind(ctx, events, name)
        spec = None
        created = False
        if events is not None:
            from otobo_znuny.events.requester import render_requester

            spec, created = _events_spec(server, ctx.params, secrets, dry_run=dry_run)
            name = spec.name
            text = render_requester(spec)
        else:
            assert name is not None  # _check_kind
            text = render_webservice(name, layout.value, parse_operations(operations, layout.value, server), server)
        yaml_secret = spec.secret if spec is not None else None
        if groups is not None and agent is None:
            raise RequestValidationError("--groups", "needs --agent")
        if source_path is not None and yaml_file is None:
            raise RequestValidationError("--source-path", "needs --yaml-file (without it the YAML goes on stdin)")
        if key_field is not None:
            check_key_field_name(key_field)
        elif key_field_file is not None or key_field_source_path is not None:
            given = "--key-field-file" if key_field_file is not None else "--key-field-source-path"
            raise RequestValidationError(given, "needs --key-field")
        if key_field_source_path is not None and key_field_file is None:
            raise RequestValidationError(
                "--key-field-source-path", "needs --key-field-file (without it the YAML goes on stdin)"
            )
        agent_spec = None
        if agent is not None:
            password = _agent_password(agent_password, dry_run)
            secrets.append(password)
            agent_spec = AgentSpec(
                agent,
                password,
                first_name=agent_first_name,
                last_name=agent_last_name,
                email=agent_email,
                groups=parse_groups(groups if groups is not None else "users:rw"),
            )
        if yaml_file is None:
            plan = setup_plan(console, name=name, yaml_text=text, agent=agent_spec, yaml_secret=yaml_secret)
        else:
            plan = setup_plan(console, name=name, source_path=source_path or str(yaml_file), agent=agent_spec)
        if dry_run:
            sys.stdout.write("#!/bin/sh -e\n# what webservice setup would run (passwords and secrets masked)\n")
            if created:
                sys.stdout.write(f"# first a new secret is written to {secret_file}\n")
            if yaml_file is not None:
                sys.stdout.write(f"# first the web-service YAML is written to {yaml_file}\n")
            for command in plan:
                sys.stdout.write(f"{command.script()}\n")
            if key_field is not None:
                _setup_key_field(console, key_field, server, key_field_file, key_field_source_path, dry_run=True)
            return
        if spec is not None:
            _events_notes(spec, created, secret_file)
        if yaml_file is not None:
            if spec is not None:
                _write_private(yaml_file, text)
            else:
                yaml_file.write_text(text, encoding="utf-8")
        run_plan(plan, echo=_echo)
        if spec is None:
            sys.stderr.write(f"web service {name} is set up; use it with --webservice {name} --layout {layout.value}\n")
            if key_field is not None:
                _setup_key_field(console, key_field, server, key_field_file, key_field_source_path, dry_run=False)
            return
        daemon = (
            " Asynchronous events (and retries) are sent by the server's daemon: keep it running."
            if (spec.asynchronous or spec.retry)
            else ""
        )
        sys.stderr.write(
            f"web service {name} is set up: it posts {', '.join(spec.events)} to {spec.url}; the receiver needs the "
            f"same secret (otobo-znuny events listen --secret-file FILE, or {EVENTS_SECRET_ENV}).{daemon}\n"
        )


def _setup_key_field(
    console: str, name: str, server: ServerFlavor, yaml_file: Path | None, source_path: str | None, *, dry_run: bool
) -> None:
    from otobo_znuny.cli.key_field import setup_key_field
    from otobo_znuny.cli.webservice import console_prefix

    setup_key_field(
        console_prefix(console),
        name,
        otobo=server.value == "otobo",
        yaml_file=yaml_file,
        source_path=source_path,
        dry_run=dry_run,
        out=_echo,
        err=_note,
    )


def _note(line: str) -> None:
    sys.stderr.write(line + "\n")


def _echo(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # before the command's own output
