"""Lost TicketCreate replies with and without an idempotency key field: the counts.

    python benchmarks/idempotent_creates.py [--creates 100] [--loss 0.3] [--seed 7] [--http] [--everywhere]
    python benchmarks/idempotent_creates.py --quick   # a smoke run (used by the test suite)

The emulator drops the connection after it processed ``--loss`` of the TicketCreate requests: the
ticket exists, the reply is lost (what the loopback proxy of the live Znuny measurement in issue 16
did). ``--everywhere`` adds the same loss on every other operation (the key searches and TicketGets
too), connections dropped before processing, and HTTP 500 pages instead of 15% of the TicketCreates
(not processed, so the create did not happen). ``--http`` serves the emulator over loopback HTTP
instead of in-process.

The same ``--creates`` calls (each with its own title) run twice on fresh emulators with the same fault
seed: once with a client without a key field (the behaviour without the setting), once with
``ClientConfig(idempotency_key_field="ClientRequestID")``. For each run it prints the calls that
returned a ticket, the unknown outcomes (``OutcomeUnknownError``), other errors, the tickets made,
the duplicates (tickets beyond one per call), the calls that got another call's ticket, the tickets
the caller does not know about, and the requests per call. Exit status 1 when the keyed run has an
unknown outcome, a duplicate, a wrong ticket or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from otobo_znuny import (
    Article,
    BasicAuth,
    ClientConfig,
    OTOBOZnunyClient,
    OTOBOZnunyError,
    OutcomeUnknownError,
    RetryPolicy,
    TicketCreate,
)
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER

KEY_FIELD = "ClientRequestID"
FIELD = {"DynamicFields": {KEY_FIELD: {"Name": KEY_FIELD, "FieldType": "Text", "ObjectType": "Ticket"}}}
POLICY = RetryPolicy(initial_delay=0.0, max_delay=0.0, jitter=0.0)
"""No waiting between attempts: the emulator has no in-flight requests to wait for."""


@dataclass
class Counts:
    returned: int = 0
    unknown: int = 0
    errors: int = 0
    made: int = 0
    duplicates: int = 0
    wrong_ticket: int = 0
    unknown_to_caller: int = 0
    requests: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    def must_hold(self) -> bool:
        return self.unknown == self.duplicates == self.wrong_ticket == self.errors == 0


def build_emulator(args: argparse.Namespace) -> Emulator:
    emulator = Emulator.from_seed("lab")
    emulator.import_dynamic_fields(FIELD)  # the field exists on the server in both runs
    faults = emulator.faults
    faults.drop_connections(rate=args.loss, when="after", operations={"TicketCreate"}, seed=args.seed)
    if args.everywhere:
        others = {"TicketSearch", "TicketGet", "SessionCreate"}
        faults.drop_connections(rate=args.loss, when="after", operations=others)
        faults.drop_connections(rate=0.1, when="before")
        faults.http_500_text(rate=0.15, operations={"TicketCreate"})
    return emulator


@contextmanager
def http_client(emulator: Emulator, use_http: bool) -> Iterator[tuple[httpx.AsyncClient, str]]:
    if not use_http:
        yield httpx.AsyncClient(transport=EmulatorTransport(emulator)), EMULATOR_BASE_URL
        return
    with run_in_thread(emulator) as server:
        yield httpx.AsyncClient(), server.genericinterface_url


async def run(args: argparse.Namespace, keyed: bool) -> Counts:
    emulator = build_emulator(args)
    before = set(emulator.helpdesk.data.tickets)
    counts = Counts()
    returned_ids: list[int] = []
    with http_client(emulator, args.http) as (http, url):
        options = {"idempotency_key_field": KEY_FIELD} if keyed else {}
        config = ClientConfig.generic_ticket(url, **options)
        retries = 12 if args.everywhere else 2
        async with OTOBOZnunyClient(config, http, max_retries=retries, retry_policy=POLICY) as client:
            client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
            for index in range(args.creates):
                title = f"alert {index}"
                create = TicketCreate(
                    title=title, queue="Raw", customer_user="customer-1", article=Article(subject=title, body="b")
                )
                try:
                    ticket = await client.create_ticket(create)
                except OutcomeUnknownError:
                    counts.unknown += 1
                    continue
                except OTOBOZnunyError as error:
                    counts.errors += 1
                    counts.error_kinds[type(error).__name__] += 1
                    continue
                counts.returned += 1
                returned_ids.append(ticket.id)
                if ticket.title != title:
                    counts.wrong_ticket += 1
    made = set(emulator.helpdesk.data.tickets) - before
    titles = Counter(emulator.helpdesk.data.tickets[i].title for i in made)
    counts.made = len(made)
    counts.duplicates = sum(n - 1 for n in titles.values())
    counts.wrong_ticket += len(returned_ids) - len(set(returned_ids))
    counts.unknown_to_caller = len(made - set(returned_ids))
    counts.requests = emulator.counters.total + sum(emulator.faults.injected[k] for k in ("drop_before", "http_500"))
    return counts


def report(name: str, counts: Counts, creates: int) -> None:
    kinds = ", ".join(f"{kind} {n}" for kind, n in counts.error_kinds.most_common())
    print(
        f"  {name:<21} returned {counts.returned:>4}  unknown outcomes {counts.unknown:>3}  tickets made "
        f"{counts.made:>4}  duplicates {counts.duplicates}  wrong ticket {counts.wrong_ticket}  unknown to the "
        f"caller {counts.unknown_to_caller:>3}  requests/call {counts.requests / creates:.2f}  other errors "
        f"{counts.errors}" + (f" ({kinds})" if kinds else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--loss", type=float, default=0.3, help="share of TicketCreate replies lost after processing")
    parser.add_argument("--seed", type=int, default=7, help="fault dice (the same for both runs)")
    parser.add_argument("--http", action="store_true", help="serve the emulator over loopback HTTP")
    parser.add_argument("--everywhere", action="store_true", help="also lose replies of the other operations, ...")
    parser.add_argument("--quick", action="store_true", help="20 creates, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.creates = 20
    where = "loopback HTTP" if args.http else "in-process"
    harsher = ", loss on every operation + drops before processing + HTTP 500 on 15% of creates"
    extra = harsher if args.everywhere else ""
    print(
        f"idempotent creates: Python {platform.python_version()}, emulator {where}, {args.creates} creates, "
        f"{args.loss:.0%} of TicketCreate replies lost after processing{extra}, fault seed {args.seed}"
    )
    without = asyncio.run(run(args, keyed=False))
    report("without key field", without, args.creates)
    keyed = asyncio.run(run(args, keyed=True))
    report(f"with {KEY_FIELD}", keyed, args.creates)
    sys.exit(0 if keyed.must_hold() and keyed.returned == args.creates else 1)


if __name__ == "__main__":
    main()
