"""Idempotent writes: a key travels with the write, so that after a lost reply the client can find
out whether the write happened instead of raising ``OutcomeUnknownError``.

Where the key goes (the server source behind each choice is in ``docs/reliability.md``):

* ``create_ticket``: into a Text ticket dynamic field the admin created for it
  (``ClientConfig.idempotency_key_field``). TicketCreate sets ticket dynamic fields right after it
  inserts the ticket, and TicketSearch finds the ticket with ``DynamicField_<Name>: {Equals: key}``.
  ``Equals`` compares case-insensitively and turns ``*`` into ``%``, and the search silently drops a
  criterion on a field that is not a valid ticket field (returning unrelated tickets), so keys are
  lowercase without wildcards and every hit is read back and compared before it is trusted.
* the articles of ``update_ticket``/``add_note``/``add_email_article``: into each article's
  HistoryComment, which ArticleCreate stores as the ``Name`` of the article's history row;
  TicketHistoryGet returns it with the ``ArticleID``. (The article's ``MessageID`` cannot serve:
  TicketCreate and TicketUpdate drop it; an Article dynamic field is not searchable and needs setup.)

After a lost reply (``OutcomeUnknownError``, or an HTTP 5xx page) a flow waits the retry policy's
delay, looks for the key and: one match is the result; none means the write did not happen, so it is
sent again (at most ``max_retries`` times, then ``WriteNotAppliedError``); more raise
``DuplicateWriteError``. A write that succeeds after a re-send is looked for once more, in case the
lost attempt landed late. A caller's own key is also looked for before the first send, so calling
again with the same key returns what the first call made.

Pure: the flows yield ``Call``/``Sleep`` and are driven by the client shells.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from otobo_znuny.client.engine import Sleep
from otobo_znuny.client.retry import RetryPolicy, retry_delay
from otobo_znuny.errors import (
    ConfigurationError,
    DuplicateWriteError,
    OTOBOZnunyError,
    OutcomeUnknownError,
    ReplyTooLargeError,
    RequestValidationError,
    ResponseError,
    TransportError,
    UnexpectedReplyError,
    WriteNotAppliedError,
)
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.search import DynamicFieldFilter, TicketSearch
from otobo_znuny.models.ticket import Ticket, TicketReference
from otobo_znuny.operations.call import Call

__all__ = [
    "HISTORY_COMMENT_LIMIT",
    "KEY_MARKER",
    "KEY_SEARCH_LIMIT",
    "NOTE_HISTORY_COMMENT",
    "Found",
    "check_key",
    "create_ticket",
    "find_articles",
    "find_tickets",
    "history_comment",
    "key_search",
    "mark_articles",
    "new_key",
    "reply_lost",
    "send_until_known",
    "write_articles",
]

logger = logging.getLogger("otobo_znuny")

M = TypeVar("M")
Flow = Generator[Call[Any] | Sleep, Any, M]

_KEY = re.compile(r"[a-z0-9][a-z0-9._:-]*")
MAX_KEY_LENGTH = 100
KEY_SEARCH_LIMIT = 10
"""At most this many tickets are fetched for one key: enough to list duplicates, and few enough if
the server ignored the criterion."""
NOTE_HISTORY_COMMENT = "%%GenericInterface Note"
"""TicketUpdate's stock HistoryComment (SysConfig ``GenericInterface::Operation::TicketUpdate###HistoryComment``).
A marked article keeps it as the first value, so the agent's history view reads as without a marker."""
KEY_MARKER = "otobo-znuny-key="
HISTORY_COMMENT_LIMIT = 200
"""HistoryAdd keeps the first 200 characters of a history ``Name``."""


def new_key() -> str:
    """A fresh key: a random UUID (lowercase hex and dashes)."""
    return str(uuid.uuid4())


def check_key(key: object) -> str:
    """``key`` if the server can store and find it exactly.

    Raises:
        RequestValidationError: not 1-100 lowercase letters, digits and ``. _ : -`` starting with a
            letter or digit (the server compares keys case-insensitively and reads ``*`` as ``%``, so
            other characters could match another caller's key, or none at all).
    """
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise RequestValidationError(
            "idempotency_key",
            f"must be 1-{MAX_KEY_LENGTH} lowercase letters, digits and . _ : - (e.g. str(uuid.uuid4())), got "
            f"{key!r}: the server compares keys case-insensitively and reads * as a wildcard, so other "
            "characters could match another key or none",
        )
    return key


