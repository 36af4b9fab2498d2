"""What the async and the sync client share: settings, login state, and building calls and flows.

Nothing here performs I/O; the shells in ``async_client`` and ``sync_client`` only send, sleep and close.
"""

from __future__ import annotations

import logging
import re
import ssl
import time
import warnings
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal, TypedDict

import httpx
import pydantic

from otobo_znuny.auth import BasicAuth, SessionAuth
from otobo_znuny.client import changes, dynamic_fields, flows, idempotency
from otobo_znuny.client.engine import AuthState, RawReply, RouteMethods, can_create_sessions
from otobo_znuny.client.not_given import NOT_GIVEN, NotGiven
from otobo_znuny.client.retry import RetryPolicy
from otobo_znuny.config import ClientConfig, Route, TicketOperation
from otobo_znuny.errors import ConfigurationError, ReplyTooLargeError, RequestValidationError, UnexpectedReplyError
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import TicketSearch
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import Article, Attachment, Ticket, TicketCreate, TicketReference, TicketUpdate
from otobo_znuny.operations import sessions, tickets
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.http import HttpRequest, build_http_request
from otobo_znuny.wire.mapping import WriteLimits

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "ClientCore",
    "GetOptions",
    "ProgressCallback",
    "ReplyBuffer",
    "sending",
]

logger = logging.getLogger("otobo_znuny")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""30 s to read a reply (a large TicketGet batch takes a while), 5 s to connect."""
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)
"""Helpdesk servers run a handful of workers; more parallel connections only queue up there."""
DEFAULT_BATCH_SIZE = 50
DEFAULT_MAX_CONCURRENCY = 4
DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_BODY_CHARS = 1_000_000
DEFAULT_SEARCH_PAGE_SIZE = 1000
"""``Limit`` of each TicketSearch a search for every match sends (see ``flows.complete_search``)."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each fetched batch."""

_insecure_warned = False


class GetOptions(TypedDict, total=False):
    """What to include when reading tickets (keyword arguments of ``get_ticket`` and friends).

    articles: include articles (default True). article_limit: only the first N articles after
    ordering. article_order: ``"asc"`` (default) or ``"desc"`` (needs article_limit).
    article_sender_types: only articles from these sender types. attachments: include attachments
    (default False). attachment_contents: with attachments, include their bytes (default True).
    dynamic_fields: include dynamic fields (default True). extended: include first-response and
    solution times (default False).
    """

    articles: bool
    article_limit: int | None
    article_order: Literal["asc", "desc"]
    article_sender_types: Sequence[str]
    attachments: bool
    attachment_contents: bool
    dynamic_fields: bool
    extended: bool


class ReplyBuffer:
    """Collects a streamed reply body, refusing more than ``max_bytes`` before reading it whole."""

    __slots__ = ("_chunks", "_operation", "_size", "max_bytes")

    def __init__(self, operation: str, max_bytes: int, content_length: str | None) -> None:
        self._operation = operation
        self.max_bytes = max_bytes
        self._chunks: list[bytes] = []
        self._size = 0
        if content_length and content_length.isdecimal() and int(content_length) > max_bytes:
            self._too_large(int(content_length))

    def _too_large(self, size: int) -> None:
        raise ReplyTooLargeError(
            f"{self._operation}: the reply is larger than max_reply_bytes ({size} > {self.max_bytes} bytes); "
            "fetch fewer tickets per request or leave out attachment contents",
            operation=self._operation,
        )

    def add(self, chunk: bytes) -> None:
        """Append a chunk.

        Raises:
            ReplyTooLargeError: the body grew past the limit.
        """
        self._size += len(chunk)
        if self._size > self.max_bytes:
            self._too_large(self._size)
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self._chunks)


def reply_from_response(response: httpx.Response, body: bytes) -> RawReply:
    """A ``RawReply`` from an httpx response whose body was read."""
    return RawReply(
        response.status_code, response.headers.get("content-type"), body, response.headers.get("retry-after")
    )


_sending: ContextVar[HttpRequest | None] = ContextVar("otobo_znuny_sending", default=None)


