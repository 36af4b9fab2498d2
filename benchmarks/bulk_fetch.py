"""Bulk-fetch benchmark: the client against the embedded emulator served over loopback HTTP.

    python benchmarks/bulk_fetch.py [--tickets 1000] [--articles 5] [--auth-gets 300]

Prints ratios measured in one run (only 127.0.0.1 is used; the run stops by itself in about a
minute, and is cut off after --time-limit seconds):

1. Fetching the tickets of a search the way the original library documents it (TicketSearch, then
   one TicketGet per ticket with ``asyncio.gather``, login and password on every request) against
   ``search_and_get`` (TicketGet batches of 50, at most 4 in flight, one session): requests sent
   (the emulator's counters) and wall time. A per-ticket fetch with 20 requests in flight is shown
   too, so the gain of batching is not confused with the cost of an unbounded ``gather``.
2. The same number of single-ticket TicketGets with password and with session authentication, once
   with the emulator's password check as cheap as Znuny's default ``sha2`` hash and once calibrated
   to what a live Znuny 7.0.19 measured (a password login costs about 30% more server time per
   TicketGet, see ``tests/data/contract/CONTRACT.md``).
3. The client's CPU cost of parsing a TicketGet reply (``Call.parse``: the reply validated into
   ``Ticket`` models) of 50 recorded-shaped tickets with 5 articles each, against ``json.loads`` of
   the same bytes (the floor any JSON client pays). ``benchmarks/parse_speed.py`` measures parsing,
   the CPU per fetched ticket and the memory per held ticket in detail.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import platform
import sys
import time
import timeit
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pydantic

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunyClient, Ticket, TicketSearch
from otobo_znuny.emulator import Emulator, ServerHandle, generate_tickets, run_in_thread
from otobo_znuny.operations import tickets as ticket_operations
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_speed

LIVE_PASSWORD_SURCHARGE = 0.30
"""A password login costs about 30% more server time per TicketGet than a SessionID (live Znuny 7.0.19)."""
LIVE_SINGLE_TICKET_GET_SECONDS = 1.4 / 40
"""40 single TicketGets took 1.4 s on the live Znuny 7.0.19 (CONTRACT.md)."""
T = TypeVar("T")


# ---- helpers -------------------------------------------------------------------------------------


async def timed(make: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    """Await ``make()`` and return its result and the wall time in seconds."""
    started = time.perf_counter()
    result = await make()
    return result, time.perf_counter() - started


def client_for(server: ServerHandle, *, use_session: bool) -> OTOBOZnunyClient:
    """A client with the default timeouts and connection limits, logged in as the seed's agent."""
    client = OTOBOZnunyClient(ClientConfig.generic_ticket(server.genericinterface_url))
    client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD), use_session=use_session)
    return client


def comparable(tickets: list[Ticket]) -> list[Ticket]:
    """Tickets without the values the server computes at request time (``age``, ``UntilTime``)."""
    return [
        ticket.model_copy(update={"age": None, "extra": {k: v for k, v in ticket.extra.items() if k != "UntilTime"}})
        for ticket in tickets
    ]


# ---- 1. per-ticket vs batched ------------------------------------------------------------------


async def fetch_documented_way(server: ServerHandle, search: TicketSearch) -> list[Ticket]:
    """The original library's ``search_and_get``: search, then one TicketGet per ID, all gathered."""
    async with client_for(server, use_session=False) as client:
        ids = await client.search_tickets(search)
        return list(await asyncio.gather(*(client.get_ticket(ticket_id) for ticket_id in ids)))


async def fetch_per_ticket_bounded(server: ServerHandle, search: TicketSearch, in_flight: int) -> list[Ticket]:
    """One TicketGet per ID like the documented way, but at most ``in_flight`` requests at a time."""
    gate = asyncio.Semaphore(in_flight)
    async with client_for(server, use_session=False) as client:

        async def one(ticket_id: int) -> Ticket:
            async with gate:
                return await client.get_ticket(ticket_id)

        ids = await client.search_tickets(search)
        return list(await asyncio.gather(*(one(ticket_id) for ticket_id in ids)))


async def fetch_batched(server: ServerHandle, search: TicketSearch) -> list[Ticket]:
    """``search_and_get`` with the defaults: batches of 50, 4 in flight, one session."""
    async with client_for(server, use_session=True) as client:
        return await client.search_and_get(search)


async def compare_fetches(server: ServerHandle, emulator: Emulator, count: int) -> None:
    search = TicketSearch(limit=count)
    runs: list[tuple[str, int, Callable[[], Awaitable[list[Ticket]]]]] = [
        ("per-ticket TicketGet, all gathered, password (documented)", 2, lambda: fetch_documented_way(server, search)),
        ("per-ticket TicketGet, 20 in flight, password", 3, lambda: fetch_per_ticket_bounded(server, search, 20)),
        ("search_and_get: batches of 50, 4 in flight, session", 5, lambda: fetch_batched(server, search)),
    ]
    measured: list[tuple[str, int, float]] = []
    results: list[list[Ticket]] = []
    for label, repeats, run in runs:
        timings = []
        for _ in range(repeats):  # the shortest of a few runs: the least disturbed by other processes
            emulator.counters.reset()
            tickets, seconds = await timed(run)
            timings.append(seconds)
        measured.append((label, emulator.counters.total, min(timings)))
        results.append(tickets)
    same = all(comparable(result) == comparable(results[-1]) for result in results)
    print(f"1) Fetching the {len(results[-1])} tickets of a search (same tickets every way: {'yes' if same else 'NO'})")
    for label, requests, seconds in measured:
        print(f"   {label:<58} {requests:>5} requests {seconds:>7.2f} s")
    _, batched_requests, batched_seconds = measured[-1]
    for label, requests, seconds in measured[:-1]:
        print(
            f"   -> batched vs {label.split(',')[1].strip()}: {requests / batched_requests:.1f}x fewer requests, "
            f"{seconds / batched_seconds:.1f}x faster"
        )