def key_search(field: str, key: str) -> TicketSearch:
    """The TicketSearch for the tickets that carry ``key`` in ``field`` (archived ones too)."""
    return TicketSearch(
        dynamic_fields=[DynamicFieldFilter(field_name=field, equals=key)],
        search_in_archive="AllTickets",
        limit=KEY_SEARCH_LIMIT,
    )


def history_comment(key: str, existing: str | None = None) -> str:
    """The HistoryComment of a marked article: ``existing`` (else the stock one) plus the marker.

    Raises:
        RequestValidationError: the comment would be longer than the 200 characters the server keeps.
    """
    comment = f"{existing or NOTE_HISTORY_COMMENT}%%{KEY_MARKER}{key}"
    if len(comment) > HISTORY_COMMENT_LIMIT:
        raise RequestValidationError(
            "idempotency_key",
            f"the article's HistoryComment with the key would be {len(comment)} characters; the server keeps "
            f"{HISTORY_COMMENT_LIMIT} and would cut the key off",
        )
    return comment


def mark_articles(params: dict[str, Any], key: str) -> dict[str, Any]:
    """TicketCreate/TicketUpdate parameters whose article(s) carry ``key`` in their HistoryComment."""
    articles = params.get("Article")

    def mark(article: dict[str, Any]) -> dict[str, Any]:
        return {**article, "HistoryComment": history_comment(key, article.get("HistoryComment"))}

    if isinstance(articles, dict):
        return {**params, "Article": mark(articles)}
    if isinstance(articles, list):
        return {**params, "Article": [mark(article) for article in articles]}
    return params


def reply_lost(error: OTOBOZnunyError) -> bool:
    """True when a write failed so that it may or may not have happened: the reply was lost, or an
    HTTP 5xx page (a proxy's 502/504, or the server's) came instead of GenericInterface JSON."""
    if isinstance(error, OutcomeUnknownError):
        return True
    return (
        isinstance(error, ResponseError)
        and not isinstance(error, (UnexpectedReplyError, ReplyTooLargeError))
        and (error.status_code or 0) >= 500
    )


def _request_of(error: OTOBOZnunyError) -> Any:
    if isinstance(error, TransportError):
        try:
            return error.request
        except RuntimeError:
            return None
    return None


@dataclass(frozen=True)
class Found(Generic[M]):
    """What the key search found for a write that was made (by this call or an earlier one)."""

    matches: list[M]


def find_tickets(
    field: str,
    key: str,
    search: Callable[[TicketSearch], Call[list[int]]],
    get: Callable[[list[int]], Call[list[Ticket]]],
) -> Flow[list[Ticket]]:
    """The tickets that carry ``key`` in ``field``, each read back and compared.

    Raises:
        ConfigurationError: a hit does not carry the key: the server ignored the criterion (``field`` is
            not a valid ticket dynamic field there) and returned unrelated tickets.
        UnexpectedReplyError: TicketGet did not return every ticket the search found.
    """
    ids: list[int] = yield search(key_search(field, key))
    if not ids:
        return []
    tickets: list[Ticket] = yield get(ids)
    missing = set(ids) - {ticket.id for ticket in tickets}
    if missing:
        raise UnexpectedReplyError(
            f"TicketGet: the reply lacks ticket(s) {sorted(missing)} that the key search found", operation="TicketGet"
        )
    strangers = [ticket.id for ticket in tickets if ticket.dynamic_fields.get(field) != key]
    if strangers:
        shown = ", ".join(str(i) for i in strangers)
        raise ConfigurationError(
            f"TicketSearch for {field} = {key!r} returned ticket(s) {shown}, which do not carry that key: the "
            f"server ignores a criterion on a dynamic field that is not a valid Ticket field and returns other "
            f"tickets. Check that {field} exists on the server as a valid Text field of object type Ticket "
            "(docs/reliability.md)"
        )
    return tickets


def find_articles(ticket_id: int, key: str, history: Callable[[int], Call[list[HistoryEntry]]]) -> Flow[list[int]]:
    """IDs of the articles of ``ticket_id`` whose history row carries ``key``, in ascending order."""
    entries: list[HistoryEntry] = yield history(ticket_id)
    marker = KEY_MARKER + key
    return sorted({entry.article_id for entry in entries if entry.article_id and marker in entry.values})


