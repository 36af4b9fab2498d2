"""The retry policy as tables: ``should_retry``, ``retry_delay``, ``parse_retry_after``, and the call
engine's retries driven step by step (no I/O, no sleeping: the engine only *asks* for a Sleep)."""

from __future__ import annotations

import random
from collections.abc import Generator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    AccessDeniedError,
    ConnectError,
    OutcomeUnknownError,
    RequestTimeoutError,
    ResponseError,
    RetryPolicy,
    SessionExpiredError,
    TicketReference,
    TicketSearch,
)
from otobo_znuny.client.engine import AuthState, RawReply, RenewSession, Send, Sleep, run_call
from otobo_znuny.client.retry import Delivery, retry_delay, should_retry
from otobo_znuny.operations import tickets
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.replies import parse_retry_after
from otobo_znuny.testing import emulator_config
from otobo_znuny.wire.mapping import WriteLimits
from support.recording import load_exchanges

from .helpers import AUTH, new_ticket

POLICY = RetryPolicy(max_retries=2, initial_delay=0.5, max_delay=8.0, jitter=0.25, max_retry_after=60.0)

# ---- should_retry ----------------------------------------------------------------------------------

D = Delivery


@pytest.mark.parametrize(
    ("delivery", "is_write", "retry_writes", "attempt", "retry_after", "expected"),
    [
        # never delivered: safe for every operation
        (D.NOT_SENT, False, False, 0, None, True),
        (D.NOT_SENT, True, False, 0, None, True),
        # refused by a rate limit before processing: safe for every operation
        (D.RATE_LIMITED, False, False, 0, None, True),
        (D.RATE_LIMITED, True, False, 1, None, True),
        # may have been processed: reads only, writes only when the caller opts in
        (D.MAYBE_PROCESSED, False, False, 0, None, True),
        (D.MAYBE_PROCESSED, True, False, 0, None, False),
        (D.MAYBE_PROCESSED, True, True, 0, None, True),
        (D.SERVER_ERROR, False, False, 1, None, True),
        (D.SERVER_ERROR, True, False, 0, None, False),
        (D.SERVER_ERROR, True, True, 0, None, True),
        # the retry budget is max_retries after the first attempt
        (D.NOT_SENT, False, False, 2, None, False),
        (D.RATE_LIMITED, True, False, 2, None, False),
        # a Retry-After longer than max_retry_after is not waited for
        (D.RATE_LIMITED, False, False, 0, 60.0, True),
        (D.RATE_LIMITED, False, False, 0, 60.5, False),
        (D.SERVER_ERROR, False, False, 0, 3600.0, False),
    ],
)
def test_should_retry(
    delivery: Delivery, is_write: bool, retry_writes: bool, attempt: int, retry_after: float | None, expected: bool
) -> None:
    policy = POLICY.with_changes(retry_writes=retry_writes)
    decision = should_retry(
        delivery=delivery, is_write=is_write, attempt=attempt, policy=policy, retry_after=retry_after
    )
    assert decision is expected


def test_no_retries_at_all_with_max_retries_zero() -> None:
    policy = POLICY.with_changes(max_retries=0)
    for delivery in Delivery:
        assert not should_retry(delivery=delivery, is_write=False, attempt=0, policy=policy)


# ---- retry_delay -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "rand", "retry_after", "expected"),
    [
        (0, 0.0, None, 0.5),  # initial_delay
        (1, 0.0, None, 1.0),  # doubled
        (3, 0.0, None, 4.0),
        (4, 0.0, None, 8.0),  # reaches max_delay
        (9, 0.0, None, 8.0),  # and stays there
        (0, 1.0, None, 0.375),  # the full jitter takes 25% off
        (4, 1.0, None, 6.0),
        (2, 0.5, None, 1.75),
        (0, 0.0, 3.0, 3.0),  # Retry-After wins over the backoff
        (5, 1.0, 0.0, 0.0),
        (0, 0.0, 120.0, 60.0),  # capped at max_retry_after
        (1, 0.0, -4.0, 1.0),  # a negative Retry-After is ignored
    ],
)
def test_retry_delay(attempt: int, rand: float, retry_after: float | None, expected: float) -> None:
    assert retry_delay(attempt, POLICY, retry_after, rand=rand) == pytest.approx(expected)


def test_retry_delay_jitter_stays_within_its_fraction() -> None:
    random.seed(5)
    delays = [retry_delay(2, POLICY) for _ in range(500)]
    assert all(1.5 <= delay <= 2.0 for delay in delays)
    assert len(set(delays)) > 100  # spread out, so clients do not retry in lockstep


def test_zero_delay_policy_never_waits() -> None:
    policy = RetryPolicy(initial_delay=0, max_delay=0)
    assert {retry_delay(attempt, policy) for attempt in range(6)} == {0.0}


