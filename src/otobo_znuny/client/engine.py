"""The I/O-free core of a call: credentials, retries, session renewal, error mapping.

``run_call`` is a generator that yields *actions* (send this request, sleep, renew the session)
and receives their results. The async and the sync client drive the same generator and differ
only in how they perform the actions, so both behave identically by construction.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from otobo_znuny.auth import BasicAuth, SessionAuth
from otobo_znuny.client.retry import Delivery, RetryPolicy, retry_delay, should_retry
from otobo_znuny.config import ClientConfig, TicketOperation
from otobo_znuny.errors import (
    AuthenticationError,
    ConnectError,
    NotLoggedInError,
    OTOBOZnunyError,
    OutcomeUnknownError,
    RequestTimeoutError,
    ResponseError,
    RouteMismatchError,
    SessionExpiredError,
    TransportError,
    WebServiceNotFoundError,
    scrub,
    snippet,
)
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.http import HttpRequest, build_http_request, webservice_probe
from otobo_znuny.operations.replies import check_http_reply, route_refusal
from otobo_znuny.wire.mapping import credentials_to_wire

__all__ = [
    "AuthState",
    "RawReply",
    "RenewSession",
    "RouteMethods",
    "Send",
    "Sleep",
    "can_create_sessions",
    "run_call",
]

logger = logging.getLogger("otobo_znuny")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RawReply:
    """What the shell hands back for a sent request."""

    status_code: int
    content_type: str | None
    body: bytes = field(repr=False)  # may hold a SessionID (SessionCreate) or customer data
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Send:
    """Action: send ``request``; the result is a ``RawReply`` (or the shell raises the httpx error)."""

    request: HttpRequest


@dataclass(frozen=True, slots=True)
class Sleep:
    """Action: wait ``seconds``."""

    seconds: float


@dataclass(frozen=True, slots=True)
class RenewSession:
    """Action: make sure a session newer than ``stale`` exists; the result is its SessionID."""

    stale: str | None = field(repr=False)


@dataclass
class AuthState:
    """The login of one client: credentials and, in session mode, the current SessionID.

    Never printed: ``repr`` shows only the login kind and mode.
    """

    auth: BasicAuth | SessionAuth | None = None
    use_session: bool = False
    session_id: str | None = field(default=None)
    webservice_answered: bool = False
    """The web service answered with GenericInterface JSON at least once, so its name is right: a later
    connection closed without a reply is not taken for an unknown web-service name."""

    def reset(
        self, auth: BasicAuth | SessionAuth | None, *, use_session: bool = False, session_id: str | None = None
    ) -> None:
        """Replace the login in place, so every client view holding this state sees the change."""
        self.auth = auth
        self.use_session = use_session
        self.session_id = session_id

    def __repr__(self) -> str:
        kind = type(self.auth).__name__ if self.auth else "none"
        return f"AuthState(auth={kind}, use_session={self.use_session}, has_session={self.session_id is not None})"

    @property
    def secrets(self) -> list[str]:
        """Values that must never appear in messages or logs."""
        values = [self.session_id or ""]
        if isinstance(self.auth, BasicAuth):
            values.append(self.auth.password.get_secret_value())
        elif isinstance(self.auth, SessionAuth):
            values.append(self.auth.session_id.get_secret_value())
        return [v for v in values if v]


RouteMethods = dict[TicketOperation, str]
"""Per client: the method that a route's ``fallback_method`` turned out to need, per operation."""


def _credentials(state: AuthState, call: Call[Any]) -> dict[str, str]:
    if call.auth == "none":
        return {}
    if call.auth == "password":
        if not isinstance(state.auth, BasicAuth):
            raise NotLoggedInError(
                f"{call.operation.value} needs a login and password; call login(BasicAuth(...)) first"
            )
        return credentials_to_wire(state.auth)
    return credentials_to_wire(state.auth, state.session_id if state.use_session else None)


def _delivery(exc: httpx.HTTPError) -> Delivery:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)):
        return Delivery.NOT_SENT
    return Delivery.MAYBE_PROCESSED


def _secret_free(request: HttpRequest) -> httpx.Request:
    """What a ``TransportError`` carries as ``.request``: the method and the redacted URL only
    (credentials travel in headers, the body, the query or a path SessionID)."""
    return httpx.Request(request.method, request.redacted_url)