def send_until_known(
    write: Call[TicketReference],
    find: Callable[[], Flow[list[M]]],
    *,
    expected: int,
    check_first: bool,
    policy: RetryPolicy,
    duplicates: Callable[[list[M]], DuplicateWriteError],
    what: str,
) -> Flow[TicketReference | Found[M]]:
    """Send a keyed write until its outcome is known (see the module docstring).

    ``find`` looks for what the write makes (``expected`` matches per write); ``what`` names it in
    messages (``ticket``, ``article``).

    Raises:
        DuplicateWriteError: more than ``expected`` matches.
        WriteNotAppliedError: no usable reply on any attempt, and nothing carries the key.
        OutcomeUnknownError: the reply was lost and looking for the key failed too.
        OTOBOError, RequestValidationError, ...: the write's own errors, as without a key.
    """
    key = write.idempotency_key
    if key is None:
        raise ValueError("send_until_known needs a Call with an idempotency_key")
    operation = write.operation.value

    def known(matches: list[M]) -> Found[M]:
        if len(matches) > expected:
            raise duplicates(matches)
        if len(matches) < expected:
            raise OutcomeUnknownError(
                f"{operation}: outcome unknown: {len(matches)} of the {expected} {what}s of this call carry "
                f"idempotency key {key!r}; the server stopped part-way",
                operation=operation,
                idempotency_key=key,
            )
        return Found(matches)

    if check_first:
        matches = yield from find()
        if matches:
            logger.info("%s: idempotency key %s is already used; returning what it made", operation, key)
            return known(matches)
    attempt = 0
    while True:
        try:
            reference: TicketReference = yield write
        except OTOBOZnunyError as error:
            if not reply_lost(error):
                raise
            delay = retry_delay(attempt, policy)
            logger.info("%s: %s; looking for idempotency key %s in %.2fs", operation, type(error).__name__, key, delay)
            if delay > 0:
                yield Sleep(delay)
            try:
                matches = yield from find()
            except OTOBOZnunyError as lookup_error:
                raise OutcomeUnknownError(
                    f"{operation}: outcome unknown: the reply was lost ({error}), and looking for idempotency key "
                    f"{key!r} failed too ({lookup_error}); call again with idempotency_key={key!r}: that returns "
                    f"the {what} if it was made and makes it otherwise",
                    operation=operation,
                    request=_request_of(error),
                    idempotency_key=key,
                ) from lookup_error
            if matches:
                return known(matches)
            if attempt >= policy.max_retries:
                raise WriteNotAppliedError(
                    f"{operation}: not applied: {attempt + 1} attempt(s) got no usable reply (last: {error}), and no "
                    f"{what} carries idempotency key {key!r}, so nothing was written; sending it again is safe",
                    operation=operation,
                    request=_request_of(error),
                    idempotency_key=key,
                ) from error
            attempt += 1
            logger.info(
                "%s: no %s carries idempotency key %s, so it did not happen; sending it again (%d of %d)",
                operation,
                what,
                key,
                attempt,
                policy.max_retries,
            )
            continue
        if attempt:
            yield from _confirm(find, expected, duplicates, operation)
        return reference


def _confirm(
    find: Callable[[], Flow[list[M]]],
    expected: int,
    duplicates: Callable[[list[M]], DuplicateWriteError],
    operation: str,
) -> Flow[None]:
    """After a successful re-send: a lost attempt that the server was still processing when the key
    was looked for may have landed since. A failing lookup is logged, not raised: the write succeeded.

    Raises:
        DuplicateWriteError: it did.
    """
    try:
        matches = yield from find()
    except OTOBOZnunyError as error:
        logger.warning("%s: sent again after a lost reply; the check for a late duplicate failed: %s", operation, error)
        return
    if len(matches) > expected:
        raise duplicates(matches)