# ---- 2. password vs session --------------------------------------------------------------------


def iterations_costing(seconds: float) -> int:
    """PBKDF2-SHA256 iterations that take about ``seconds`` on this machine."""
    probe = 50_000
    started = time.perf_counter()
    hashlib.pbkdf2_hmac("sha256", b"password", b"salt", probe)
    per_iteration = (time.perf_counter() - started) / probe
    return max(1, round(seconds / per_iteration))


async def single_gets(server: ServerHandle, ids: list[int], *, use_session: bool, in_flight: int) -> float:
    """Seconds for one TicketGet per ID, ``in_flight`` at a time, in one auth mode."""
    gate = asyncio.Semaphore(in_flight)
    async with client_for(server, use_session=use_session) as client:

        async def one(ticket_id: int) -> Ticket:
            async with gate:
                return await client.get_ticket(ticket_id)

        _, seconds = await timed(lambda: asyncio.gather(*(one(ticket_id) for ticket_id in ids)))
        return seconds


async def compare_auth(server: ServerHandle, emulator: Emulator, count: int) -> None:
    async with client_for(server, use_session=True) as client:
        ids = await client.search_tickets(TicketSearch(limit=count))
    live_check = LIVE_PASSWORD_SURCHARGE * LIVE_SINGLE_TICKET_GET_SECONDS
    settings = [
        ("password check as cheap as one SHA-256 (Znuny's default CryptType sha2)", 1),
        (
            f"password check costing {live_check * 1000:.1f} ms "
            f"(+{LIVE_PASSWORD_SURCHARGE:.0%} of a live single TicketGet)",
            iterations_costing(live_check),
        ),
    ]
    print(f"2) {len(ids)} single-ticket TicketGets, 4 in flight, password vs session")
    for label, iterations in settings:
        emulator.helpdesk.password_hash_iterations = iterations
        emulator.counters.reset()
        password_seconds = min([await single_gets(server, ids, use_session=False, in_flight=4) for _ in range(3)])
        password_requests = emulator.counters.by_auth["password"] // 3
        emulator.counters.reset()
        session_seconds = min([await single_gets(server, ids, use_session=True, in_flight=4) for _ in range(3)])
        session_requests = emulator.counters.by_auth["session"] // 3
        print(f"   {label}")
        print(
            f"      password {password_seconds:5.2f} s ({password_requests} password requests), "
            f"session {session_seconds:5.2f} s ({session_requests} session requests + 1 SessionCreate)"
            f" -> session {password_seconds / session_seconds:.2f}x faster"
        )
    emulator.helpdesk.password_hash_iterations = 1


# ---- 3. parse cost -------------------------------------------------------------------------------


def best_seconds(function: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=7)) / number


def compare_parse(tickets: int, articles: int) -> None:
    ids = [10_000 + index for index in range(tickets)]
    body = parse_speed.reply_of(parse_speed.ticket_fragments(tickets, articles, attachments=False), ids)
    call = ticket_operations.ticket_get(
        ids,
        ticket_operations.TicketGetOptions(),
        ClientConfig.generic_ticket("http://127.0.0.1/otrs/nph-genericinterface.pl").timezone,
    )
    parsed = call.parse(body)
    if [ticket.id for ticket in parsed] != ids or any(len(ticket.articles) != articles for ticket in parsed):
        raise RuntimeError("the benchmark reply did not parse into the expected tickets")
    number = 40
    floor = best_seconds(lambda: json.loads(body), number)
    client = best_seconds(lambda: call.parse(body), number)
    print(
        f"3) Parsing a TicketGet reply of {tickets} recorded-shaped tickets x {articles} articles "
        f"({len(body) / 1024:.0f} KiB), per ticket"
    )
    print(f"   json.loads (the floor)                  {floor / tickets * 1e6:8.1f} us")
    print(
        f"   client Call.parse (validated models)    {client / tickets * 1e6:8.1f} us "
        f"-> {client / floor:.2f}x the floor"
    )


# ---- main ------------------------------------------------------------------------------------------


async def run_http_parts(arguments: argparse.Namespace) -> None:
    emulator = Emulator.from_seed("demo")
    generate_tickets(emulator.helpdesk, arguments.tickets, articles_per_ticket=arguments.articles)
    with run_in_thread(emulator, host="127.0.0.1") as server:
        print(
            f"emulator at {server.base_url}: {arguments.tickets} generated tickets with {arguments.articles} articles "
            f"each, plus the demo seed's"
        )
        await compare_fetches(server, emulator, arguments.tickets)
        await compare_auth(server, emulator, arguments.auth_gets)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000, help="tickets to fetch in part 1 (default 1000)")
    parser.add_argument("--articles", type=int, default=5, help="articles per generated ticket (default 5)")
    parser.add_argument("--auth-gets", type=int, default=300, help="TicketGets per auth mode in part 2 (default 300)")
    parser.add_argument("--time-limit", type=float, default=150, help="give up after this many seconds (default 150)")
    arguments = parser.parse_args(argv)
    print(
        f"otobo-znuny bulk benchmark: Python {platform.python_version()}, httpx {httpx.__version__}, "
        f"pydantic {pydantic.VERSION}, {platform.machine()}"
    )
    started = time.perf_counter()
    try:
        asyncio.run(asyncio.wait_for(run_http_parts(arguments), timeout=arguments.time_limit))
    except TimeoutError:
        raise SystemExit(f"stopped: parts 1 and 2 took longer than --time-limit {arguments.time_limit:.0f} s") from None
    compare_parse(tickets=50, articles=5)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