def _transport_error(exc: httpx.HTTPError, call: Call[Any], request: HttpRequest, secrets: list[str]) -> TransportError:
    operation = call.operation.value
    detail = scrub(str(exc) or type(exc).__name__, secrets)
    sent = _secret_free(request)
    if _delivery(exc) is Delivery.NOT_SENT:
        return ConnectError(f"{operation}: could not connect: {detail}", operation=operation, request=sent)
    if call.write:
        return OutcomeUnknownError(
            f"{operation}: outcome unknown: the request may have reached the server, but no reply arrived ({detail}); "
            "it was not re-sent - check whether the change happened before trying again",
            operation=operation,
            request=sent,
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(f"{operation}: timed out: {detail}", operation=operation, request=sent)
    return TransportError(f"{operation}: connection failed: {detail}", operation=operation, request=sent)


def _secrets(state: AuthState, call: Call[Any]) -> list[str]:
    """What must not show in messages: the login's password and session, and a SessionID the call names."""
    named = call.params.get("SessionID") or call.path_params.get("SessionID")
    return [*state.secrets, *([named] if isinstance(named, str) else [])]


E = TypeVar("E", bound=BaseException)


def _scrubbed(error: E, secrets: list[str]) -> E:
    """``error`` with known secrets removed from its message and text attributes (servers, proxies and
    transports may echo what they received)."""
    error.args = tuple(scrub(arg, secrets) if isinstance(arg, str) else arg for arg in error.args)
    for name in ("message", "body_snippet", "fault"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, scrub(value, secrets))
    return error


def _parse(call: Call[T], body: bytes, secrets: list[str]) -> T:
    """``call.parse(body)``; its typed errors come out scrubbed of ``secrets``."""
    try:
        return call.parse(body)
    except OTOBOZnunyError as error:
        _scrubbed(error, secrets)
        raise


def _route_mismatch(
    config: ClientConfig, call: Call[Any], refused: list[str], body: bytes, secrets: list[str]
) -> RouteMismatchError:
    """The error for a route that the server refused with every method tried."""
    operation = call.operation
    route = config.route_for(operation)
    sent = " or ".join(refused)
    answer = snippet(body, secrets)
    if len(refused) > 1:
        fix = f"the path {route.path!r} is probably wrong"
    else:
        preferred = "PUT" if operation is TicketOperation.UPDATE else "POST"
        suggestion = preferred if preferred not in refused else "GET"
        fix = f"name the method the web service routes there, e.g. Route(path={route.path!r}, method={suggestion!r})"
    return RouteMismatchError(
        f"{operation.value}: the web service {config.webservice_name!r} has no operation for {sent} "
        f"on route {route.path!r} (the server answered: {answer}); route matching failed, so nothing ran on "
        f"the server. Fix TicketOperation.{operation.name} in operation_url_map: {fix}, or read the routes "
        "from the web service's YAML export with ClientConfig.from_webservice_yaml(...).",
        operation=operation.value,
        method=refused[-1],
        route=route.path,
        content_type="text/plain",
        body_snippet=answer,
    )


def run_call(
    config: ClientConfig,
    state: AuthState,
    call: Call[T],
    policy: RetryPolicy,
    methods: RouteMethods | None = None,
) -> Generator[Send | Sleep | RenewSession, Any, T]:
    """Perform ``call``: send, retry what is safe to retry, renew an expired session once, parse.

    A route the server refuses for the method sent (HTTP 500 "Error while determine Operation": nothing
    ran) is re-sent once with the route's ``fallback_method``; the method that worked is kept in
    ``methods`` for later calls.

    Raises:
        NotLoggedInError: no credentials and the call needs them.
        TransportError: no usable answer (``OutcomeUnknownError`` for writes that may have happened).
        RouteMismatchError: no operation of the web service takes the route with any method tried.
        ResponseError: a non-JSON or 5xx reply, after the allowed retries.
        OTOBOError: the server's business error (typed by its ErrorCode).
    """
    operation = call.operation.value
    learned: RouteMethods = methods if methods is not None else {}
    refused: list[str] = []
    if call.idempotency_key is not None and policy.retry_writes:
        policy = policy.with_changes(retry_writes=False)  # its flow looks for the key before re-sending
    attempt = 0
    renewed = False
    probed = False
    while True:
        if call.auth == "auto" and state.auth is None:  # checked per attempt: logout() may come between
            raise NotLoggedInError(f"not logged in: call login(BasicAuth(...)) before {operation}")
        if call.auth == "auto" and state.use_session and state.session_id is None:
            state.session_id = yield RenewSession(None)
        sent_session = state.session_id if (call.auth == "auto" and state.use_session) else None
        request = build_http_request(config, call, _credentials(state, call), learned.get(call.operation))
        try:
            reply: RawReply = yield Send(request)
        except httpx.HTTPError as exc:
            delivery = _delivery(exc)
            error = _transport_error(exc, call, request, _secrets(state, call))
            if should_retry(delivery=delivery, is_write=call.write, attempt=attempt, policy=policy):
                delay = retry_delay(attempt, policy)
                logger.info("%s: %s; retry %d in %.2fs", operation, type(exc).__name__, attempt + 1, delay)
                yield Sleep(delay)
                attempt += 1
                continue
            exc.request = error.request  # the chained httpx error, too, keeps only the secret-free copy
            if isinstance(exc, httpx.RemoteProtocolError) and not probed and not state.webservice_answered:
                # Znuny closes the connection without a reply for an unknown web-service name
                probed = True
                if (yield from _webservice_missing(config)):
                    raise _missing_after_disconnect(config, call, attempt + 1) from None
            raise error from _scrubbed(exc, _secrets(state, call))
        if route_refusal(reply.status_code, reply.body):
            refused.append(request.method)
            route = config.route_for(call.operation)
            untried = [m for m in (route.method, route.fallback_method) if m is not None and m not in refused]
            if not untried:
                learned.pop(call.operation, None)
                raise _route_mismatch(config, call, refused, reply.body, _secrets(state, call))
            logger.info(
                "%s: no operation takes %s on route %r (nothing ran); sending %s",
                operation,
                request.method,
                route.path,
                untried[0],
            )
            learned[call.operation] = untried[0]
            continue
        try:
            secrets = _secrets(state, call)
            check_http_reply(operation, reply.status_code, reply.content_type, reply.body, reply.retry_after, secrets)
            state.webservice_answered = True
            return _parse(call, reply.body, secrets)
        except ResponseError as error:
            status = error.status_code or 0
            if _is_empty_500(reply) and not probed and not state.webservice_answered:
                # OTOBO answers an unknown web-service name with HTTP 500, no Content-Type, no body
                probed = True
                if (yield from _webservice_missing(config)):
                    raise WebServiceNotFoundError(
                        f"{operation}: no web service {config.webservice_name!r} at {_probe_url(config)}: "
                        "HTTP 500 with an empty body and no Content-Type, also for a probe of the web service's "
                        "URL; OTOBO answers an unknown web-service name this way. Check webservice_name "
                        "(and base_url)",
                        webservice=config.webservice_name,
                        url=_probe_url(config),
                        operation=operation,
                    ) from None
            if status == 429:
                delivery = Delivery.RATE_LIMITED
            elif status >= 500:
                delivery = Delivery.SERVER_ERROR
            else:
                raise
            if should_retry(
                delivery=delivery,
                is_write=call.write,
                attempt=attempt,
                policy=policy,
                retry_after=error.retry_after,
            ):
                delay = retry_delay(attempt, policy, error.retry_after)
                logger.info("%s: HTTP %d; retry %d in %.2fs", operation, status, attempt + 1, delay)
                yield Sleep(delay)
                attempt += 1
                continue
            if call.write and delivery is Delivery.SERVER_ERROR:
                # a proxy's 502/504 (or a server crash) may come after the write was done
                error.args = (
                    f"{error.args[0]}; the outcome is unknown: the change may have been made before this page "
                    "came, and it was not re-sent - check whether it happened before trying again",
                )
            raise
        except AuthenticationError as error:
            if sent_session is None or call.auth != "auto":
                raise
            if renewed or not isinstance(state.auth, BasicAuth):
                raise SessionExpiredError(
                    error.code,
                    error.message,
                    operation=error.operation,
                    hint="the session was refused again after renewal"
                    if renewed
                    else "the session was refused and there is no password to create a new one",
                ) from None
            logger.info("%s: session refused (%s); creating a new session", operation, error.code)
            renewed = True
            state.session_id = yield RenewSession(sent_session)


def _probe_url(config: ClientConfig) -> str:
    return webservice_probe(config).url


def _is_empty_500(reply: RawReply) -> bool:
    return reply.status_code == 500 and not reply.body.strip() and not reply.content_type


def _webservice_missing(config: ClientConfig) -> Generator[Send, Any, bool]:
    """Probe the web service's URL (GET, no credentials, no operation): True when the answer is what
    both servers give for an unknown web-service name (Znuny: the connection closes without a reply;
    OTOBO: HTTP 500 without body or Content-Type). An existing web service answers with a message
    ("Error while determine Operation ..."); anything unclear (no connection) counts as existing."""
    try:
        reply: RawReply = yield Send(webservice_probe(config))
    except httpx.RemoteProtocolError:
        return True
    except Exception:  # no connection, timeout, a reply too large: no evidence that the name is wrong
        return False
    return _is_empty_500(reply)


def _missing_after_disconnect(config: ClientConfig, call: Call[Any], attempts: int) -> OTOBOZnunyError:
    url = _probe_url(config)
    name = config.webservice_name
    operation = call.operation.value
    evidence = (
        f"the server closed the connection without a reply ({attempts} attempt(s)), and so it did for a probe of "
        f"{url}; Znuny does this for an unknown web-service name"
    )
    if call.write:
        # The name is the likely cause, but a server that drops every connection looks the same: the
        # write keeps its "outcome unknown, never re-sent" rule.
        return OutcomeUnknownError(
            f"{operation}: outcome unknown: the request may have reached the server, but no reply arrived; it was "
            f"not re-sent. The web service {name!r} is probably not defined: {evidence}. Check webservice_name "
            "(and base_url) before trying again",
            operation=operation,
        )
    return WebServiceNotFoundError(
        f"{operation}: no web service {name!r} at {url}: {evidence}. Check webservice_name (and base_url)",
        webservice=name,
        url=url,
        operation=operation,
    )


def can_create_sessions(config: ClientConfig) -> bool:
    """True when the configuration has a SessionCreate route."""
    return TicketOperation.SESSION_CREATE in config.operation_url_map
