"""``OTOBOZnunyClient``: the async client on ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Generator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, TypeVar

import httpx
from typing_extensions import Self, Unpack

from otobo_znuny.client import changes, flows
from otobo_znuny.client.base import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_LIMITS,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_BODY_CHARS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_REPLY_BYTES,
    DEFAULT_SEARCH_PAGE_SIZE,
    DEFAULT_TIMEOUT,
    ClientCore,
    GetOptions,
    ProgressCallback,
    ReplyBuffer,
    log_exchange,
    reply_from_response,
    sending,
    warn_if_insecure,
)
from otobo_znuny.client.concurrency import in_order_async
from otobo_znuny.client.engine import AuthState, RawReply, RenewSession, Send, Sleep, run_call
from otobo_znuny.client.not_given import NOT_GIVEN, NotGiven
from otobo_znuny.client.retry import RetryPolicy
from otobo_znuny.config import ClientConfig
from otobo_znuny.errors import OTOBOZnunyError
from otobo_znuny.models.changes import TicketChange
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import TicketSearch
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import Attachment, Ticket, TicketCreate, TicketReference, TicketUpdate
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.http import HttpRequest
from otobo_znuny.wire.mapping import check_ticket_ids

__all__ = ["OTOBOZnunyClient"]

T = TypeVar("T")


class OTOBOZnunyClient(ClientCore):
    """Async client for one OTOBO/Znuny GenericInterface web service.

    Args:
        config: where the web service is and which routes it has.
        client: an ``httpx.AsyncClient`` to use as is (custom transport, proxies, timeouts);
            by default the client makes one with ``timeout``, ``limits`` and ``verify``.
        max_retries: retries of safe failures after the first attempt (see
            ``otobo_znuny.client.retry``); when not given, ``retry_policy``'s count (default 2).
        timeout, limits, verify: settings of the default httpx client; ``verify`` stays on unless
            turned off explicitly (which warns).
        retry_policy: which failures are retried and the backoff (default ``RetryPolicy()``);
            an explicit ``max_retries`` overrides its count.
        max_reply_bytes: replies larger than this are refused without being read whole.
        max_attachment_bytes, max_body_chars: inputs larger than these are refused before sending.
        batch_size, max_concurrency: bulk reads fetch ``batch_size`` tickets per TicketGet with at
            most ``max_concurrency`` requests in flight.
        check_dynamic_fields: refuse searches naming a dynamic field the server does not define (it
            would ignore the condition and match every ticket); the names are learned from the server
            on first need (see ``get_dynamic_field_names``). ``False`` turns the check off.
        known_dynamic_fields: the defined ticket dynamic fields, if you know them: searches are checked
            against these names and nothing is learned from the server.
        search_page_size: ``Limit`` of each TicketSearch when a search asks for every match.

    Use it as ``async with OTOBOZnunyClient(config) as client:`` or call ``await client.aclose()``.
    """

    def __init__(
        self,
        config: ClientConfig,
        client: httpx.AsyncClient | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        *,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_LIMITS,
        verify: Any = True,
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
        super().__init__(
            config,
            max_retries,
            retry_policy=retry_policy,
            max_reply_bytes=max_reply_bytes,
            max_attachment_bytes=max_attachment_bytes,
            max_body_chars=max_body_chars,
            batch_size=batch_size,
            max_concurrency=max_concurrency,
            check_dynamic_fields=check_dynamic_fields,
            known_dynamic_fields=known_dynamic_fields,
            search_page_size=search_page_size,
        )
        if client is not None and not isinstance(client, httpx.AsyncClient):
            raise TypeError(
                f"client must be an httpx.AsyncClient, not {type(client).__name__}. To fake HTTP in tests, "
                "pass httpx.AsyncClient(transport=httpx.MockTransport(handler)), or talk to the embedded "
                "emulator with httpx.AsyncClient(transport=otobo_znuny.emulator.EmulatorTransport(emulator))"
            )
        warn_if_insecure(verify)
        self._http = client or httpx.AsyncClient(timeout=timeout, limits=limits, verify=verify)
        self._session_lock = asyncio.Lock()

    # ---- lifetime ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying httpx client (also a passed-in one, as the original library did)."""
        await self._http.aclose()

    def with_options(
        self,
        *,
        max_retries: int | None = None,
        timeout: httpx.Timeout | float | Literal["default"] | None = "default",
        retry_writes: bool | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """A view of this client with other retry/timeout settings; ``None`` keeps a setting.

        The view shares the connection pool and the one login with this client: a ``login()``,
        ``logout()`` or session renewal on either is seen by both, before or after the view was made.
        ``retry_policy`` replaces the policy (``max_retries`` still overrides its count);
        ``retry_writes=True`` lets TicketCreate/TicketUpdate be re-sent after an ambiguous failure
        (it may create duplicates). ``timeout=None`` disables the timeout.

        Raises:
            ConfigurationError: a retry setting is out of range.
        """
        clone: Self = self._copy_with(max_retries, timeout, retry_writes, retry_policy)
        return clone

    # ---- the I/O shell -------------------------------------------------------------------------

    async def _send(self, request: HttpRequest) -> RawReply:
        started = time.perf_counter()
        http_request = self._http.build_request(
            request.method,
            request.url,
            params=list(request.params) or None,
            headers=request.headers,
            content=request.content,
            timeout=httpx.USE_CLIENT_DEFAULT if self._timeout == "default" else self._timeout,
        )
        with sending(request):
            response = await self._http.send(http_request, stream=True)
        try:
            buffer = ReplyBuffer(request.operation, self._max_reply_bytes, response.headers.get("content-length"))
            async for chunk in response.aiter_bytes():
                buffer.add(chunk)
        finally:
            await response.aclose()
        reply = reply_from_response(response, buffer.body())
        log_exchange(request, reply, started)
        return reply

    async def _drive(self, steps: Generator[Any, Any, T]) -> T:
        try:
            action = next(steps)
            while True:
                try:
                    if isinstance(action, Send):
                        result: Any = await self._send(action.request)
                    elif isinstance(action, Sleep):
                        await asyncio.sleep(action.seconds)
                        result = None
                    elif isinstance(action, RenewSession):
                        result = await self._renew_session(action.stale)
                    else:  # pragma: no cover - run_call yields nothing else
                        raise TypeError(f"unknown action {action!r}")
                except Exception as exc:  # handed to the generator, which decides (retry or raise)
                    action = steps.throw(exc)
                else:
                    action = steps.send(result)
        except StopIteration as stop:
            value: T = stop.value
            return value

    async def _renew_session(self, stale: str | None) -> str:
        async with self._session_lock:  # one lock for the client and its views: one new session
            current = self._auth.session_id
            if current is not None and current != stale:
                return current  # another task (or view) already renewed it
            auth = self._auth.auth
            call = self._session_create_call()
            session_id = await self._drive(
                run_call(self._config, AuthState(auth=auth), call, self._policy, self._route_methods)
            )
            self._auth.webservice_answered = True  # SessionCreate answered: the web-service name is right
            if self._auth.auth is auth:  # not logged out or in again meanwhile
                self._auth.session_id = session_id
            return session_id

    async def _call(self, call: Call[T]) -> T:
        return await self._drive(run_call(self._config, self._auth, call, self._policy, self._route_methods))

    async def _flow(self, flow: flows.Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    step = flow.send(None)
                    continue
                try:
                    result = await self._call(step)
                except OTOBOZnunyError as exc:
                    step = flow.throw(exc)
                else:
                    step = flow.send(result)
        except StopIteration as stop:
            value: T = stop.value
            return value

    # ---- tickets -------------------------------------------------------------------------------

    async def create_ticket(self, ticket: TicketCreate, *, idempotency_key: str | None = None) -> Ticket:
        """Create a ticket and return it as the server stored it (read back with TicketGet).

        TicketCreate is never re-sent blindly once it may have reached the server. With
        ``ClientConfig.idempotency_key_field`` set, the ticket carries an idempotency key (``idempotency_key``,
        else a new UUID) and a lost reply is resolved by looking for it: the ticket that carries it is
        returned, or, if none does, the create is sent again (``docs/reliability.md``). A key of your
        own is looked for before the first send too, so calling again with it returns the ticket the
        first call made. If the read back fails after a successful create, the ticket is returned from
        the request data with ``extra["read_back_error"]`` instead of raising.

        Raises:
            RequestValidationError: input refused before sending (also a malformed ``idempotency_key``).
            ConfigurationError: ``idempotency_key`` without ``idempotency_key_field``; a key search that
                finds tickets without the key (the field is not a valid ticket field on the server).
            OutcomeUnknownError: the reply was lost; the ticket may or may not exist (with a key field:
                only when looking for the key failed too).
            WriteNotAppliedError: (key field) every attempt lost its reply and no ticket carries the key.
            DuplicateWriteError: (key field) several tickets carry the key; it lists them.
            OTOBOError: the server refused the ticket (e.g. ``InvalidParameterError``).
        """
        return await self._flow(self._create_flow(ticket, idempotency_key))

    async def get_ticket(self, ticket_id: int | str, **options: Unpack[GetOptions]) -> Ticket:
        """Fetch exactly one ticket (by default with articles and dynamic fields).

        ``ticket_id`` is the ticket's ID, an integer or a numeric string such as ``"7"`` (never its number).

        Raises:
            RequestValidationError: ``ticket_id`` is not a positive integer or a numeric string.
            AccessDeniedError: the ticket does not exist or is not readable (the server does not
                distinguish).
            TicketNotFoundError: the reply held no ticket, or another one (an ``UnexpectedReplyError``).
        """
        ticket_id = self._ticket_id(ticket_id)
        call = self._ticket_get_call([ticket_id], self._get_options(options))
        return await self._flow(flows.get_one_ticket(call, ticket_id))

    async def get_ticket_by_number(self, number: str, **options: Unpack[GetOptions]) -> Ticket:
        """Fetch the ticket with this ticket number (the one in e-mail subjects), archived ones included.

        Raises:
            RequestValidationError: ``number`` is empty or contains wildcard/operator characters.
            TicketNotFoundError: no ticket has this number, or this login may not read it.
        """
        return await self._flow(self._by_number_flow(number, options))

    async def get_tickets(
        self,
        ticket_ids: Sequence[int],
        *,
        on_error: flows.OnError = "raise",
        batch_size: int | None = None,
        max_concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **options: Unpack[GetOptions],
    ) -> list[Ticket]:
        """Fetch many tickets with batched TicketGet requests, in the order of ``ticket_ids``.

        One unreadable ID fails a whole TicketGet, so a failing batch is split until the bad IDs are
        isolated; the rest is still returned.

        Raises:
            BatchFetchError: some IDs failed (``on_error="raise"``); it carries every fetched ticket.
        """
        tickets: list[Ticket] = []
        failed: dict[int, OTOBOZnunyError] = {}
        async for batch_tickets, batch_failed in self._fetch_batches(
            list(ticket_ids), batch_size, max_concurrency, progress, options
        ):
            tickets.extend(batch_tickets)
            failed.update(batch_failed)
        return flows.finish_batches(tickets, failed, on_error)

    async def iter_tickets(
        self,
        search: TicketSearch | Sequence[int],
        *,
        on_error: flows.OnError = "raise",
        batch_size: int | None = None,
        max_concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **options: Unpack[GetOptions],
    ) -> AsyncIterator[Ticket]:
        """Stream the tickets of a search (or of a list of IDs) in search order.

        At most ``max_concurrency`` TicketGet requests of ``batch_size`` IDs are in flight, so memory
        stays bounded by batch size x concurrency however many tickets match.

        Raises:
            BatchFetchError: after the stream, when some IDs failed and ``on_error="raise"``.
        """
        self._check_bulk_options(batch_size, max_concurrency, options)
        ids = await self.search_tickets(search) if isinstance(search, TicketSearch) else list(search)
        failed: dict[int, OTOBOZnunyError] = {}
        async for batch_tickets, batch_failed in self._fetch_batches(
            ids, batch_size, max_concurrency, progress, options
        ):
            failed.update(batch_failed)
            for ticket in batch_tickets:
                yield ticket
        flows.finish_batches([], failed, on_error)

    async def iter_changes(
        self,
        search: TicketSearch | None = None,
        *,
        cursor: str | None = None,
        since: datetime | Literal["now"] | None = None,
        follow: bool = False,
        poll_interval: float = changes.DEFAULT_POLL_INTERVAL,
        page_size: int = changes.DEFAULT_PAGE_SIZE,
        on_error: flows.OnError = "raise",
        batch_size: int | None = None,
        max_concurrency: int | None = None,
        **options: Unpack[GetOptions],
    ) -> AsyncIterator[TicketChange]:
        """Every ticket of ``search`` (every readable ticket when None) whose ``Changed`` time moved
        after the cursor, once, oldest change first, each with the cursor to continue after it.

        Without ``cursor`` the feed starts at the beginning (every matching ticket, oldest change
        first), at ``since`` (a datetime; naive = the server's time zone), or after the newest change
        that exists now (``since="now"``). One-shot by default: everything the server had changed when
        the call started, then the iterator ends; ``follow=True`` keeps looking every ``poll_interval``
        seconds until you stop (``break``, or cancel the task). All times are the server's: a second
        is delivered only once it is over on the server's clock, so a change may show up about a second
        late. A ticket changed several times before the feed reads it comes once, in its latest state;
        a ticket that changes again later comes again. ``page_size`` tickets are read per window (and
        held at once); ``options`` say what TicketGet includes. A ticket that matches the search but
        cannot be read stops the feed before it (``on_error="skip"``: logged and left out); one that
        went away between search and read is left out. See docs/changes.md for the guarantees and limits.

        Raises:
            RequestValidationError: a bad argument, a cursor made for another search, a search that sets
                ``sort_by``, ``order_by``, ``limit`` or ``last_changed`` (the feed sets them) or a ``created``
                timedelta (the feed needs datetimes there); nothing is sent.
            UnknownDynamicFieldError: the search names a dynamic field the server does not define.
            BatchFetchError: a matching ticket cannot be read and ``on_error="raise"``.
        """
        self._check_bulk_options(batch_size, max_concurrency, options)
        steps = self._changes_feed(
            search,
            field="changed",
            cursor=cursor,
            since=since,
            follow=follow,
            poll_interval=poll_interval,
            page_size=page_size,
            on_error=on_error,
        )
        async for change in self._run_feed(steps, batch_size, max_concurrency, options):
            yield change

    async def iter_new_tickets(
        self,
        search: TicketSearch | None = None,
        *,
        cursor: str | None = None,
        since: datetime | Literal["now"] | None = None,
        follow: bool = False,
        poll_interval: float = changes.DEFAULT_POLL_INTERVAL,
        page_size: int = changes.DEFAULT_PAGE_SIZE,
        on_error: flows.OnError = "raise",
        batch_size: int | None = None,
        max_concurrency: int | None = None,
        **options: Unpack[GetOptions],
    ) -> AsyncIterator[TicketChange]:
        """Every ticket of ``search`` created after the cursor, once, oldest first (by ``Created``, then
        ticket ID), each with the cursor to continue after it; later changes are not delivered (that is
        ``iter_changes``). The arguments are those of ``iter_changes``; a ticket is read once its
        creation second is over on the server's clock, and delivered if it matches ``search`` then.

        Raises:
            RequestValidationError: as for ``iter_changes``, with ``created`` instead of ``last_changed``.
            UnknownDynamicFieldError: the search names a dynamic field the server does not define.
            BatchFetchError: a matching ticket cannot be read and ``on_error="raise"``.
        """
        self._check_bulk_options(batch_size, max_concurrency, options)
        steps = self._changes_feed(
            search,
            field="created",
            cursor=cursor,
            since=since,
            follow=follow,
            poll_interval=poll_interval,
            page_size=page_size,
            on_error=on_error,
        )
        async for change in self._run_feed(steps, batch_size, max_concurrency, options):
            yield change

    async def _run_feed(
        self,
        steps: Generator[changes.Step, Any, None],
        batch_size: int | None,
        max_concurrency: int | None,
        options: GetOptions,
    ) -> AsyncIterator[TicketChange]:
        """Run a feed's steps (``changes.feed``): send its calls, read its tickets, sleep, deliver."""
        reply: Any = None
        failure: OTOBOZnunyError | None = None
        try:
            while True:
                try:
                    step = steps.send(reply) if failure is None else steps.throw(failure)
                except StopIteration:
                    return
                reply, failure = None, None
                if isinstance(step, changes.Deliver):
                    yield step.change
                    continue
                if isinstance(step, (changes.Wait, Sleep)):
                    await asyncio.sleep(step.seconds)
                    continue
                try:
                    if isinstance(step, changes.Fetch):
                        reply = await self._fetch_all(list(step.ids), batch_size, max_concurrency, options)
                    else:
                        reply = await self._call(step)
                except OTOBOZnunyError as error:  # handed to the feed, which decides
                    failure = error
        finally:
            steps.close()

    async def _fetch_all(
        self, ids: list[int], batch_size: int | None, max_concurrency: int | None, options: GetOptions
    ) -> tuple[list[Ticket], dict[int, OTOBOZnunyError]]:
        """Every ticket of ``ids`` that could be read, and ``{id: error}`` for the others."""
        tickets: list[Ticket] = []
        failed: dict[int, OTOBOZnunyError] = {}
        async for batch_tickets, batch_failed in self._fetch_batches(ids, batch_size, max_concurrency, None, options):
            tickets.extend(batch_tickets)
            failed.update(batch_failed)
        return tickets, failed

    async def _fetch_batches(
        self,
        ids: list[int],
        batch_size: int | None,
        max_concurrency: int | None,
        progress: ProgressCallback | None,
        options: GetOptions,
    ) -> AsyncIterator[tuple[list[Ticket], dict[int, OTOBOZnunyError]]]:
        """Batches in order, with at most ``max_concurrency`` TicketGet requests in flight."""
        size, concurrency = self._batch_plan(batch_size, max_concurrency)
        if ids:
            check_ticket_ids(ids)  # every ID before the first request, not batch by batch
        get_options = self._get_options(options)

        def job(batch: list[int]) -> Callable[[], Awaitable[tuple[list[Ticket], dict[int, OTOBOZnunyError]]]]:
            return lambda: self._flow(flows.fetch_batch(batch, lambda b: self._ticket_get_call(b, get_options)))

        done = 0
        async for result in in_order_async(map(job, flows.plan_batches(ids, size)), concurrency):
            done += len(result[0]) + len(result[1])
            if progress is not None:
                progress(done, len(ids))
            yield result

    async def update_ticket(self, update: TicketUpdate, *, idempotency_key: str | None = None) -> Ticket:
        """Apply a partial update and return the updated ticket (read back with TicketGet).

        An update that adds articles marks them with an idempotency key when ``idempotency_key`` is
        given or ``ClientConfig.idempotent_articles`` is set; a lost reply is then resolved from the
        ticket's history (see ``add_note``). An update without articles leaves nothing to find:
        its lost reply stays an ``OutcomeUnknownError``.

        Raises:
            RequestValidationError: input refused before sending (also a key for an update without articles).
            ConfigurationError: a key is wanted, but there is no TicketHistoryGet route or the login is a
                customer user's.
            OutcomeUnknownError: the reply was lost; the change may or may not have happened.
            WriteNotAppliedError, DuplicateWriteError: (keyed articles) see ``add_note``.
            OTOBOError: the server refused the update (``AccessDeniedError`` for a missing ticket).
        """
        return await self._flow(self._update_flow(update, idempotency_key))

    async def search_tickets(self, search: TicketSearch) -> list[int]:
        """IDs of every matching ticket, or of at most ``search.limit`` when it is set.

        Without a limit, more matches than one TicketSearch returns (``search_page_size``) are walked
        in windows on the creation time and come newest first (see ``flows.complete_search``).

        Raises:
            RequestValidationError: criteria the server would misread.
            UnknownDynamicFieldError: the search names a dynamic field the server does not define.
            IncompleteSearchError: more than a page matches and the search sorts by something other than
                the creation time, or has a relative ``created`` filter (the message says what to change).
        """
        return await self._flow(self._complete_search_flow(search))

    async def search_all_ticket_ids(self, search: TicketSearch, *, page_limit: int = 1000) -> list[int]:
        """Every matching ID, oldest first, walked in windows on the creation time (see
        ``flows.search_all_ids`` for how the windows make this exact).

        Raises:
            RequestValidationError: the search sets ``sort_by``/``limit`` or a relative ``created`` filter.
            UnknownDynamicFieldError: the search names a dynamic field the server does not define.
        """
        return await self._flow(self._all_ids_flow(search, page_limit))

    async def get_dynamic_field_names(self, *, refresh: bool = False) -> frozenset[str] | None:
        """The ticket dynamic fields the server defines, read once from a ticket (TicketGet lists every
        field, empty ones too) and cached for this client and its ``with_options`` views.

        ``refresh=True`` reads them again (after a field was added). Returns None when this login can
        read no ticket: then nothing tells the names (and no search of this login matches anything).
        Names given as ``known_dynamic_fields`` are returned as they are unless ``refresh=True``.
        """
        return await self._flow(self._learn_field_names_flow(refresh))

    async def search_and_get(
        self,
        search: TicketSearch,
        *,
        on_error: flows.OnError = "raise",
        batch_size: int | None = None,
        max_concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        **options: Unpack[GetOptions],
    ) -> list[Ticket]:
        """Search, then fetch the matching tickets in batches, in search order (see ``get_tickets``).

        Raises:
            BatchFetchError: some tickets could not be fetched (``on_error="raise"``); it carries the rest.
        """
        self._check_bulk_options(batch_size, max_concurrency, options)
        return await self.get_tickets(
            await self.search_tickets(search),
            on_error=on_error,
            batch_size=batch_size,
            max_concurrency=max_concurrency,
            progress=progress,
            **options,
        )

    async def get_ticket_history(self, ticket_id: int) -> list[HistoryEntry]:
        """The ticket's history, oldest first (agents only).

        Raises:
            AccessDeniedError: the ticket does not exist or is not readable.
            AuthenticationError: a customer-user login (history is for agents).
        """
        return await self._call(self._history_call(ticket_id))

    async def add_note(
        self,
        ticket_id: int,
        body: str,
        *,
        subject: str = "Note",
        internal: bool = True,
        content_type: str | None = None,
        time_unit: float | None = None,
        attachments: Sequence[Attachment] = (),
        idempotency_key: str | None = None,
    ) -> TicketReference:
        """Add a note (an Internal article); ``internal=False`` makes it visible to the customer.

        With ``idempotency_key`` (or ``ClientConfig.idempotent_articles``, which makes a new key each
        time) the note's HistoryComment carries the key, and a lost reply is resolved by reading the
        ticket's history: the note found is returned, or, if there is none, it is sent again
        (``docs/reliability.md``). A key of your own is looked for before the first send too.

        Raises:
            RequestValidationError: an argument is refused (e.g. an empty ``body``); nothing was sent.
            ConfigurationError: a key is wanted, but there is no TicketHistoryGet route or the login is a
                customer user's.
            OutcomeUnknownError: the reply was lost; the note may or may not exist (keyed: only when
                reading the history failed too).
            WriteNotAppliedError: (keyed) every attempt lost its reply and no article carries the key.
            DuplicateWriteError: (keyed) more articles than were sent carry the key; it lists them.
        """
        update = self._note(
            ticket_id,
            body,
            subject,
            internal=internal,
            content_type=content_type,
            time_unit=time_unit,
            attachments=attachments,
        )
        return await self._flow(self._article_flow(update, idempotency_key))

    async def add_email_article(
        self,
        ticket_id: int,
        *,
        to: str,
        subject: str,
        body: str,
        from_addr: str | None = None,
        cc: str | None = None,
        content_type: str | None = None,
        attachments: Sequence[Attachment] = (),
        idempotency_key: str | None = None,
    ) -> TicketReference:
        """Record an e-mail article on the ticket (stored, not sent: the server sends nothing).

        ``idempotency_key`` (or ``ClientConfig.idempotent_articles``) works as for ``add_note``.

        Raises:
            RequestValidationError: an argument is refused (e.g. an empty ``subject``); nothing was sent.
            ConfigurationError: see ``add_note``.
            OutcomeUnknownError: the reply was lost; the article may or may not exist.
            WriteNotAppliedError, DuplicateWriteError: (keyed) see ``add_note``.
        """
        update = self._email(
            ticket_id,
            to=to,
            subject=subject,
            body=body,
            from_addr=from_addr,
            cc=cc,
            content_type=content_type,
            attachments=attachments,
        )
        return await self._flow(self._article_flow(update, idempotency_key))

    # ---- sessions ------------------------------------------------------------------------------

    async def create_session(self) -> str:
        """Create a session with the login's password and return its SessionID (a secret).

        Raises:
            AuthenticationError: wrong login or password.
        """
        return await self._call(self._session_create_call())

    async def get_session(self, session_id: str | None = None) -> SessionInfo:
        """What the server stores for a session (default: the client's own).

        Raises:
            AuthenticationError: the session is unknown or expired (``SessionGet.SessionInvalid``).
            RequestValidationError: ``session_id`` is empty (None means the client's own); nothing was sent.
        """
        if session_id is None and self._auth.use_session and self._auth.session_id is None:
            await self._renew_session(None)  # session mode creates its session on first use
        return await self._call(self._session_get_call(session_id))

    async def remove_session(self, session_id: str | None = None) -> bool:
        """Remove a session on the server (default: the client's own; needs the password too) and
        forget it locally. Znuny only: OTOBO 11 has no SessionRemove, its sessions expire on their own.

        Raises:
            ConfigurationError: no SessionRemove route, or ``flavor`` is OTOBO (nothing is sent), or
                the server has no backend for the operation (it is an OTOBO: set ``flavor="otobo"``).
            NotLoggedInError: the client has no password (SessionRemove needs one).
            RequestValidationError: ``session_id`` is empty (None means the client's own); nothing was sent.
        """
        call = self._session_remove_call(session_id)
        target = call.params["SessionID"]
        removed = await self._call(call)
        if target == self._auth.session_id:
            self._auth.session_id = None
        return removed
