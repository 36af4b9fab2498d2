"""Exit codes of ``otobo-znuny`` and the one mapping from exceptions to them.

Scripts can rely on these numbers: 0 success, 2 usage (typer's own, plus configuration problems
such as a missing base URL or a wrong web-service name), then one code per kind of failure. The
table of exceptions is built on first use, so ``--help`` does not import the library.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["MEANINGS", "ExitCode", "exit_code_for", "exit_code_reference"]


class ExitCode(IntEnum):
    """What ``otobo-znuny`` returns to the shell; ``MEANINGS`` says when."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    AUTHENTICATION = 3
    NOT_FOUND = 4
    INVALID_INPUT = 5
    SERVER_ERROR = 6
    TRANSPORT_ERROR = 7
    INTERNAL_ERROR = 70
    INTERRUPTED = 130


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "Success.",
    ExitCode.FAILURE: (
        "Something outside the helpdesk failed: a console command of webservice setup, a missing optional "
        "dependency, a file that cannot be written; also ticket export --out FILE when nothing matched and "
        "FILE was kept."
    ),
    ExitCode.USAGE: (
        "Wrong invocation or configuration: an unknown option, a missing --base-url, an unknown profile, a "
        "missing --out directory, a busy --port, a web-service name the server does not know."
    ),
    ExitCode.AUTHENTICATION: "Login, password or session refused.",
    ExitCode.NOT_FOUND: "The ticket does not exist or is not accessible (the server does not tell the two apart).",
    ExitCode.INVALID_INPUT: (
        "Bad input: refused before sending (an unknown --df name, a malformed time...), or by the server (a "
        "missing or invalid parameter); also a search that cannot return every match in the asked order."
    ),
    ExitCode.SERVER_ERROR: "The server answered with an error page, an unexpected reply or an internal failure.",
    ExitCode.TRANSPORT_ERROR: (
        "No usable answer: connection refused, timeout, reply lost (a lost TicketCreate is not re-sent)."
    ),
    ExitCode.INTERNAL_ERROR: (
        "A bug in otobo-znuny (an unexpected exception; EX_SOFTWARE in sysexits.h): please report it."
    ),
    ExitCode.INTERRUPTED: (
        "Interrupted with Ctrl-C (128 + SIGINT); an export leaves an existing --out file unchanged; ticket "
        "watch stops cleanly, its --state-file at the last printed line."
    ),
}
"""When each code is returned (shown by ``--help`` and in the README)."""


def _table() -> tuple[tuple[type[BaseException], ExitCode], ...]:
    import pydantic

    from otobo_znuny import errors

    # Most specific first: subclasses must come before their bases.
    return (
        (errors.RequestValidationError, ExitCode.INVALID_INPUT),
        (pydantic.ValidationError, ExitCode.INVALID_INPUT),
        (errors.IncompleteSearchError, ExitCode.INVALID_INPUT),
        (errors.MissingParameterError, ExitCode.INVALID_INPUT),
        (errors.InvalidParameterError, ExitCode.INVALID_INPUT),
        (errors.AuthenticationError, ExitCode.AUTHENTICATION),
        (errors.NotLoggedInError, ExitCode.AUTHENTICATION),
        (errors.AccessDeniedError, ExitCode.NOT_FOUND),
        (errors.TicketDataError, ExitCode.NOT_FOUND),
        (errors.TicketNotFoundError, ExitCode.NOT_FOUND),
        (errors.ConfigurationError, ExitCode.USAGE),
        (errors.OTOBOError, ExitCode.SERVER_ERROR),
        (errors.ResponseError, ExitCode.SERVER_ERROR),
        (errors.TransportError, ExitCode.TRANSPORT_ERROR),
        (errors.OTOBOZnunyError, ExitCode.FAILURE),
        (OSError, ExitCode.FAILURE),
        (KeyboardInterrupt, ExitCode.INTERRUPTED),
    )


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for ``error``; a ``BatchFetchError`` takes the code of its first failure.

    Anything not raised on purpose by the library or the command line is ``INTERNAL_ERROR``.
    """
    from otobo_znuny.errors import BatchFetchError

    if isinstance(error, BatchFetchError) and error.failed:
        return exit_code_for(next(iter(error.failed.values())))
    for error_type, code in _table():
        if isinstance(error, error_type):
            return code
    return ExitCode.INTERNAL_ERROR


def exit_code_reference(width: int = 100) -> str:
    """``code  meaning`` lines for ``--help`` and the README (at most ``width`` characters)."""
    import textwrap

    return "\n".join(
        textwrap.fill(
            MEANINGS[code], width, initial_indent=f"{int(code):>5}  ", subsequent_indent=" " * 7, break_on_hyphens=False
        )
        for code in ExitCode
    )
