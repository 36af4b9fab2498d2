"""Every exception the library raises, under one root.

    OTOBOZnunyError                     root: catch this to catch everything below
    ├── ConfigurationError              the ClientConfig cannot serve the call (e.g. no route)
    ├── NotLoggedInError                an operation was called before login() (also a RuntimeError)
    ├── RequestValidationError          bad input, refused before anything was sent (also a ValueError)
    ├── TransportError                  no usable answer (also an httpx.TransportError)
    │   ├── ConnectError                the request was never delivered; safe to retry
    │   ├── RequestTimeoutError         no reply in time
    │   └── OutcomeUnknownError         a write may have happened but its reply was lost
    ├── ResponseError                   the server answered, but not with GenericInterface JSON
    │   ├── ReplyTooLargeError          the reply exceeded the configured size limit
    │   ├── UnexpectedReplyError        JSON, but not the shape the operation returns
    │   └── RouteMismatchError          no operation takes this method and path; nothing ran (also a ConfigurationError)
    ├── OTOBOError                      the server answered {"Error": {"ErrorCode", "ErrorMessage"}}
    │   ├── AuthenticationError         *.AuthFail, SessionGet.SessionInvalid
    │   │   └── SessionExpiredError     a SessionID was refused and could not be renewed
    │   ├── AccessDeniedError           *.AccessDenied, *.NoPermission (also "ticket does not exist")
    │   ├── MissingParameterError       *.MissingParameter, TicketUpdate.EmptyRequest
    │   ├── InvalidParameterError       *.InvalidParameter, *.WrongStructure
    │   ├── TicketDataError             TicketGet.NotValidTicketID / *.NotTicketData
    │   └── ServerConfigurationError    Webservice.InvalidConfiguration, SessionRemove.Fail, ...
    ├── TicketNotFoundError             get_ticket got no ticket (also an AccessDeniedError)
    └── BatchFetchError                 get_tickets: some IDs could not be fetched (carries the rest)

Messages never contain passwords or session IDs: every snippet of a server reply is cut short
and scrubbed of the secrets the client knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from otobo_znuny.models.ticket import Ticket

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "BatchFetchError",
    "ConfigurationError",
    "ConnectError",
    "InvalidParameterError",
    "MissingParameterError",
    "NotLoggedInError",
    "OTOBOError",
    "OTOBOZnunyError",
    "OutcomeUnknownError",
    "ReplyTooLargeError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseError",
    "RouteMismatchError",
    "ServerConfigurationError",
    "SessionExpiredError",
    "TicketDataError",
    "TicketNotFoundError",
    "TransportError",
    "UnexpectedReplyError",
    "error_from_reply",
    "scrub",
    "validation_message",
]

SNIPPET_LENGTH = 200


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Return ``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


# Values of these keys are credentials wherever they appear (JSON or a query string), including a
# SessionID the client does not know yet (a SessionCreate reply that failed to parse).
_SENSITIVE_VALUES = re.compile(
    r'(?P<key>"?\b(?:SessionID|Password|UserPw|X-OTRS-Header-Password|X-OTRS-Header-SessionID)\b"?\s*[:=]\s*"?)'
    r'(?P<value>[^"&\s,}]+)'
)


def snippet(body: bytes | str, secrets: Iterable[str | None] = ()) -> str:
    """A short, printable, secret-free excerpt of a reply body."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = _SENSITIVE_VALUES.sub(lambda m: m.group("key") + "***", scrub(text, secrets))
    text = " ".join(text.split())
    if len(text) > SNIPPET_LENGTH:
        text = text[:SNIPPET_LENGTH] + "…"
    return text


class OTOBOZnunyError(Exception):
    """Root of every exception raised by otobo_znuny."""


class ConfigurationError(OTOBOZnunyError, ValueError):
    """The client configuration cannot serve the requested call (missing route, bad layout file)."""


class NotLoggedInError(OTOBOZnunyError, RuntimeError):
    """An operation was called before ``login()``; a RuntimeError, as the original library raised."""


class RequestValidationError(OTOBOZnunyError, ValueError):
    """Input was refused before any request was sent; ``field`` names the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.problem))


class TransportError(OTOBOZnunyError, httpx.TransportError):
    """No usable answer arrived. Also an ``httpx.TransportError`` so ``except httpx.HTTPError`` still works."""

    def __init__(self, message: str, *, operation: str | None = None, request: httpx.Request | None = None):
        self.operation = operation
        httpx.TransportError.__init__(self, message, request=request)


class ConnectError(TransportError):
    """The connection failed before the request was delivered; nothing reached the server."""


class RequestTimeoutError(TransportError):
    """A read (or SessionCreate) got no reply in time. Connect and pool timeouts are ``ConnectError``
    (nothing was sent); a timeout of a write is ``OutcomeUnknownError``."""


class OutcomeUnknownError(TransportError):
    """A write (TicketCreate, TicketUpdate) may have reached the server but its reply was lost.

    The library never re-sends such a request on its own: check the helpdesk (e.g. search for the
    title) before trying again.
    """


class ResponseError(OTOBOZnunyError):
    """The server answered, but not with GenericInterface JSON (HTTP 5xx text, an HTML page, no body).

    Attributes: ``status_code``, ``content_type``, ``body_snippet`` (short and secret-free) and
    ``fault`` (the ``faultstring`` of a ``{"faultcode","faultstring"}`` reply, when there is one).
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        status_code: int | None = None,
        content_type: str | None = None,
        body_snippet: str = "",
        fault: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.operation = operation
        self.status_code = status_code
        self.content_type = content_type
        self.body_snippet = body_snippet
        self.fault = fault
        self.retry_after = retry_after
        super().__init__(message)


