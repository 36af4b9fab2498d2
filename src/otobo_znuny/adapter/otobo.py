"""``OTOBOAdapter``: the ``TicketSystemAdapter`` for OTOBO and Znuny, on top of ``OTOBOZnunyClient``.

One client and one session are created on first use and reused until ``aclose()`` (or the end of
``async with adapter:``); an expired session is renewed by the client.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Literal

import httpx

from otobo_znuny.adapter.base import SystemConfig, TicketSystemAdapter
from otobo_znuny.adapter.config import OTOBOAdapterConfig
from otobo_znuny.adapter.data import data_to_create, data_to_update
from otobo_znuny.adapter.errors import InvalidQueryError
from otobo_znuny.adapter.query import dynamic_field_key, query_to_search
from otobo_znuny.adapter.shapes import FeedItemDict, TicketDict, ticket_to_dict
from otobo_znuny.adapter.values import Checker
from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.errors import (
    AccessDeniedError,
    IncompleteSearchError,
    RequestValidationError,
    TicketNotFoundError,
    UnexpectedReplyError,
    UnknownDynamicFieldError,
)
from otobo_znuny.models.search import TicketSearch

__all__ = ["OTOBOAdapter", "OTOBOZnunyAdapter", "ZnunyAdapter"]

logger = logging.getLogger("otobo_znuny.adapter")

_IDS = Checker(RequestValidationError)


def _ticket_id(value: str | int) -> int:
    """Raises ``RequestValidationError`` unless ``value`` is a positive integer (or its digits)."""
    return _IDS.positive_int(value, "ticket_id")


class OTOBOAdapter(TicketSystemAdapter):
    """``TicketSystemAdapter`` for an OTOBO or Znuny GenericInterface web service.

    Queries are TicketSearch parameters (see ``otobo_znuny.adapter.query``), data dicts are ticket
    fields (see ``otobo_znuny.adapter.data``), tickets come back as ``TicketDict``.

    Args:
        config: a ``SystemConfig`` whose ``params`` are ``OTOBOAdapterConfig`` fields (what a
            dependency-injection container or ``create_adapter`` passes), or an ``OTOBOAdapterConfig``.
        transport: an httpx transport for the HTTP client (tests plug in the emulator here).

    Raises:
        AdapterConfigurationError: ``config.params`` are incomplete or invalid.
        TypeError: ``config`` is neither of the two.
    """

    def __init__(
        self, config: SystemConfig | OTOBOAdapterConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        if isinstance(config, OTOBOAdapterConfig):
            settings = config
            config = SystemConfig(
                id=settings.server_address,
                provider_key=settings.flavor.value,
                params=settings.model_dump(mode="json", exclude_defaults=True),
            )
        elif isinstance(config, SystemConfig):
            settings = OTOBOAdapterConfig.from_system_config(config)
        else:
            raise TypeError(
                f"OTOBOAdapter takes a SystemConfig(id=..., provider_key='otobo', params={{...}}) or an "
                f"OTOBOAdapterConfig(server_address=..., username=..., password_env_var=...), "
                f"not {type(config).__name__}"
            )
        super().__init__(config)
        self.settings = settings
        self._transport = transport
        self._client: OTOBOZnunyClient | None = None

    def __repr__(self) -> str:
        settings = self.settings
        return (
            f"{type(self).__name__}(id={self.config.id!r}, server_address={settings.server_address!r}, "
            f"username={settings.username!r})"
        )

    @property
    def client(self) -> OTOBOZnunyClient:
        """The logged-in client, created on first use and kept until ``aclose()``."""
        if self._client is None:
            settings = self.settings
            http = None
            if self._transport is not None:
                http = httpx.AsyncClient(transport=self._transport, timeout=settings.http_timeout())
            client = OTOBOZnunyClient(
                settings.client_config(),
                http,
                settings.max_retries,
                timeout=settings.http_timeout(),
                verify=settings.tls_verify(),
                known_dynamic_fields=settings.known_dynamic_fields,
            )
            client.login(settings.auth(), use_session=settings.use_session)
            self._client = client
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections and forget the session; the next call starts a new one."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # ---- TicketSystemAdapter -------------------------------------------------------------------

    async def find_tickets(self, query: Mapping[str, Any]) -> list[TicketDict]:
        """Every ticket matching ``query``, or at most ``Limit`` when the query sets it.

        Tickets that disappear or become unreadable between the search and the fetch are left out.

        Raises:
            InvalidQueryError: the query was refused before anything was sent (also: it names a
                dynamic field the server does not define), or more than one page matches and its
                ``SortBy`` or relative time cannot be paged (the message says what to change).
        """
        search = query_to_search(query, known_dynamic_fields=self.settings.known_dynamic_fields)
        async with self._query_errors(query):
            tickets = await self.client.search_and_get(search, on_error="skip")
        return [ticket_to_dict(ticket) for ticket in tickets]

    @asynccontextmanager
    async def _query_errors(self, query: Mapping[str, Any]) -> AsyncIterator[None]:
        """The client's search errors in the words of the query dict (its keys)."""
        try:
            yield
        except UnknownDynamicFieldError as error:
            raise InvalidQueryError(dynamic_field_key(query, error.name), error.problem) from None
        except InvalidQueryError:
            raise
        except RequestValidationError as error:
            if not error.field.startswith("DynamicField_"):
                raise
            # the client's words are ClientConfig's; the adapter is configured with a layout
            raise InvalidQueryError(
                dynamic_field_key(query, error.field.removeprefix("DynamicField_")),
                "TicketSearch is routed as a GET (the rest_connector layout, or a GET search_operation_url), and a "
                "query string cannot carry dynamic-field conditions; search by POST: the generic_ticket or "
                "ready2adopt layout",
            ) from None
        except IncompleteSearchError as error:
            key = "SortBy" if error.argument == "sort_by" else "TicketCreateTime...Minutes"
            raise InvalidQueryError(
                key,
                f"at least {error.at_least} tickets match, more than one TicketSearch returns; every match can be "
                "fetched only in creation-time order with absolute ...Date times: leave SortBy out (or use "
                "Age/Created), use TicketCreateTimeNewerDate/OlderDate instead of ...Minutes, or set Limit",
            ) from None

    async def iter_new_tickets(
        self,
        query: Mapping[str, Any],
        *,
        cursor: str | None = None,
        since: datetime | Literal["now"] | None = None,
        follow: bool = False,
        poll_interval: float = 10.0,
    ) -> AsyncIterator[FeedItemDict]:
        """Each ticket matching ``query`` created after ``cursor``, once, oldest first, with the cursor to
        store: the client's ``iter_new_tickets`` (the server's clock decides; a ticket is read once its
        creation second is over). The query must not set ``TicketCreateTime...``, ``SortBy``,
        ``OrderBy`` or ``Limit`` (the feed does); a ticket that cannot be read is left out (logged).

        Raises:
            InvalidQueryError: the query was refused before anything was sent.
            RequestValidationError: ``cursor`` is not a cursor of this feed and query.
        """
        search = query_to_search(query, known_dynamic_fields=self.settings.known_dynamic_fields)
        feed = self.client.iter_new_tickets(
            search, cursor=cursor, since=since, follow=follow, poll_interval=poll_interval, on_error="skip"
        )
        async with self._query_errors(query), self._feed_errors(query, "TicketCreateTime..."):
            async for change in feed:
                yield {"ticket": ticket_to_dict(change.ticket), "cursor": change.cursor}

    async def iter_changed_tickets(
        self,
        query: Mapping[str, Any],
        *,
        cursor: str | None = None,
        since: datetime | Literal["now"] | None = None,
        follow: bool = False,
        poll_interval: float = 10.0,
    ) -> AsyncIterator[FeedItemDict]:
        """Each ticket matching ``query`` whose ``Changed`` time moved after ``cursor``, once per change,
        oldest first, with the cursor to store (the client's ``iter_changes``). The query must not set
        ``TicketLastChangeTime...``, ``SortBy``, ``OrderBy`` or ``Limit``.

        Raises:
            InvalidQueryError: the query was refused before anything was sent.
            RequestValidationError: ``cursor`` is not a cursor of this feed and query.
        """
        search = query_to_search(query, known_dynamic_fields=self.settings.known_dynamic_fields)
        feed = self.client.iter_changes(
            search, cursor=cursor, since=since, follow=follow, poll_interval=poll_interval, on_error="skip"
        )
        async with self._query_errors(query), self._feed_errors(query, "TicketLastChangeTime..."):
            async for change in feed:
                yield {"ticket": ticket_to_dict(change.ticket), "cursor": change.cursor}

    @asynccontextmanager
    async def _feed_errors(self, query: Mapping[str, Any], time_key: str) -> AsyncIterator[None]:
        """The feed's refusals of search fields in the words of the query dict."""
        keys = {"search.sort_by": "SortBy", "search.order_by": "OrderBy", "search.limit": "Limit"}
        try:
            yield
        except RequestValidationError as error:
            if not error.field.startswith("search."):
                raise
            raise InvalidQueryError(
                keys.get(error.field, time_key), "the feed orders, pages and windows on the time itself; leave it out"
            ) from None

    async def find_first_ticket(self, query: Mapping[str, Any]) -> TicketDict | None:
        """The first ticket in the server's order (``SortBy``/``OrderBy``; default ``Age``, ``Down``),
        or None. The search is sent with ``Limit`` 1 (a ``Limit`` in ``query`` is overridden).

        Raises:
            InvalidQueryError: the query was refused before anything was sent.
        """
        search: TicketSearch = query_to_search(query, known_dynamic_fields=self.settings.known_dynamic_fields)
        async with self._query_errors(query):
            ids = await self.client.search_tickets(search.model_copy(update={"limit": 1}))
        if not ids:
            return None
        return await self._get(ids[0])

    async def get_ticket(self, ticket_id: str | int) -> TicketDict | None:
        """The ticket with its articles and dynamic fields, or None when it does not exist or is not
        readable (the server does not tell the two apart).

        Raises:
            RequestValidationError: ``ticket_id`` is not a positive integer.
        """
        return await self._get(_ticket_id(ticket_id))

    async def update_ticket(self, ticket_id: str | int, data: Mapping[str, Any]) -> TicketDict | None:
        """Apply ``data`` as a partial update and return the ticket as stored afterwards.

        Returns None when the server answers AccessDenied: the ticket does not exist, or this login
        may not change it (or may not make this change: move, owner, priority... permissions).

        Raises:
            InvalidTicketDataError: ``data`` was refused before anything was sent.
            RequestValidationError: ``ticket_id`` is not a positive integer.
            OutcomeUnknownError: the reply was lost; the change may or may not have happened.
        """
        update = data_to_update(_ticket_id(ticket_id), data, known_dynamic_fields=self.settings.known_dynamic_fields)
        try:
            ticket = await self.client.update_ticket(update)
        except AccessDeniedError as error:
            logger.info("update of ticket %s refused (%s): not found or not accessible", update.id, error.code)
            return None
        return ticket_to_dict(ticket)

    async def create_ticket(self, data: Mapping[str, Any]) -> TicketDict:
        """Create a ticket with its first article and return it as stored.

        Raises:
            InvalidTicketDataError: ``data`` was refused before anything was sent.
            OutcomeUnknownError: the reply was lost; the ticket may or may not exist.
            OTOBOError: the server refused the ticket (e.g. an unknown queue).
        """
        ticket = data_to_create(data, known_dynamic_fields=self.settings.known_dynamic_fields)
        return ticket_to_dict(await self.client.create_ticket(ticket))

    async def add_note(
        self, ticket_id: str | int, body: str, *, subject: str = "Note", internal: bool = True
    ) -> str | None:
        """Add an Internal-channel article written by the agent; ``internal=False`` shows it to the customer.

        Returns the article ID, or None when the ticket does not exist or is not writable.

        Raises:
            RequestValidationError: an empty body or subject, or a malformed ``ticket_id``.
            UnexpectedReplyError: the server's reply names no article.
        """
        number = _ticket_id(ticket_id)
        if not isinstance(body, str) or not body.strip():
            raise RequestValidationError("body", "a note needs a non-empty body")
        if not isinstance(subject, str) or not subject.strip():
            raise RequestValidationError("subject", "a note needs a non-empty subject")
        try:
            reference = await self.client.add_note(number, body, subject=subject, internal=internal)
        except AccessDeniedError as error:
            logger.info("note on ticket %s refused (%s): not found or not accessible", number, error.code)
            return None
        if not reference.article_ids:
            raise UnexpectedReplyError(
                "TicketUpdate: the reply names no ArticleID for the note", operation="TicketUpdate"
            )
        return str(reference.article_ids[0])

    async def _get(self, ticket_id: int) -> TicketDict | None:
        try:
            ticket = await self.client.get_ticket(ticket_id)
        except (AccessDeniedError, TicketNotFoundError):
            return None
        return ticket_to_dict(ticket)


OTOBOZnunyAdapter = OTOBOAdapter
"""The same adapter under the name of the package."""
ZnunyAdapter = OTOBOAdapter
"""The same adapter: OTOBO and Znuny share the GenericInterface."""
