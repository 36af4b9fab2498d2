"""Running a command: build the client, run the command's coroutine, and turn any failure into one
line on stderr plus an exit code. This is the only place where exceptions become exit codes.

Secrets (password, SessionIDs) are scrubbed from every message, and no traceback is printed: a
traceback could show a password in an exception message.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pydantic
import typer

from otobo_znuny.cli.exit_codes import ExitCode, exit_code_for
from otobo_znuny.cli.settings import ConnectionOptions, ConnectionSettings, emulator_http_client, resolve_settings
from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.errors import scrub, validation_message

__all__ = [
    "ClientCommand",
    "client_command",
    "connection_options",
    "error_line",
    "hidden_prompt",
    "reporting_errors",
    "stdin_is_interactive",
]

T = TypeVar("T")
ClientAction = Callable[[OTOBOZnunyClient], Awaitable[T]]


def error_line(error: BaseException, secrets: list[str]) -> str:
    """One line naming the cause, with every secret replaced by ``***``."""
    if isinstance(error, pydantic.ValidationError):
        detail = f"invalid {error.title}: {validation_message(error)}"
    elif isinstance(error, KeyboardInterrupt):
        detail = "interrupted"
    elif exit_code_for(error) is ExitCode.INTERNAL_ERROR:
        detail = f"unexpected {type(error).__name__}: {error} (this is a bug in otobo-znuny; please report it)"
    else:
        detail = f"{type(error).__name__}: {error}"
    return "error: " + " ".join(scrub(detail, secrets).split())


@contextmanager
def reporting_errors(secrets: list[str]) -> Iterator[None]:
    """Turn any exception in the block into ``error: ...`` on stderr and ``typer.Exit(code)``.

    ``secrets`` may grow while the block runs (a session created on the way is added to it).
    """
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        # The reader of stdout went away (``| head``): stop quietly, like other Unix tools.
        _silence_stdout()
        raise typer.Exit(int(ExitCode.FAILURE)) from None
    except (Exception, KeyboardInterrupt) as error:
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
    """The connection flags the root command stored on the context."""
    options = ctx.find_root().obj
    return options if isinstance(options, ConnectionOptions) else ConnectionOptions()


async def _run(settings: ConnectionSettings, action: ClientAction[T], secrets: list[str]) -> T:
    # One-shot commands send the password with each request instead of creating a session that
    # would linger on the server; a given SessionID (--session-id) is used as is.
    http = emulator_http_client(settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        base = OTOBOZnunyClient(settings.config, http, verify=settings.verify)
    for warning in caught:  # e.g. --insecure: one plain line instead of a source excerpt
        sys.stderr.write(f"warning: {warning.message}\n")
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

    def run(self, action: ClientAction[T]) -> T:
        """Resolve the connection settings (asking for a missing password on a terminal) and run
        ``action(client)`` to completion.

        Raises:
            ConfigurationError: incomplete or invalid connection settings.
            OTOBOZnunyError: whatever the library raises for the action.
        """
        prompt = hidden_prompt if stdin_is_interactive() else None
        settings = resolve_settings(self.options, prompt=prompt)
        self.secrets.extend(settings.secrets)
        return asyncio.run(_run(settings, action, self.secrets))


@contextmanager
def client_command(ctx: typer.Context) -> Iterator[ClientCommand]:
    """The body of a command that talks to the server: any failure inside becomes one line on
    stderr and the matching exit code (see :func:`reporting_errors`)."""
    options = connection_options(ctx)
    secrets = list(options.secrets)
    with reporting_errors(secrets):
        yield ClientCommand(options, secrets)
