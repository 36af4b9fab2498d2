"""The typer application `app`: connection options on the root command, then the command groups.

otobo-znuny [--base-url URL --user LOGIN ...] ticket get 12 13 --output json

Only typer and the command line's own light modules are imported here; each command imports the
library when it runs, so ``--help`` and shell completion start fast.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from otobo_znuny.cli.config_keys import ConnectionOptions, reference_text
from otobo_znuny.cli.connection_options import (
    CONNECTION_PANEL,
    BaseUrlOption,
    CaBundleOption,
    ConnectionOptionsAnywhere,
    CustomerLoginOption,
    DebugOption,
    FlavorOption,
    InsecureOption,
    LayoutOption,
    PasswordOption,
    ProfileOption,
    RetriesOption,
    SessionIdOption,
    UserOption,
    VerboseOption,
    WebserviceOption,
    merged,
)
from otobo_znuny.cli.emulator_cmd import emulator_app
from otobo_znuny.cli.events_cmd import events_app
from otobo_znuny.cli.exit_codes import exit_code_reference
from otobo_znuny.cli.runner import client_command, reporting_errors
from otobo_znuny.cli.ticket_cmd import ticket_app
from otobo_znuny.cli.webservice_cmd import webservice_app

__all__ = ["EPILOG", "app"]


def _epilog() -> str:
    # click rewraps every paragraph unless it starts with "\b"
    sections = [
        "Configuration",
        *reference_text().split("\n\n"),
        "Exit codes",
        exit_code_reference(),
        "Shell completion: otobo-znuny --install-completion (bash, zsh, fish, PowerShell), or\n"
        "--show-completion SHELL to print the script.",
    ]
    return "\n\n".join("\b\n" + section for section in sections)


EPILOG = _epilog()

app = typer.Typer(
    name="otobo-znuny",
    cls=ConnectionOptionsAnywhere,
    help="Work with tickets of an OTOBO or Znuny helpdesk through its GenericInterface web service.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    # Never show tracebacks with local variables: they would print passwords and session IDs.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
session_app = typer.Typer(
    help="GenericInterface sessions.",
    epilog="Connection options may come before or after the command; see otobo-znuny --help.",
    no_args_is_help=True,
)

app.add_typer(ticket_app, name="ticket")
app.add_typer(session_app, name="session")
app.add_typer(webservice_app, name="webservice")
app.add_typer(emulator_app, name="emulator")
app.add_typer(events_app, name="events")


def _show_version(value: bool) -> None:
    if value:
        from otobo_znuny import __version__

        sys.stdout.write(f"otobo-znuny {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    base_url: BaseUrlOption = None,
    webservice: WebserviceOption = None,
    user: UserOption = None,
    customer_user: Annotated[
        Optional[str],
        typer.Option(
            "--customer-user",
            metavar="LOGIN",
            help="Customer-user login (same as --customer-login; after a ticket command --customer-user is a "
            "search criterion).",
            rich_help_panel=CONNECTION_PANEL,
        ),
    ] = None,
    customer_login: CustomerLoginOption = None,
    password: PasswordOption = None,
    session_id: SessionIdOption = None,
    profile: ProfileOption = None,
    layout: LayoutOption = None,
    flavor: FlavorOption = None,
    insecure: InsecureOption = False,
    ca_bundle: CaBundleOption = None,
    retries: RetriesOption = None,
    verbose: VerboseOption = False,
    debug: DebugOption = False,
    version: Annotated[
        bool,
        typer.Option("--version", metavar="", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Connection settings: flags (before or after the command), then OTOBO_ZNUNY_* environment
    variables, then the profile (see the reference below)."""
    given = {
        "base_url": base_url,
        "webservice": webservice,
        "user": user,
        "customer_user": customer_login or customer_user,
        "password": password,
        "session_id": session_id,
        "profile": profile,
        "layout": layout,
        "flavor": flavor,
        "insecure": insecure,
        "ca_bundle": ca_bundle,
        "retries": retries,
        "verbose": verbose,
        "debug": debug,
    }
    ctx.obj = merged(ConnectionOptions(), given)


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
