"""Running a command: build the client, run the command's coroutine, and turn any failure into one
line on stderr plus an exit code. This is the only place where exceptions become exit codes.

Secrets (password, SessionIDs) are scrubbed from every message, and no traceback is printed: a
traceback could show a password in an exception message. The library is imported when a command
runs, not when the command line starts.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

from otobo_znuny.cli.config_keys import ConnectionOptions

if TYPE_CHECKING:
    from otobo_znuny.cli.settings import ConnectionSettings
    from otobo_znuny.client.async_client import OTOBOZnunyClient

__all__ = [
    "ClientCommand",
    "client_command",
    "connection_options",
    "emulator_http_client",
    "error_line",
    "hidden_prompt",
    "reporting_errors",
    "stdin_is_interactive",
]

T = TypeVar("T")
ClientAction = Callable[["OTOBOZnunyClient"], Awaitable[T]]

INSECURE_WARNING = (
    "warning: --insecure: the TLS certificate is not verified, so the password and the session can be "
    "intercepted; use --ca-bundle FILE for a private CA instead"
)


def error_line(error: BaseException, secrets: list[str]) -> str:
    """One line naming the cause in the command line's words, with every secret replaced by ``***``."""
    from otobo_znuny.cli.exit_codes import ExitCode, exit_code_for
    from otobo_znuny.cli.messages import describe
    from otobo_znuny.errors import scrub

    if isinstance(error, KeyboardInterrupt):
        detail = "interrupted"
    elif exit_code_for(error) is ExitCode.INTERNAL_ERROR:
        detail = f"unexpected {type(error).__name__}: {error} (this is a bug in otobo-znuny; please report it)"
    elif isinstance(error, OSError):
        detail = f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    else:
        detail = describe(error)
    return "error: " + " ".join(scrub(detail, secrets).split())


@contextmanager
def reporting_errors(secrets: list[str]) -> Iterator[None]:
    """Turn any exception in the block into ``error: ...`` on stderr and ``typer.Exit(code)``.

    ``secrets`` may grow while the block runs (a session created on the way is added to it).
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter):
        raise
    except BrokenPipeError:
        # The reader of stdout went away (``| head``): stop quietly, like other Unix tools.
        _silence_stdout()
        raise typer.Exit(1) from None
    except (Exception, KeyboardInterrupt) as error:
        from otobo_znuny.cli.exit_codes import exit_code_for

        sys.stderr.write(error_line(error, secrets) + "\n")
        raise typer.Exit(int(exit_code_for(error))) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file descriptor (tests, embedded use): nothing to silence


def stdin_is_interactive() -> bool:
    """Whether a password may be asked for (stdin is a terminal)."""
    return sys.stdin.isatty()


def hidden_prompt(label: str) -> str:
    """Ask for a secret without echoing it; the prompt goes to stderr so stdout stays clean."""
    value: str = typer.prompt(label, hide_input=True, err=True)
    return value


def connection_options(ctx: typer.Context) -> ConnectionOptions:
    """The connection flags the root command (and the command itself) stored on the context."""
    options = ctx.find_root().obj
    return options if isinstance(options, ConnectionOptions) else ConnectionOptions()


def emulator_http_client(settings: ConnectionSettings) -> object:
    """An httpx client wired to the in-process emulator, or ``None`` (tests replace this function)."""
    from otobo_znuny.cli.settings import emulator_http_client as make

    return make(settings)


async def _run(settings: ConnectionSettings, action: ClientAction[T], secrets: list[str], check_df: bool) -> T:
    # One-shot commands send the password with each request instead of creating a session that
    # would linger on the server; a given SessionID (--session-id) is used as is.
    import warnings

    from otobo_znuny.client.async_client import OTOBOZnunyClient

    http = emulator_http_client(settings)
    if settings.verify is False:
        sys.stderr.write(INSECURE_WARNING + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library's own TLS warning speaks Python (verify=False)
        base = OTOBOZnunyClient(
            settings.config,
            http,  # type: ignore[arg-type]
            verify=settings.verify,
            check_dynamic_fields=check_df,
        )
    async with base:
        client = base if settings.retries is None else base.with_options(max_retries=settings.retries)
        client.login(settings.auth, use_session=False)
        try:
            return await action(client)
        finally:
            if client.session_id:
                secrets.append(client.session_id)


class ClientCommand:
    """What a command body uses to reach the server; secrets met on the way are remembered for scrubbing."""

    def __init__(self, options: ConnectionOptions, secrets: list[str]) -> None:
        self.options = options
        self.secrets = secrets
        self.check_dynamic_fields = True
        """False for --no-df-check: send dynamic-field names the server may not define."""

    def run(self, action: ClientAction[T]) -> T:
        """Resolve the connection settings (asking for a missing password on a terminal) and run
        ``action(client)`` to completion.

        Raises:
            ConfigurationError: incomplete or invalid connection settings.
            OTOBOZnunyError: whatever the library raises for the action.
        """
        import asyncio

        from otobo_znuny.cli.logs import logging_to_stderr
        from otobo_znuny.cli.settings import resolve_settings

        prompt = hidden_prompt if stdin_is_interactive() else None
        settings = resolve_settings(self.options, prompt=prompt)
        self.secrets.extend(settings.secrets)
        with logging_to_stderr(self.options.verbosity, self.secrets):
            return asyncio.run(_run(settings, action, self.secrets, self.check_dynamic_fields))


@contextmanager
def client_command(ctx: typer.Context) -> Iterator[ClientCommand]:
    """The body of a command that talks to the server: any failure inside becomes one line on
    stderr and the matching exit code (see :func:`reporting_errors`)."""
    options = connection_options(ctx)
    secrets = list(options.secrets)
    with reporting_errors(secrets):
        yield ClientCommand(options, secrets)
