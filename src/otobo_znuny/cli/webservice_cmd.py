"""``otobo-znuny webservice render|setup``: write the web-service YAML, or install it with the console."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from otobo_znuny.cli.config_keys import AGENT_PASSWORD_ENV, ENV_NAMES, FlavorName, LayoutName
from otobo_znuny.cli.runner import hidden_prompt, reporting_errors, stdin_is_interactive

if TYPE_CHECKING:
    from otobo_znuny.config import ServerFlavor

__all__ = ["AGENT_PASSWORD_ENV", "webservice_app"]

webservice_app = typer.Typer(help="Create the GenericInterface web service on a Znuny/OTOBO server.")


NameOption = Annotated[str, typer.Option("--name", help="Web-service name (the URL's /Webservice/<NAME>).")]
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
    name: NameOption,
    layout: LayoutOption = LayoutName.POST,
    operations: OperationsOption = None,
    flavor: FlavorOption = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", metavar="FILE", help="Write to FILE instead of stdout.")
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
) -> None:
    """Print the web-service YAML (for Admin::WebService::Add or the admin interface's import)."""
    from otobo_znuny.cli.webservice import parse_operations, render_webservice

    with reporting_errors([]):
        server = _server_flavor(ctx, flavor)
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
    name: NameOption,
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
) -> None:
    """Add the web service (and optionally an API agent with its groups) through the server's console.

    Each command is printed (passwords masked) before it runs; the first failure stops the setup. With
    --key-field, Znuny imports the dynamic field with Admin::DynamicField::Import and the setup checks
    it with Admin::DynamicField::Export (the import reports success even when it created nothing);
    OTOBO 11 has no such command: the setup prints the YAML and the step in the admin interface.
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

    secrets = [value for value in (agent_password, os.environ.get(AGENT_PASSWORD_ENV)) if value]
    with reporting_errors(secrets):
        server = _server_flavor(ctx, flavor)
        text = render_webservice(name, layout.value, parse_operations(operations, layout.value, server), server)
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
        spec = None
        if agent is not None:
            password = _agent_password(agent_password, dry_run)
            secrets.append(password)
            spec = AgentSpec(
                agent,
                password,
                first_name=agent_first_name,
                last_name=agent_last_name,
                email=agent_email,
                groups=parse_groups(groups if groups is not None else "users:rw"),
            )
        if yaml_file is None:
            plan = setup_plan(console, name=name, yaml_text=text, agent=spec)
        else:
            plan = setup_plan(console, name=name, source_path=source_path or str(yaml_file), agent=spec)
        if dry_run:
            sys.stdout.write("#!/bin/sh -e\n# what webservice setup would run (passwords masked)\n")
            if yaml_file is not None:
                sys.stdout.write(f"# first the web-service YAML is written to {yaml_file}\n")
            for command in plan:
                sys.stdout.write(f"{command.script()}\n")
            if key_field is not None:
                _setup_key_field(console, key_field, server, key_field_file, key_field_source_path, dry_run=True)
            return
        if yaml_file is not None:
            yaml_file.write_text(text, encoding="utf-8")
        run_plan(plan, echo=_echo)
        sys.stderr.write(f"web service {name} is set up; use it with --webservice {name} --layout {layout.value}\n")
        if key_field is not None:
            _setup_key_field(console, key_field, server, key_field_file, key_field_source_path, dry_run=False)


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
