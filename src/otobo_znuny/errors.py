"""Every exception the client's calls raise, under one root.

    OTOBOZnunyError                     root: catch this to catch everything below
    ├── ConfigurationError              the ClientConfig cannot serve the call (e.g. no route)
    │   └── WebServiceNotFoundError     no web service of that name at the base URL (checked by a probe)
    ├── MissingDependencyError          a feature needs a package of an extra (also an ImportError)
    ├── NotLoggedInError                an operation was called before login() (also a RuntimeError)
    ├── RequestValidationError          bad input, refused before anything was sent (also a ValueError)
    │   └── UnknownDynamicFieldError    a search names a dynamic field the server does not define
    ├── TransportError                  no usable answer (also an httpx.TransportError)
    │   ├── ConnectError                the request was never delivered; safe to retry (also an httpx.ConnectError)
    │   ├── RequestTimeoutError         no reply in time (also an httpx.TimeoutException)
    │   ├── OutcomeUnknownError         a write may have happened but its reply was lost
    │   └── WriteNotAppliedError        the reply was lost, and the idempotency key shows the write did not happen
    ├── ResponseError                   the server answered, but not with GenericInterface JSON
    │   ├── ReplyTooLargeError          the reply exceeded the configured size limit
    │   ├── UnexpectedReplyError        JSON, but not the shape the operation returns
    │   │   └── TicketNotFoundError     get_ticket: no error, but not that ticket (also a RuntimeError)
    │   └── RouteMismatchError          no operation takes this method and path; nothing ran (also a ConfigurationError)
    ├── OTOBOError                      the server answered {"Error": {"ErrorCode", "ErrorMessage"}}
    │   ├── AuthenticationError         *.AuthFail, SessionGet.SessionInvalid
    │   │   └── SessionExpiredError     a SessionID was refused and could not be renewed
    │   ├── AccessDeniedError           *.AccessDenied, *.NoPermission (also "ticket does not exist")
    │   ├── MissingParameterError       *.MissingParameter, TicketUpdate.EmptyRequest
    │   ├── InvalidParameterError       *.InvalidParameter, *.WrongStructure
    │   ├── TicketDataError             TicketGet.NotValidTicketID / *.NotTicketData
    │   └── ServerConfigurationError    Webservice.InvalidConfiguration, SessionRemove.Fail, ...
    ├── BatchFetchError                 get_tickets: some IDs could not be fetched (carries the rest)
    ├── IncompleteSearchError           a search asked for every match, which the server cannot page
    └── DuplicateWriteError             several tickets (or articles) carry one idempotency key

Outside the tree: building a model yourself (``TicketCreate(...)``, ``TicketSearch(...)``,
``BasicAuth(...)``) with a bad value raises pydantic's ``ValidationError`` (a ``ValueError``) where
you build it. Client methods that take plain values (``add_note``, ``add_email_article``,
``get_ticket``...) refuse them with ``RequestValidationError``, naming the argument. Python's own
``TypeError`` is raised for a wrong kind of object (e.g. ``create_ticket(dict)``).

Messages never contain passwords or session IDs: every snippet of a server reply is cut short
and scrubbed of the secrets the client knows. ``TransportError.request`` is a copy of the request
with the redacted URL only: no headers, no body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

import httpx

if TYPE_CHECKING:
    from otobo_znuny.models.ticket import Ticket

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "BatchFetchError",
    "ConfigurationError",
    "ConnectError",
    "DuplicateWriteError",
    "IncompleteSearchError",
    "InvalidParameterError",
    "MissingDependencyError",
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
    "UnknownDynamicFieldError",
    "WebServiceNotFoundError",
    "WriteNotAppliedError",
    "error_from_reply",
    "scrub",
    "validation_message",
]

SNIPPET_LENGTH = 200


def _secret_forms(secret: str) -> set[str]:
    """The ways ``secret`` can appear in an echo of a request: as is, JSON-escaped (a body) and
    URL-encoded (a query string or path)."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
    }


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Return ``text`` with every non-empty secret (also JSON-escaped or URL-encoded) replaced by ``***``."""
    forms = {form for secret in secrets if secret and len(secret) >= 3 for form in _secret_forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
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


class MissingDependencyError(OTOBOZnunyError, ImportError):
    """A feature needs a package that is installed with one of the extras; the message says which.

    ``name`` is the missing module (as on any ``ImportError``), ``package`` the distribution to
    install and ``extra`` the extra of otobo-znuny that installs it.
    """

    def __init__(self, feature: str, *, module: str, package: str, extra: str) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        super().__init__(f"{feature} needs {package}: pip install 'otobo-znuny[{extra}]'", name=module)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_missing_dependency, (self.feature, self.name, self.package, self.extra))


def _rebuild_missing_dependency(feature: str, module: str, package: str, extra: str) -> MissingDependencyError:
    return MissingDependencyError(feature, module=module, package=package, extra=extra)


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
    """No usable answer arrived. Also an ``httpx.TransportError`` so ``except httpx.HTTPError`` still works.

    ``request`` (as on every httpx error) is what was sent, without secrets: the method and the
    redacted URL (query values and a path SessionID replaced by ``…``), no headers, no body.
    """

    def __init__(self, message: str, *, operation: str | None = None, request: httpx.Request | None = None):
        self.operation = operation
        httpx.TransportError.__init__(self, message, request=request)


class ConnectError(TransportError, httpx.ConnectError):
    """The connection failed before the request was delivered; nothing reached the server.

    Also an ``httpx.ConnectError``, so ``except httpx.ConnectError`` catches it.
    """


class RequestTimeoutError(TransportError, httpx.TimeoutException):
    """A read (or SessionCreate) got no reply in time. Connect and pool timeouts are ``ConnectError``
    (nothing was sent); a timeout of a write is ``OutcomeUnknownError``.

    Also an ``httpx.TimeoutException``, so ``except httpx.TimeoutException`` catches it.
    """


class _WriteTransportError(TransportError):
    """A transport error of a write, with the idempotency key it carried (None without one)."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        request: httpx.Request | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.idempotency_key = idempotency_key
        super().__init__(message, operation=operation, request=request)