class _RedactedHttpxLog(logging.Filter):
    """httpx logs each request's full URL at INFO. While this library sends, that line shows the
    redacted URL instead: OTOBO GET routes carry the password in the query, REST session routes the
    SessionID in the path. Other uses of httpx are left alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _sending.get()
        if request is not None and isinstance(record.args, tuple):
            record.args = tuple(request.redacted_url if isinstance(arg, httpx.URL) else arg for arg in record.args)
        return True


_HTTPX_LOG_FILTER = _RedactedHttpxLog()


def install_httpx_log_filter() -> None:
    """Put the redacting filter on the ``httpx`` logger, once. Every client does this when it is
    built; importing the library changes no logger."""
    httpx_logger = logging.getLogger("httpx")
    if _HTTPX_LOG_FILTER not in httpx_logger.filters:
        httpx_logger.addFilter(_HTTPX_LOG_FILTER)


def remove_httpx_log_filter() -> None:
    """Take the filter off the ``httpx`` logger again (the next client built puts it back)."""
    logging.getLogger("httpx").removeFilter(_HTTPX_LOG_FILTER)


@contextmanager
def sending(request: HttpRequest) -> Iterator[None]:
    """Mark ``request`` as in flight, so httpx's own log line shows its redacted URL."""
    token = _sending.set(request)
    try:
        yield
    finally:
        _sending.reset(token)


def log_exchange(request: HttpRequest, reply: RawReply, started: float) -> None:
    """One DEBUG line per request: operation, method, URL without query values, status, size, time.

    Bodies are never logged: they carry passwords, session IDs and customer data.
    """
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s %s -> HTTP %d, %d bytes, %.1f ms",
            request.operation,
            request.method,
            request.redacted_url,
            reply.status_code,
            len(reply.body),
            (time.perf_counter() - started) * 1000,
        )


def warn_if_insecure(verify: Any) -> None:
    """Warn once per process when TLS verification is turned off.

    Raises:
        ConfigurationError: ``verify`` is not a bool, a CA bundle path or an ``ssl.SSLContext``.
    """
    global _insecure_warned
    if not isinstance(verify, (bool, str, ssl.SSLContext)):
        raise ConfigurationError(
            f"verify must be True, False, a CA bundle path or an ssl.SSLContext, not {type(verify).__name__}"
        )
    if verify is False and not _insecure_warned:
        _insecure_warned = True
        warnings.warn(
            "TLS certificate verification is disabled (verify=False): the password and session can be "
            "intercepted. Use verify='/path/to/ca.pem' for a private CA instead.",
            stacklevel=3,
        )


