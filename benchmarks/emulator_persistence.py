"""What one write costs the emulator with a ``--db`` file, with a small and a large helpdesk.

    python benchmarks/emulator_persistence.py [--small 10] [--large 10000] [--writes 40] [--rounds 5]
    python benchmarks/emulator_persistence.py --quick   # a smoke run (used by the test suite)

Two emulators, each with its own SQLite file in a temporary folder: one with ``--small`` generated
tickets, one with ``--large``. Both get the same requests in-process (no sockets), in alternating
rounds so that machine noise hits both alike: TicketCreate and TicketUpdate with a note, each of
which is saved to the file before the reply. Prints the median time per write of each and their
ratio (large / small): about 1 means a write costs the same however big the helpdesk is. The same
writes without a file are timed too, so the share of the persistence is visible.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from otobo_znuny.emulator import Emulator, EmulatorTransport, generate_tickets, seeds

GT = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"
AGENT = {"UserLogin": "api-agent", "Password": "api-secret-1"}


def emulator(tickets: int, db: Path | None) -> Emulator:
    helpdesk = seeds.build("znuny_lab")
    generate_tickets(helpdesk, tickets, articles_per_ticket=2)
    return Emulator(helpdesk, db=db)


def one_round(http: httpx.Client, writes: int) -> list[float]:
    """Seconds per write: alternately a TicketCreate and a TicketUpdate adding a note to it."""
    seconds = []
    ticket_id = None
    for number in range(writes):
        if ticket_id is None or number % 2 == 0:
            body = {
                **AGENT,
                "Ticket": {
                    "Title": f"write {number}",
                    "Queue": "Raw",
                    "State": "new",
                    "Priority": "3 normal",
                    "CustomerUser": "customer-1",
                },
                "Article": {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"},
            }
            operation = "TicketCreate"
        else:
            body = {
                **AGENT,
                "TicketID": ticket_id,
                "Article": {"Subject": "note", "Body": "b", "ContentType": "text/plain; charset=utf8"},
            }
            operation = "TicketUpdate"
        started = time.perf_counter()
        reply = http.post(f"/{operation}", json=body).json()
        seconds.append(time.perf_counter() - started)
        if "Error" in reply:
            raise SystemExit(f"{operation} failed: {reply['Error']}")
        ticket_id = reply["TicketID"]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10, help="tickets in the small helpdesk")
    parser.add_argument("--large", type=int, default=10_000, help="tickets in the large helpdesk")
    parser.add_argument("--writes", type=int, default=40, help="writes per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.large, args.writes, args.rounds = 300, 6, 2

    print(
        f"emulator persistence benchmark: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        sizes = {"small": args.small, "large": args.large}
        built = {}
        for name, count in sizes.items():
            started = time.perf_counter()
            built[name] = emulator(count, Path(folder) / f"{name}.sqlite3")
            built[f"{name} (no file)"] = emulator(count, None)
            print(f"  {name}: {count} tickets, first full save and setup {time.perf_counter() - started:.1f} s")
        clients = {name: httpx.Client(transport=EmulatorTransport(e), base_url=GT) for name, e in built.items()}
        timings: dict[str, list[float]] = {name: [] for name in clients}
        try:
            for _ in range(args.rounds):
                for name, http in clients.items():
                    timings[name].extend(one_round(http, args.writes))
        finally:
            for http in clients.values():
                http.close()
        medians = {name: statistics.median(values) for name, values in timings.items()}
        for name, value in medians.items():
            tickets = sizes[name.split()[0]]
            print(
                f"  {name:<18} {tickets:>6} tickets: {value * 1000:7.2f} ms per write (median of {len(timings[name])})"
            )
        ratio = medians["large"] / medians["small"]
        print(f"ratio large/small with a file: {ratio:.2f} ({args.large} vs {args.small} tickets)")
        print(f"ratio large/small without a file: {medians['large (no file)'] / medians['small (no file)']:.2f}")
        for name in sizes:
            share = 1 - medians[f"{name} (no file)"] / medians[name]
            print(f"  {name}: the file's share of a write {share:.0%}")
        for name in sizes:
            print(f"  {name}: file size {Path(folder, name + '.sqlite3').stat().st_size / 1e6:.1f} MB")
    sys.exit(0)


if __name__ == "__main__":
    main()