class OutcomeUnknownError(_WriteTransportError):
    """A write (TicketCreate, TicketUpdate) may have reached the server but its reply was lost.

    The library never re-sends such a request blindly: check the helpdesk (e.g. search for the
    title) before trying again. With an idempotency key (``docs/reliability.md``) the client looks for
    the key itself and raises this only when even that lookup failed; ``idempotency_key`` is then the
    key the write carried (pass it again to ``create_ticket``/``add_note`` to resolve it), else None.
    """


class WriteNotAppliedError(_WriteTransportError):
    """A keyed write got no usable reply on any attempt, and the search for its idempotency key showed
    each time that it did not happen: nothing was written, so sending it again is safe.

    Raised after the retry policy's ``max_retries`` re-sends; ``idempotency_key`` is the key, and the
    last failure is chained as ``__cause__``.
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


class TicketNotFoundError(UnexpectedReplyError, RuntimeError):
    """``get_ticket``: TicketGet answered without an error, but not with exactly the ticket asked for.

    The servers answer a missing or unreadable ticket with ``TicketGet.AccessDenied``
    (``AccessDeniedError``); this error means the reply itself was wrong (no ticket, several, or
    another one), so it carries no server ErrorCode. ``ticket_id`` is the ID asked for. Also a
    ``RuntimeError``, which the original library raised in this case. ``get_ticket_by_number``
    raises it (``operation="TicketSearch"``) when no readable ticket has the number.
    """

    def __init__(self, message: str, *, ticket_id: int | None = None, operation: str | None = "TicketGet") -> None:
        self.ticket_id = ticket_id
        super().__init__(message, operation=operation, status_code=200)


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


class WebServiceNotFoundError(ConfigurationError):
    """There is no web service named ``webservice`` at the base URL: the request reached no operation.

    Znuny closes the connection without a reply for an unknown web-service name; OTOBO answers HTTP
    500 with an empty body and no Content-Type. Either could also be a passing failure, so the client
    confirms with a probe (a GET of the web service's URL, no credentials, no operation) that gets the
    same non-answer. ``url`` is the probed URL, ``operation`` the call that failed.
    """

    def __init__(self, message: str, *, webservice: str, url: str, operation: str | None = None) -> None:
        self.webservice = webservice
        self.url = url
        self.operation = operation
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_webservice_error, (str(self), self.webservice, self.url, self.operation))


def _rebuild_webservice_error(
    message: str, webservice: str, url: str, operation: str | None
) -> WebServiceNotFoundError:
    return WebServiceNotFoundError(message, webservice=webservice, url=url, operation=operation)


class UnknownDynamicFieldError(RequestValidationError):
    """A search names a dynamic field the server does not define (it would ignore the condition and
    match every ticket, or sort nothing). ``name`` is the unknown name, ``known`` the defined ticket
    fields, ``suggestion`` the closest of them; ``field`` is where the name was given
    (``dynamic_fields[0].field_name``, ``sort_by[0]``)."""

    def __init__(self, field: str, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(sorted(known))
        self.suggestion = _close_match(name, self.known)
        """The defined name closest to ``name``, if one is close."""
        listed = ", ".join(self.known) if self.known else "none"
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        super().__init__(
            field,
            f"no dynamic field {name!r} on this server (ticket dynamic fields: {listed}){hint} "
            "The server would ignore the condition and match every ticket.",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.name, self.known))


def _close_match(name: str, candidates: Iterable[str]) -> str | None:
    import difflib

    by_lower = {candidate.lower(): candidate for candidate in candidates}
    found = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


class IncompleteSearchError(OTOBOZnunyError):
    """A search that asked for every match cannot be answered completely.

    TicketSearch has a ``Limit`` but no offset, so more matches than one page are walked in windows
    on the creation time. That needs the creation-time order and absolute ``created`` times:
    ``argument`` names the search argument that prevents it (``sort_by`` or ``created``);
    ``at_least`` is how many matches the first page held. The message says how to get everything.
    """

    def __init__(self, message: str, *, argument: str, at_least: int) -> None:
        self.argument = argument
        self.at_least = at_least
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_incomplete, (str(self), self.argument, self.at_least))


def _rebuild_incomplete(message: str, argument: str, at_least: int) -> IncompleteSearchError:
    return IncompleteSearchError(message, argument=argument, at_least=at_least)


class DuplicateWriteError(OTOBOZnunyError):
    """More than one ticket (or more articles than were sent) carries one idempotency key: a write
    whose reply was lost completed after all, or another program used the same key.

    ``idempotency_key`` is the key; ``ticket_ids`` the tickets that carry it (``create_ticket``);
    ``article_ids`` the articles that carry it and ``ticket_id`` their ticket (``update_ticket``,
    ``add_note``, ``add_email_article``); ``tickets`` the tickets as read (``create_ticket``), so one
    can be kept and the others closed or merged.
    """

    def __init__(
        self,
        message: str,
        *,
        idempotency_key: str,
        operation: str,
        ticket_ids: Iterable[int] = (),
        article_ids: Iterable[int] = (),
        ticket_id: int | None = None,
        tickets: Iterable[Ticket] = (),
    ) -> None:
        self.idempotency_key = idempotency_key
        self.operation = operation
        self.ticket_ids = list(ticket_ids)
        self.article_ids = list(article_ids)
        self.ticket_id = ticket_id
        self.tickets = list(tickets)
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_duplicate_write, (str(self), self.__dict__))


def _rebuild_duplicate_write(message: str, state: dict[str, Any]) -> DuplicateWriteError:
    return DuplicateWriteError(message, **state)


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
