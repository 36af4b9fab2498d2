"""Changes-feed measurement: what ``iter_changes`` sends and delivers, against a naive polling loop.

    python benchmarks/changes_feed.py [--tickets 2000] [--burst 1200] [--skew 30]

Runs in-process against the embedded emulator (no sockets) on a clock the script moves, so the
figures are request counts and ticket counts, which do not depend on the machine:

1. Catch-up: every ticket from the beginning (``--tickets`` generated tickets plus the demo's 30),
   then a restart from the last cursor: requests per operation, tickets delivered, duplicates, misses.
2. A quiet poll (nothing changed): requests.
3. A burst: ``--burst`` tickets changed within one second, then a one-shot run from the last cursor.
4. The same burst seen by a naive loop that many scripts use: ``TicketSearch`` with
   ``TicketLastChangeTimeNewerDate`` = the time of its previous poll on the *client's* clock (which is
   ``--skew`` seconds ahead of the server's), the server's default ``Limit``, then TicketGet. It
   reports how many changed tickets it lost and how many it delivered twice.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx

from otobo_znuny import BasicAuth, OTOBOZnunySyncClient, TicketSearch, TimeFilter
from otobo_znuny.emulator import Emulator, EmulatorTransport, generate_tickets
from otobo_znuny.emulator.operations import ticket_core
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, emulator_config


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def client_for(emulator: Emulator) -> OTOBOZnunySyncClient:
    client = OTOBOZnunySyncClient(emulator_config(), httpx.Client(transport=EmulatorTransport(emulator)))
    client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
    return client


def report(title: str, emulator: Emulator, delivered: list[int], expected: list[int], seconds: float) -> None:
    counts = Counter(delivered)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing = len(set(expected) - set(delivered))
    by_operation = dict(sorted(emulator.counters.by_operation.items()))
    print(
        f"{title}: {len(delivered)} delivered, {missing} missed, {duplicates} twice, in order: "
        f"{delivered == expected}; requests {emulator.counters.total} {by_operation}; {seconds:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=1200)
    parser.add_argument("--skew", type=int, default=30, help="client clock ahead of the server's, seconds")
    args = parser.parse_args()

    clock = Clock()
    emulator = Emulator.from_seed("demo", clock=clock)
    generate_tickets(emulator.helpdesk, args.tickets)
    clock.now += timedelta(seconds=1)
    tickets = emulator.helpdesk.data.tickets

    def order() -> list[int]:
        return [t.id for t in sorted(tickets.values(), key=lambda t: (t.changed, t.id))]

    with client_for(emulator) as client:
        emulator.counters.reset()
        started = time.perf_counter()
        changes = list(client.iter_changes(articles=False))
        report(
            "1. catch-up from the beginning",
            emulator,
            [c.ticket.id for c in changes],
            order(),
            time.perf_counter() - started,
        )

        emulator.counters.reset()
        quiet = list(client.iter_changes(cursor=changes[-1].cursor))
        print(
            f"2. quiet poll: {len(quiet)} delivered; requests {emulator.counters.total} "
            f"{dict(emulator.counters.by_operation)}"
        )

        # 3. a burst within one second, seen by the feed
        before = changes[-1].cursor
        burst = sorted(tickets)[: args.burst]
        helpdesk = emulator.helpdesk
        clock.now += timedelta(seconds=5)
        previous_poll = clock.now - timedelta(seconds=2)  # the naive loop's previous poll, server time
        with helpdesk.lock:
            for ticket_id in burst:
                ticket_core.set_title(helpdesk, tickets[ticket_id], f"burst {ticket_id}", 1)
        clock.now += timedelta(seconds=1)
        emulator.counters.reset()
        started = time.perf_counter()
        after = list(client.iter_changes(cursor=before, articles=False))
        expected = [i for i in order() if i in set(burst)]
        report(
            f"3. feed after a burst of {args.burst} in one second",
            emulator,
            [c.ticket.id for c in after],
            expected,
            time.perf_counter() - started,
        )

        # 4. the naive loop on the same burst: its previous poll was 2 s before the burst (server time)
        for skew in sorted({0, args.skew}):
            since = previous_poll + timedelta(seconds=skew)  # read on the client's clock
            emulator.counters.reset()
            started = time.perf_counter()
            search = TicketSearch(last_changed=TimeFilter(newer_than=since.replace(tzinfo=None)))
            ids = client._call(client._search_call(search))  # as such a loop sends it: no Limit (the server's 500)
            naive = [t.id for t in client.get_tickets(ids, articles=False)]
            seconds = time.perf_counter() - started
            report(f"4. naive loop, client clock {skew} s ahead", emulator, naive, expected, seconds)


if __name__ == "__main__":
    main()