# ---- parse_retry_after -----------------------------------------------------------------------------

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("20", 20.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-5", 0.0),  # "in the past": retry now
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(minutes=5), usegmt=True), 0.0),
        ("Sun, 22 Nov 2026 12:00:30", 30.0),  # no zone: taken as UTC
        ("nan", None),
        ("soon", None),
        ("Sun, 99 Nov 2026 12:00:30 GMT", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


# ---- the engine: run_call driven by hand -------------------------------------------------------------


def _recorded_reply(operation: str, *, error_code: str | None = None) -> RawReply:
    exchange = next(
        e for e in load_exchanges() if e.operation == operation and e.error_code == error_code and e.status == 200
    )
    return RawReply(exchange.status, exchange.content_type, exchange.response_body.encode("utf-8"))


def _text(status: int, retry_after: str | None = None) -> RawReply:
    return RawReply(status, "text/plain; charset=UTF-8", b"Service Unavailable", retry_after)


def _read_call() -> Call[Any]:
    return tickets.ticket_get([3], tickets.TicketGetOptions(), emulator_config().timezone)


def _write_call() -> Call[Any]:
    config = emulator_config()
    return tickets.ticket_create(
        new_ticket(),
        flavor=config.flavor,
        tz=config.timezone,
        limits=WriteLimits(1_000_000, 1_000_000),
        default_state="new",
        default_priority="3 normal",
    )


def _drive(call: Call[Any], outcomes: list[RawReply | Exception], policy: RetryPolicy) -> tuple[list[float], Any]:
    """Run the engine, answering each Send with the next outcome; returns the sleeps asked for and
    the result (or the exception raised)."""
    state = AuthState(auth=AUTH, use_session=False)
    steps: Generator[Any, Any, Any] = run_call(emulator_config(), state, call, policy)
    sleeps: list[float] = []
    pending = list(outcomes)
    try:
        action = next(steps)
        while True:
            if isinstance(action, Sleep):
                sleeps.append(action.seconds)
                action = steps.send(None)
                continue
            assert isinstance(action, Send)
            outcome = pending.pop(0)
            action = steps.throw(outcome) if isinstance(outcome, Exception) else steps.send(outcome)
    except StopIteration as stop:
        assert not pending, "the engine stopped before using every outcome"
        return sleeps, stop.value
    except Exception as error:  # the engine's verdict
        assert not pending, "the engine stopped before using every outcome"
        return sleeps, error


def _dropped() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.")


def _web_service_answers() -> RawReply:
    """What an existing web service answers to the client's probe (a request for no operation): the
    recorded transport error of a request that matched no route."""
    exchange = next(e for e in load_exchanges() if "Error while determine Operation" in e.response_body)
    return RawReply(exchange.status, exchange.content_type, exchange.response_body.encode("utf-8"))


NO_JITTER = POLICY.with_changes(jitter=0.0)
OK_GET = _recorded_reply("TicketGet")
OK_CREATE = _recorded_reply("TicketCreate")


@pytest.mark.parametrize(
    ("make_call", "outcomes", "sleeps", "result"),
    [
        # reads: everything transient is retried with backoff, up to max_retries
        (_read_call, [httpx.ConnectError("refused"), OK_GET], [0.5], list),
        (_read_call, [_dropped(), httpx.ReadTimeout("slow"), OK_GET], [0.5, 1.0], list),
        (_read_call, [_text(500), _text(502), OK_GET], [0.5, 1.0], list),
        (_read_call, [_text(503), _text(503), _text(503)], [0.5, 1.0], ResponseError),
        (_read_call, [httpx.ConnectError("refused")] * 3, [0.5, 1.0], ConnectError),
        (_read_call, [httpx.ReadTimeout("slow")] * 3, [0.5, 1.0], RequestTimeoutError),
        # Retry-After is honoured, and a too long one is not waited for
        (_read_call, [_text(429, "3"), OK_GET], [3.0], list),
        (_read_call, [_text(503, "120")], [], ResponseError),
        # not retried: other HTTP errors and the server's business errors
        (_read_call, [_text(404)], [], ResponseError),
        (_read_call, [_recorded_reply("TicketGet", error_code="TicketGet.AccessDenied")], [], AccessDeniedError),
        # writes: re-sent only when the request cannot have been processed
        (_write_call, [httpx.ConnectError("refused"), OK_CREATE], [0.5], TicketReference),
        (_write_call, [httpx.PoolTimeout("pool"), OK_CREATE], [0.5], TicketReference),
        (_write_call, [_text(429, "2"), OK_CREATE], [2.0], TicketReference),
        # (a dropped write is followed by a probe of the web service: it exists here)
        (_write_call, [_dropped(), _web_service_answers()], [], OutcomeUnknownError),
        (_write_call, [httpx.ReadTimeout("slow")], [], OutcomeUnknownError),
        (_write_call, [_text(500)], [], ResponseError),
    ],
)
def test_engine_retries(
    make_call: Any, outcomes: list[RawReply | Exception], sleeps: list[float], result: type
) -> None:
    asked, outcome = _drive(make_call(), outcomes, NO_JITTER)
    assert asked == sleeps
    assert isinstance(outcome, result)


def test_engine_re_sends_writes_after_an_ambiguous_failure_only_when_asked() -> None:
    asked, outcome = _drive(
        _write_call(), [_dropped(), _text(502), OK_CREATE], NO_JITTER.with_changes(retry_writes=True)
    )
    assert asked == [0.5, 1.0]
    assert outcome.ticket_id > 0


def test_outcome_unknown_says_what_happened_and_what_to_do() -> None:
    _, error = _drive(_write_call(), [_dropped(), _web_service_answers()], NO_JITTER)
    assert isinstance(error, OutcomeUnknownError)
    assert error.operation == "TicketCreate"
    message = str(error)
    assert "may have reached the server" in message
    assert "not re-sent" in message


def test_engine_renews_an_expired_session_once() -> None:
    auth_fail = _recorded_reply("TicketSearch", error_code="TicketSearch.AuthFail")
    search = tickets.ticket_search(TicketSearch(), emulator_config().timezone)
    state = AuthState(auth=AUTH, use_session=True, session_id="old-session")
    steps = run_call(emulator_config(), state, search, POLICY)
    first = next(steps)
    assert isinstance(first, Send)
    assert b'"SessionID":"old-session"' in (first.request.content or b"")
    renew = steps.send(auth_fail)
    assert renew == RenewSession("old-session")
    second = steps.send("new-session")
    assert isinstance(second, Send)
    assert b'"SessionID":"new-session"' in (second.request.content or b"")
    with pytest.raises(SessionExpiredError, match="again after renewal"):
        steps.send(auth_fail)
