"""The typer application `app`: connection options on the root command, then the command groups.

otobo-znuny [--base-url URL --user LOGIN ...] ticket get 12 13 --output json
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from otobo_znuny import __version__
from otobo_znuny.cli.emulator_cmd import emulator_app
from otobo_znuny.cli.runner import client_command, reporting_errors
from otobo_znuny.cli.settings import ENV_NAMES, PROFILE_ENV, ConnectionOptions, LayoutName
from otobo_znuny.cli.ticket_cmd import ticket_app
from otobo_znuny.cli.webservice_cmd import webservice_app
from otobo_znuny.config import ServerFlavor

__all__ = ["app"]

app = typer.Typer(
    name="otobo-znuny",
    help="Work with tickets of an OTOBO or Znuny helpdesk through its GenericInterface web service.",
    no_args_is_help=True,
    add_completion=False,
    # Never show tracebacks with local variables: they would print passwords and session IDs.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
session_app = typer.Typer(help="GenericInterface sessions.", no_args_is_help=True)

app.add_typer(ticket_app, name="ticket")
app.add_typer(session_app, name="session")
app.add_typer(webservice_app, name="webservice")
app.add_typer(emulator_app, name="emulator")


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"otobo-znuny {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    base_url: Annotated[
        Optional[str],
        typer.Option(
            "--base-url",
            help=f"Up to nph-genericinterface.pl, e.g. https://helpdesk.example/otrs/nph-genericinterface.pl "
            f"(env {ENV_NAMES['base_url']}).",
        ),
    ] = None,
    webservice: Annotated[
        Optional[str],
        typer.Option("--webservice", help=f"Web-service name (env {ENV_NAMES['webservice']})."),
    ] = None,
    user: Annotated[Optional[str], typer.Option("--user", help=f"Agent login (env {ENV_NAMES['user']}).")] = None,
    customer_user: Annotated[
        Optional[str],
        typer.Option("--customer-user", help=f"Customer-user login (env {ENV_NAMES['customer_user']})."),
    ] = None,
    password: Annotated[
        Optional[str],
        typer.Option(
            "--password",
            help=f"Password; better {ENV_NAMES['password']} or the prompt (flags are visible to other local users).",
        ),
    ] = None,
    session_id: Annotated[
        Optional[str],
        typer.Option("--session-id", help=f"Use an existing session (env {ENV_NAMES['session_id']})."),
    ] = None,
    profile: Annotated[
        Optional[str], typer.Option("--profile", help=f"Profile from the config file (env {PROFILE_ENV}).")
    ] = None,
    layout: Annotated[
        Optional[LayoutName],
        typer.Option(
            "--layout", help=f"post (GenericTicket) or rest (GenericTicketConnectorREST) (env {ENV_NAMES['layout']})."
        ),
    ] = None,
    flavor: Annotated[
        Optional[ServerFlavor], typer.Option("--flavor", help=f"znuny or otobo (env {ENV_NAMES['flavor']}).")
    ] = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Do not verify the TLS certificate (exposes the password).")
    ] = False,
    retries: Annotated[
        Optional[int], typer.Option("--retries", min=0, help="Retries of failures that are safe to retry (default 2).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Connection settings: flags, then OTOBO_ZNUNY_* environment variables, then the profile."""
    ctx.obj = ConnectionOptions(
        base_url=base_url,
        webservice=webservice,
        user=user,
        customer_user=customer_user,
        password=password,
        session_id=session_id,
        profile=profile,
        layout=layout.value if layout is not None else None,
        flavor=flavor.value if flavor is not None else None,
        insecure=insecure,
        retries=retries,
    )


@session_app.command("create")
def session_create_command(ctx: typer.Context) -> None:
    """Create a session and print only its SessionID (for scripts: --session-id / OTOBO_ZNUNY_SESSION_ID)."""
    with client_command(ctx) as command:
        session_id = command.run(lambda client: client.create_session())
        sys.stdout.write(session_id + "\n")


@app.command("demo")
def demo_command() -> None:
    """A short tour of the library against the embedded emulator (no server needed)."""
    from otobo_znuny.demo import run_tour

    with reporting_errors([]):
        run_tour(sys.stdout)