class ClientCore:
    """Settings, login state and call builders shared by both clients."""

    def __init__(
        self,
        config: ClientConfig,
        max_retries: int | NotGiven = NOT_GIVEN,
        *,
        retry_policy: RetryPolicy | None = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
        max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
        max_body_chars: int = DEFAULT_MAX_BODY_CHARS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        check_dynamic_fields: bool = True,
        known_dynamic_fields: Collection[str] | None = None,
        search_page_size: int = DEFAULT_SEARCH_PAGE_SIZE,
    ) -> None:
        if not isinstance(config, ClientConfig):
            raise ConfigurationError(f"config must be a ClientConfig, got {type(config).__name__}")
        if batch_size < 1 or max_concurrency < 1:
            raise ConfigurationError("batch_size and max_concurrency must be at least 1")
        if search_page_size < 1:
            raise ConfigurationError("search_page_size must be at least 1")
        install_httpx_log_filter()
        self._config = config
        self._policy = _resolve_policy(RetryPolicy(), retry_policy, max_retries)
        self._limits = WriteLimits(max_attachment_bytes, max_body_chars)
        self._max_reply_bytes = max_reply_bytes
        self._batch_size = batch_size
        self._max_concurrency = max_concurrency
        self._auth = AuthState()
        """One login, shared with every ``with_options`` view: changed in place, never replaced."""
        self._timeout: httpx.Timeout | Literal["default"] | None = "default"
        self._search_page_size = search_page_size
        # one object, shared by with_options views (they copy the attribute, not the names)
        self._field_names = dynamic_fields.DynamicFieldNames.create(check_dynamic_fields, known_dynamic_fields)
        self._route_methods: RouteMethods = {}  # shared with with_options() views

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"webservice={self._config.webservice_name!r}, auth_mode={self.auth_mode!r})"
        )

    # ---- configuration and login ------------------------------------------------------------

    @property
    def config(self) -> ClientConfig:
        """The client configuration."""
        return self._config

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry settings in force for this client (or view)."""
        return self._policy

    @property
    def max_retries(self) -> int:
        """Retries of safe failures after the first attempt. Setting it takes effect for this client
        object's next calls (views made earlier by ``with_options`` keep theirs).

        Raises:
            ConfigurationError: (on assignment) not an int of at least 0.
        """
        return self._policy.max_retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self._policy = self._policy.with_changes(max_retries=value)

    @property
    def base_url(self) -> str:
        """``config.base_url`` without a trailing slash (an attribute of the original client)."""
        return self._config.base_url

    @property
    def webservice_name(self) -> str:
        """``config.webservice_name`` (an attribute of the original client)."""
        return self._config.webservice_name

    @property
    def operation_map(self) -> dict[TicketOperation, Route]:
        """``config.operation_url_map``: the route of each operation (an attribute of the original client)."""
        return dict(self._config.operation_url_map)

    @property
    def auth_mode(self) -> Literal["none", "password", "session"]:
        """``password``: login and password with every request; ``session``: one SessionID reused."""
        if self._auth.auth is None:
            return "none"
        return "session" if self._auth.use_session else "password"

    def login(self, auth: BasicAuth | SessionAuth, *, use_session: bool | None = None) -> None:
        """Store credentials for the following calls (no request is sent here).

        With ``use_session`` (the default when the configuration has a SessionCreate route and
        ``auth`` is a ``BasicAuth``), the first call creates a session and later calls send only
        its SessionID - cheaper for the server and the password travels once. An expired session
        is re-created once, automatically. ``use_session=False`` sends the login and password with
        every request, as the original library did. A ``SessionAuth`` always uses its session.

        Raises:
            ConfigurationError: ``use_session=True`` without a SessionCreate route.
            RequestValidationError: an empty login or password.
            TypeError: ``auth`` is not a BasicAuth or SessionAuth.
        """
        if not isinstance(auth, (BasicAuth, SessionAuth)):
            raise TypeError(f"auth must be BasicAuth or SessionAuth, not {type(auth).__name__}")
        if isinstance(auth, BasicAuth):
            auth.check_usable()
        can_create = can_create_sessions(self._config)
        if isinstance(auth, SessionAuth):
            self._auth.reset(auth, use_session=True, session_id=auth.session_id.get_secret_value())
            return
        if use_session and not can_create:
            raise ConfigurationError(
                "use_session=True needs a route for TicketOperation.SESSION_CREATE in operation_url_map"
            )
        mode = can_create if use_session is None else use_session
        if not mode:
            logger.info("authenticating with login and password on every request (no session)")
        self._auth.reset(auth, use_session=mode)

    def logout(self) -> None:
        """Forget the credentials and the session (the session is not removed on the server: see
        ``remove_session``, which OTOBO 11 does not offer).

        The client and all its ``with_options`` views are logged out together.
        """
        self._auth.reset(None)

    @property
    def session_id(self) -> str | None:
        """The SessionID in use (session mode), else None. Treat it like a password."""
        return self._auth.session_id

    # ---- call builders (pure) ----------------------------------------------------------------

    @staticmethod
    def _ticket_id(ticket_id: int | str) -> int:
        """A ticket ID given as an integer or, as the original library accepted, a numeric string.

        Raises:
            RequestValidationError: anything else (a string is a ticket ID here, never a ticket number).
        """
        if isinstance(ticket_id, str):
            text = ticket_id.strip()
            if text.isascii() and text.isdecimal():
                return int(text)
            raise RequestValidationError("ticket_id", f"a ticket ID is a positive integer, got {ticket_id!r}")
        return ticket_id

    def _get_options(self, options: GetOptions) -> tickets.TicketGetOptions:
        unknown = set(options) - set(GetOptions.__annotations__)
        if unknown:
            raise RequestValidationError(sorted(unknown)[0], "unknown TicketGet option")
        return tickets.TicketGetOptions(**options)

    def _ticket_get_call(self, ticket_ids: Sequence[int], options: tickets.TicketGetOptions) -> Call[list[Ticket]]:
        return tickets.ticket_get(ticket_ids, options, self._config.timezone)

    def _create_call(self, ticket: TicketCreate) -> Call[TicketReference]:
        if not isinstance(ticket, TicketCreate):
            raise TypeError(f"create_ticket takes a TicketCreate, not {type(ticket).__name__}")
        return tickets.ticket_create(
            ticket,
            flavor=self._config.flavor,
            tz=self._config.timezone,
            limits=self._limits,
            default_state=self._config.default_state,
            default_priority=self._config.default_priority,
        )

    def _update_call(self, update: TicketUpdate) -> Call[TicketReference]:
        if not isinstance(update, TicketUpdate):
            raise TypeError(f"update_ticket takes a TicketUpdate, not {type(update).__name__}")
        route = self._config.route_for(TicketOperation.UPDATE)
        if "TicketID" in route.placeholders and update.id is None:
            raise RequestValidationError(
                "id",
                f"the TicketUpdate route {route.path!r} names the ticket by ID; give TicketUpdate(id=...)",
            )
        return tickets.ticket_update(update, flavor=self._config.flavor, tz=self._config.timezone, limits=self._limits)

    # ---- writes, with or without an idempotency key (pure flows) ----------------------------

    def _create_flow(self, ticket: TicketCreate, idempotency_key: str | None) -> flows.Flow[Ticket]:
        """``create_ticket``: create and read back; with a key field, keyed (``client.idempotency``).

        Raises:
            ConfigurationError: ``idempotency_key`` without ``ClientConfig.idempotency_key_field``.
            RequestValidationError: a bad key, the key field set by hand, or the ticket's own errors.
        """
        options = self._get_options({})
        field = self._config.idempotency_key_field
        if field is None and idempotency_key is not None:
            raise ConfigurationError(
                "idempotency_key needs ClientConfig(idempotency_key_field=...), the Text ticket dynamic field "
                "that stores it on the server (docs/reliability.md); nothing was sent"
            )
        if field is None or not isinstance(ticket, TicketCreate):
            call = self._create_call(ticket)  # raises TypeError for another kind of object
            return flows.write_then_read(call, lambda i: self._ticket_get_call([i], options), ticket)
        key = idempotency.new_key() if idempotency_key is None else idempotency.check_key(idempotency_key)
        by_hand = [f"dynamic_fields.{field}"] if field in ticket.dynamic_fields else []
        by_hand += [
            f"article.dynamic_fields.{field}" for article in ticket.all_articles if field in article.dynamic_fields
        ]
        if by_hand:
            raise RequestValidationError(
                by_hand[0],
                "holds the idempotency key, which the client sets: pass create_ticket(..., idempotency_key=...)",
            )
        keyed = ticket.model_copy(update={"dynamic_fields": {**ticket.dynamic_fields, field: key}})
        write = replace(self._create_call(keyed), idempotency_key=key)
        return idempotency.create_ticket(
            write,
            field=field,
            check_first=idempotency_key is not None,
            policy=self._policy,
            search=self._search_call,
            get=lambda ids: self._ticket_get_call(ids, options),
            read_back=lambda reference: flows.read_back(
                reference, lambda i: self._ticket_get_call([i], options), ticket, "TicketCreate"
            ),
        )

    def _update_flow(self, update: TicketUpdate, idempotency_key: str | None) -> flows.Flow[Ticket]:
        """``update_ticket``: update and read back; articles keyed when asked (``client.idempotency``).

        Raises:
            ConfigurationError, RequestValidationError: see ``_article_flow``.
        """
        options = self._get_options({})
        write = self._article_flow(update, idempotency_key, with_number=False)
        return self._then_read(write, update, options)

    def _then_read(
        self, write: flows.Flow[TicketReference], update: TicketUpdate, options: tickets.TicketGetOptions
    ) -> flows.Flow[Ticket]:
        reference: TicketReference = yield from write
        ticket: Ticket = yield from flows.read_back(
            reference, lambda i: self._ticket_get_call([i], options), update, "TicketUpdate"
        )
        return ticket

    def _article_flow(
        self, update: TicketUpdate, idempotency_key: str | None, *, with_number: bool = True
    ) -> flows.Flow[TicketReference]:
        """A TicketUpdate; its articles carry a key when one is given or ``idempotent_articles`` is set.

        Raises:
            ConfigurationError: a key is wanted but there is no TicketHistoryGet route (or no TicketSearch
                route for an update by number), or the login is a customer user's (TicketHistoryGet is
                for agents).
            RequestValidationError: a bad key, a key for an update without articles, or the update's own
                errors.
        """
        call = self._update_call(update)
        articles = update.all_articles
        if idempotency_key is None and not (self._config.idempotent_articles and articles):
            return flows.single(call)
        if not articles:
            raise RequestValidationError(
                "idempotency_key",
                "marks the articles a TicketUpdate adds, and this one adds none (changed ticket attributes leave "
                "nothing the client could find afterwards)",
            )
        key = idempotency.new_key() if idempotency_key is None else idempotency.check_key(idempotency_key)
        self._config.route_for(TicketOperation.HISTORY_GET)
        if update.id is None:
            self._config.route_for(TicketOperation.SEARCH)
        auth = self._auth.auth
        if isinstance(auth, BasicAuth) and auth.is_customer:
            raise ConfigurationError(
                "an idempotency key on articles needs an agent login: a lost reply is resolved with "
                "TicketHistoryGet, which customer users cannot call (set idempotent_articles=False)"
            )
        write = replace(call, params=idempotency.mark_articles(call.params, key), idempotency_key=key)
        light = tickets.TicketGetOptions(articles=False, dynamic_fields=False)
        return idempotency.write_articles(
            write,
            ticket_id=update.id,
            ticket_number=update.number,
            expected=len(articles),
            check_first=idempotency_key is not None,
            policy=self._policy,
            history=self._history_call,
            search=self._search_call,
            number_of=(lambda i: self._ticket_get_call([i], light)) if with_number else None,
        )

    def _search_call(self, search: TicketSearch) -> Call[list[int]]:
        if not isinstance(search, TicketSearch):
            raise TypeError(f"search takes a TicketSearch, not {type(search).__name__}")
        return tickets.ticket_search(search, self._config.timezone)

    def _field_names_get_call(self, ticket_ids: Sequence[int]) -> Call[list[Ticket]]:
        """TicketGet that lists every ticket dynamic field (``DynamicFields=1``), without articles."""
        return self._ticket_get_call(ticket_ids, tickets.TicketGetOptions(articles=False, dynamic_fields=True))

    def _checked(
        self, search: TicketSearch, run: Callable[[TicketSearch], flows.Flow[list[int]]]
    ) -> flows.Flow[list[int]]:
        if not isinstance(search, TicketSearch):
            raise TypeError(f"search takes a TicketSearch, not {type(search).__name__}")
        if search.dynamic_fields:
            # a search the route cannot carry (dynamic fields in a GET query string) fails first, unsent
            build_http_request(self._config, self._search_call(search), {})
        return dynamic_fields.search_checked(
            search, self._field_names, self._search_call, self._field_names_get_call, run
        )

    def _complete_search_flow(self, search: TicketSearch) -> flows.Flow[list[int]]:
        tz = self._config.timezone
        return self._checked(
            search,
            lambda checked: flows.complete_search(checked, self._search_call, page_limit=self._search_page_size, tz=tz),
        )

    def _all_ids_flow(self, search: TicketSearch, page_limit: int) -> flows.Flow[list[int]]:
        tz = self._config.timezone
        return self._checked(
            search, lambda checked: flows.search_all_ids(checked, self._search_call, page_limit=page_limit, tz=tz)
        )

    def _changes_feed(
        self,
        search: TicketSearch | None,
        *,
        field: changes.FeedField,
        cursor: str | None,
        since: datetime | Literal["now"] | None,
        follow: bool,
        poll_interval: float,
        page_size: int,
        on_error: flows.OnError,
    ) -> Generator[changes.Step, Any, None]:
        """The steps of ``iter_changes``/``iter_new_tickets`` (see ``changes.feed``).

        Raises:
            RequestValidationError: a bad argument or cursor (nothing is sent).
        """
        light = tickets.TicketGetOptions(articles=False, dynamic_fields=False)
        return changes.feed(
            search,
            field=field,
            cursor=cursor,
            since=since,
            follow=follow,
            poll_interval=poll_interval,
            page_size=page_size,
            search_page_size=self._search_page_size,
            on_error=on_error,
            tz=self._config.timezone,
            make_search=self._search_call,
            light_get=lambda ids: self._ticket_get_call(ids, light),
            checked=self._checked,
        )

    def _learn_field_names_flow(self, refresh: bool) -> flows.Flow[frozenset[str] | None]:
        names = self._field_names
        if names.names is not None and not refresh:
            return names.names
        learned = yield from dynamic_fields.learn_names(self._search_call, self._field_names_get_call)
        if learned is not None:
            names.names = learned
            names.given = False
        return learned

    def _by_number_flow(self, number: str, options: GetOptions) -> flows.Flow[Ticket]:
        get_options = self._get_options(options)
        return flows.ticket_by_number(number, self._search_call, lambda i: self._ticket_get_call([i], get_options))

    def _history_call(self, ticket_id: int) -> Call[list[HistoryEntry]]:
        """TicketHistoryGet of one ticket whose reply must hold that ticket's history.

        Every ticket has at least its ``NewTicket`` entry, so a reply without an entry of the ticket
        (``{}``, or another ticket's history) raises ``UnexpectedReplyError`` instead of passing for
        "nothing happened", which an idempotent article write would read as "not applied".
        """
        call = tickets.ticket_history_get(ticket_id, self._config.timezone)
        parse = call.parse

        def checked(body: bytes) -> list[HistoryEntry]:
            entries = parse(body)
            if not any(entry.ticket_id == ticket_id for entry in entries):
                others = sorted({entry.ticket_id for entry in entries if entry.ticket_id is not None})
                held = f"only entries of ticket(s) {others}" if others else "no entries"
                raise UnexpectedReplyError(
                    f"TicketHistoryGet: asked for the history of ticket {ticket_id}, the reply held {held}",
                    operation="TicketHistoryGet",
                    status_code=200,
                )
            return entries

        return replace(call, parse=checked)

    def _session_id_or_current(self, session_id: str | None) -> str:
        """``session_id``, or the client's own session when it is None.

        Raises:
            RequestValidationError: ``session_id`` is not a non-empty string (an empty one does not mean
                "mine": ``remove_session("")`` would end the client's own session), or it is None and
                the client has no session.
        """
        if session_id is not None:
            if not isinstance(session_id, str) or not session_id.strip():
                raise RequestValidationError(
                    "session_id", f"must be a non-empty SessionID (or None for the client's own), got {session_id!r}"
                )
            return session_id
        if not self._auth.session_id:
            raise RequestValidationError("session_id", "no session given and the client has none")
        return self._auth.session_id

    def _session_create_call(self) -> Call[str]:
        return sessions.session_create()

    def _session_get_call(self, session_id: str | None) -> Call[SessionInfo]:
        return sessions.session_get(self._session_id_or_current(session_id))

    def _session_remove_call(self, session_id: str | None) -> Call[bool]:
        self._config.route_for(TicketOperation.SESSION_REMOVE)  # OTOBO has none: say so before anything else
        return sessions.session_remove(self._session_id_or_current(session_id))

    @staticmethod
    def _note(
        ticket_id: int,
        body: str,
        subject: str,
        *,
        internal: bool,
        content_type: str | None,
        time_unit: float | None,
        attachments: Sequence[Attachment],
    ) -> TicketUpdate:
        """The TicketUpdate of ``add_note``.

        Raises:
            RequestValidationError: an argument the models refuse, named as the caller passed it.
        """
        with _arguments_checked({"is_visible_for_customer": "internal"}):
            update = TicketUpdate(
                id=ticket_id,
                article=Article(
                    subject=subject,
                    body=body,
                    content_type=content_type,
                    communication_channel="Internal",
                    sender_type="agent",
                    is_visible_for_customer=not internal,
                    time_unit=time_unit,
                    attachments=list(attachments),
                ),
            )
            update.check_sendable()  # the call-time checks, named as arguments too
        return update

    @staticmethod
    def _email(
        ticket_id: int,
        *,
        to: str,
        subject: str,
        body: str,
        from_addr: str | None,
        cc: str | None,
        content_type: str | None,
        attachments: Sequence[Attachment],
    ) -> TicketUpdate:
        """The TicketUpdate of ``add_email_article``.

        Raises:
            RequestValidationError: an argument the models refuse, named as the caller passed it.
        """
        with _arguments_checked({}):
            update = TicketUpdate(
                id=ticket_id,
                article=Article(
                    subject=subject,
                    body=body,
                    to=to,
                    cc=cc,
                    from_addr=from_addr,
                    content_type=content_type,
                    communication_channel="Email",
                    sender_type="agent",
                    is_visible_for_customer=True,
                    attachments=list(attachments),
                ),
            )
            update.check_sendable()  # the call-time checks, named as arguments too
        return update

    def _batch_plan(self, batch_size: int | None, max_concurrency: int | None) -> tuple[int, int]:
        size = self._batch_size if batch_size is None else batch_size
        concurrency = self._max_concurrency if max_concurrency is None else max_concurrency
        if size < 1:
            raise RequestValidationError("batch_size", "must be at least 1")
        if concurrency < 1:
            raise RequestValidationError("max_concurrency", "must be at least 1")
        return size, concurrency

    def _check_bulk_options(self, batch_size: int | None, max_concurrency: int | None, options: GetOptions) -> None:
        """Refuse bad batch settings and TicketGet options before a search is sent.

        Raises:
            RequestValidationError: names the bad setting or option.
        """
        self._batch_plan(batch_size, max_concurrency)
        self._ticket_get_call([1], self._get_options(options))

    def _copy_with(
        self,
        max_retries: int | None,
        timeout: Any,
        retry_writes: bool | None,
        retry_policy: RetryPolicy | None,
    ) -> Any:
        """A view: the same connection pool, login, session and session lock; its own retry and
        timeout settings.

        Raises:
            ConfigurationError: a retry setting is out of range.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)  # shares _http, _auth (changed in place) and the session lock
        policy = _resolve_policy(self._policy, retry_policy, NOT_GIVEN if max_retries is None else max_retries)
        clone._policy = policy if retry_writes is None else policy.with_changes(retry_writes=retry_writes)
        if timeout != "default":
            clone._timeout = (
                timeout if timeout is None or isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
            )
        return clone


_ARTICLE_FIELD = re.compile(r"^article\.(\w+) (.+)$")


@contextmanager
def _arguments_checked(renamed: dict[str, str]) -> Iterator[None]:
    """Turn pydantic's ``ValidationError`` (and a call-time ``RequestValidationError``) from models
    the client builds out of plain arguments into ``RequestValidationError`` naming the argument
    (``id`` is ``ticket_id``; ``renamed`` maps the other model fields whose argument has another name)."""
    try:
        yield
    except RequestValidationError as error:  # a call-time check of the model: "article.body" is ``body``
        location = error.field.removeprefix("article.").split(".")
        field = {"id": "ticket_id", **renamed}.get(location[0], location[0])
        raise RequestValidationError(".".join([field, *location[1:]]), error.problem) from None
    except pydantic.ValidationError as error:
        first = error.errors(include_url=False)[0]
        location = [str(part) for part in first.get("loc", ()) if part != "article"]
        problem = str(first.get("msg", "")).removeprefix("Value error, ")
        found = _ARTICLE_FIELD.match(problem)
        if not location and found:  # a check of the whole article: "article.body is required ..."
            location, problem = [found.group(1)], found.group(2)
        field = location[0] if location else "article"
        field = {"id": "ticket_id", **renamed}.get(field, field)
        raise RequestValidationError(".".join([field, *location[1:]]), problem) from None


def _resolve_policy(current: RetryPolicy, policy: RetryPolicy | None, max_retries: int | NotGiven) -> RetryPolicy:
    """``policy`` (else ``current``) with ``max_retries`` applied when it was given.

    Raises:
        ConfigurationError: ``policy`` is not a RetryPolicy, or ``max_retries`` is not an int >= 0.
    """
    if policy is not None and not isinstance(policy, RetryPolicy):
        raise ConfigurationError(f"retry_policy must be a RetryPolicy, not {type(policy).__name__}")
    chosen = policy or current
    return chosen if isinstance(max_retries, NotGiven) else chosen.with_changes(max_retries=max_retries)
