"""Exit codes of ``otobo-znuny`` and the one mapping from exceptions to them.

Scripts can rely on these numbers: 0 success, 2 usage (typer's own, plus configuration problems
such as a missing base URL), then one code per kind of failure.
"""

from __future__ import annotations

from enum import IntEnum

import pydantic

from otobo_znuny.errors import (
    AccessDeniedError,
    AuthenticationError,
    BatchFetchError,
    ConfigurationError,
    InvalidParameterError,
    MissingParameterError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunyError,
    RequestValidationError,
    ResponseError,
    TicketDataError,
    TicketNotFoundError,
    TransportError,
)

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(IntEnum):
    """What ``otobo-znuny`` returns to the shell."""

    OK = 0
    FAILURE = 1
    """An external command failed (``webservice setup``) or an optional dependency is missing."""
    USAGE = 2
    """Wrong invocation or configuration: typer's usage errors, no base URL, unknown profile, no route."""
    AUTHENTICATION = 3
    """Login, password or session refused."""
    NOT_FOUND = 4
    """The ticket does not exist or is not accessible (the server does not tell the two apart)."""
    INVALID_INPUT = 5
    """Bad input: refused before sending, or by the server (missing or invalid parameter)."""
    SERVER_ERROR = 6
    """The server answered with an error page, an unexpected reply or an internal failure."""
    TRANSPORT_ERROR = 7
    """No usable answer: connection refused, timeout, reply lost."""
    INTERNAL_ERROR = 70
    """A bug in otobo-znuny (an unexpected exception); EX_SOFTWARE in sysexits.h."""
    INTERRUPTED = 130
    """Ctrl-C."""


# Most specific first: subclasses must come before their bases.
_TABLE: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (RequestValidationError, ExitCode.INVALID_INPUT),
    (pydantic.ValidationError, ExitCode.INVALID_INPUT),
    (MissingParameterError, ExitCode.INVALID_INPUT),
    (InvalidParameterError, ExitCode.INVALID_INPUT),
    (AuthenticationError, ExitCode.AUTHENTICATION),
    (NotLoggedInError, ExitCode.AUTHENTICATION),
    (AccessDeniedError, ExitCode.NOT_FOUND),
    (TicketDataError, ExitCode.NOT_FOUND),
    (TicketNotFoundError, ExitCode.NOT_FOUND),
    (ConfigurationError, ExitCode.USAGE),
    (OTOBOError, ExitCode.SERVER_ERROR),
    (ResponseError, ExitCode.SERVER_ERROR),
    (TransportError, ExitCode.TRANSPORT_ERROR),
    (OTOBOZnunyError, ExitCode.FAILURE),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for ``error``; a ``BatchFetchError`` takes the code of its first failure.

    Anything not raised on purpose by the library or the command line is ``INTERNAL_ERROR``.
    """
    if isinstance(error, BatchFetchError) and error.failed:
        return exit_code_for(next(iter(error.failed.values())))
    for error_type, code in _TABLE:
        if isinstance(error, error_type):
            return code
    return ExitCode.INTERNAL_ERROR