class ReplyTooLargeError(ResponseError):
    """The reply was larger than the configured ``max_reply_bytes``; it was not read whole."""


class UnexpectedReplyError(ResponseError):
    """The reply was JSON, but not the shape this operation returns; the message names the field."""


class RouteMismatchError(ResponseError, ConfigurationError):
    """No operation of the web service takes this HTTP method on this path: the server answered HTTP 500
    ``HTTP::REST Error while determine Operation for request URI '...'``.

    Route matching happens before any operation runs, so nothing happened on the server. ``method`` is
    the method sent last, ``route`` the configured path; the message says how to fix the configuration.
    Also a ``ConfigurationError``: the route of ``operation_url_map`` does not fit the web service.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        method: str | None = None,
        route: str | None = None,
        status_code: int | None = 500,
        content_type: str | None = None,
        body_snippet: str = "",
    ) -> None:
        self.method = method
        self.route = route
        super().__init__(
            message,
            operation=operation,
            status_code=status_code,
            content_type=content_type,
            body_snippet=body_snippet,
        )


class OTOBOError(OTOBOZnunyError):
    """The server reported an operation error: ``{"Error": {"ErrorCode": ..., "ErrorMessage": ...}}``.

    ``code`` is the server's ErrorCode (e.g. ``TicketGet.AccessDenied``), ``message`` its text.
    Match on ``code`` or on the subclasses, never on the English message.
    """

    def __init__(self, code: str, message: str, *, operation: str | None = None, hint: str | None = None) -> None:
        self.code = code
        self.message = message
        self.operation = operation or (code.split(".", 1)[0] if "." in code else None)
        self.hint = hint
        super().__init__(f"{code}: {message}" + (f" ({hint})" if hint else ""))

    @property
    def kind(self) -> str:
        """The part after the dot: ``AuthFail``, ``AccessDenied``, ..."""
        return self.code.rsplit(".", 1)[-1]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_otobo_error, (type(self), self.code, self.message, self.operation, self.hint))


def _rebuild_otobo_error(
    cls: type[OTOBOError], code: str, message: str, operation: str | None, hint: str | None
) -> OTOBOError:
    return cls(code, message, operation=operation, hint=hint)


class AuthenticationError(OTOBOError):
    """Credentials or session were refused (``*.AuthFail``, ``SessionGet.SessionInvalid``)."""


class SessionExpiredError(AuthenticationError):
    """The SessionID was refused: the client has no password to create a new session, or the new
    session was refused as well (``hint`` says which)."""


class AccessDeniedError(OTOBOError):
    """No permission, or the ticket does not exist: the GenericInterface does not tell the two apart."""


class MissingParameterError(OTOBOError):
    """A required parameter was missing (``*.MissingParameter``, ``TicketUpdate.EmptyRequest``)."""


class InvalidParameterError(OTOBOError):
    """A value failed the server's validation (``*.InvalidParameter``, ``*.WrongStructure``)."""


class TicketDataError(OTOBOError):
    """Ticket data could not be loaded (``TicketGet.NotValidTicketID``, ``*.NotTicketData``)."""


class ServerConfigurationError(OTOBOError):
    """The server is misconfigured or failed internally (``Webservice.InvalidConfiguration``, ``*.Fail``)."""


class TicketNotFoundError(AccessDeniedError):
    """``get_ticket`` did not get exactly one ticket back."""


class BatchFetchError(OTOBOZnunyError):
    """Some tickets of a batch could not be fetched.

    ``failed`` maps each failed ticket ID to the error it produced; ``tickets`` holds every ticket
    that was fetched, in request order, so nothing already fetched is lost.
    """

    def __init__(self, failed: Mapping[int, OTOBOZnunyError], tickets: list[Ticket]) -> None:
        self.failed = dict(failed)
        self.tickets = tickets
        ids = ", ".join(str(i) for i in sorted(self.failed))
        first = next(iter(self.failed.values()))
        super().__init__(f"{len(self.failed)} ticket(s) could not be fetched (IDs {ids}): {first}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.failed, self.tickets))


# One table: the part of the ErrorCode after the dot -> exception class.
_KIND_TO_ERROR: dict[str, type[OTOBOError]] = {
    "AuthFail": AuthenticationError,
    "SessionInvalid": AuthenticationError,
    "AccessDenied": AccessDeniedError,
    "NoPermission": AccessDeniedError,
    "MissingParameter": MissingParameterError,
    "EmptyRequest": MissingParameterError,
    "InvalidParameter": InvalidParameterError,
    "WrongStructure": InvalidParameterError,
    "NotValidTicketID": TicketDataError,
    "NotTicketData": TicketDataError,
    "InvalidConfiguration": ServerConfigurationError,
    "Fail": ServerConfigurationError,
}


def error_from_reply(code: str, message: str, *, operation: str | None = None) -> OTOBOError:
    """Build the typed exception for a server ErrorCode (unknown codes give a plain ``OTOBOError``)."""
    kind = code.rsplit(".", 1)[-1]
    cls = _KIND_TO_ERROR.get(kind, OTOBOError)
    return cls(code, message, operation=operation)


def validation_message(error: Exception) -> str:
    """One line for a pydantic ``ValidationError``: ``field: problem`` of its first error (without
    pydantic's "Value error, " prefix); other exceptions give ``str(error)``."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors(include_url=False)[0]
    location = ".".join(str(part) for part in first.get("loc", ())) or "(model)"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    return f"{location}: {message}"