def create_ticket(
    write: Call[TicketReference],
    *,
    field: str,
    check_first: bool,
    policy: RetryPolicy,
    search: Callable[[TicketSearch], Call[list[int]]],
    get: Callable[[list[int]], Call[list[Ticket]]],
    read_back: Callable[[TicketReference], Flow[Ticket]],
) -> Flow[Ticket]:
    """A TicketCreate carrying ``write.idempotency_key`` in ``field``; returns the one ticket that
    carries the key, as TicketGet reads it (``get`` uses the read-back options).

    Raises:
        DuplicateWriteError, WriteNotAppliedError, OutcomeUnknownError: see ``send_until_known``.
        ConfigurationError: the key search returned tickets without the key (see ``find_tickets``).
    """
    key = write.idempotency_key or ""

    def duplicates(tickets: list[Ticket]) -> DuplicateWriteError:
        ids = [ticket.id for ticket in tickets]
        return DuplicateWriteError(
            f"TicketCreate: {len(ids)} tickets carry idempotency key {key!r} in {field} "
            f"(IDs {', '.join(map(str, ids))}): a create whose reply was lost completed after all, or another "
            "caller used the same key; keep one and close or merge the others",
            idempotency_key=key,
            operation="TicketCreate",
            ticket_ids=ids,
            tickets=tickets,
        )

    outcome = yield from send_until_known(
        write,
        lambda: find_tickets(field, key, search, get),
        expected=1,
        check_first=check_first,
        policy=policy,
        duplicates=duplicates,
        what="ticket",
    )
    if isinstance(outcome, Found):
        found: Ticket = outcome.matches[0]
        return found
    ticket: Ticket = yield from read_back(outcome)
    return ticket


def write_articles(
    write: Call[TicketReference],
    *,
    ticket_id: int | None,
    ticket_number: str | None,
    expected: int,
    check_first: bool,
    policy: RetryPolicy,
    history: Callable[[int], Call[list[HistoryEntry]]],
    search: Callable[[TicketSearch], Call[list[int]]],
    number_of: Callable[[int], Call[list[Ticket]]] | None,
) -> Flow[TicketReference]:
    """A TicketUpdate whose ``expected`` articles carry ``write.idempotency_key`` in their
    HistoryComment; returns its reference (for a found write: the ticket, the articles and, read with
    ``number_of`` when given, the ticket number).

    A ticket named by ``ticket_number`` is looked up by number only when the key must be looked for.

    Raises:
        DuplicateWriteError, WriteNotAppliedError, OutcomeUnknownError: see ``send_until_known``.
    """
    key = write.idempotency_key or ""
    resolved: list[int] = [ticket_id] if ticket_id is not None else []

    def find() -> Flow[list[int]]:
        if not resolved:
            # archived tickets too: TicketUpdate takes them by number, a default search skips them
            number_search = TicketSearch(ticket_numbers=[ticket_number or ""], search_in_archive="AllTickets", limit=2)
            ids: list[int] = yield search(number_search)
            if not ids:
                return []  # no such ticket (or not readable): nothing can have been added to it
            if len(ids) > 1:
                raise UnexpectedReplyError(
                    f"TicketSearch: ticket number {ticket_number} matched tickets {ids}", operation="TicketSearch"
                )
            resolved.append(ids[0])
        matches: list[int] = yield from find_articles(resolved[0], key, history)
        return matches

    def duplicates(article_ids: list[int]) -> DuplicateWriteError:
        return DuplicateWriteError(
            f"TicketUpdate: {len(article_ids)} articles of ticket {resolved[0]} carry idempotency key {key!r} "
            f"(IDs {', '.join(map(str, article_ids))}), {expected} expected: an update whose reply was lost "
            "completed after all, or another caller used the same key",
            idempotency_key=key,
            operation="TicketUpdate",
            article_ids=article_ids,
            ticket_id=resolved[0],
        )

    outcome = yield from send_until_known(
        write,
        find,
        expected=expected,
        check_first=check_first,
        policy=policy,
        duplicates=duplicates,
        what="article",
    )
    if isinstance(outcome, TicketReference):
        return outcome
    number = ticket_number
    if number is None and number_of is not None:
        try:
            tickets: list[Ticket] = yield number_of(resolved[0])
            number = tickets[0].number if tickets else None
        except OTOBOZnunyError as error:  # the articles exist; only the number is missing
            logger.info("TicketUpdate: article(s) found by key, but reading the ticket number failed: %s", error)
    return TicketReference(ticket_id=resolved[0], ticket_number=number, article_ids=outcome.matches)
