"""What posting the ticket events costs the emulator: TicketCreate + TicketUpdate in-process, with no
requester web service, and with one whose invoker posts every event synchronously to a receiver
served by uvicorn on loopback.

    python benchmarks/events_delivery.py [--writes 40] [--rounds 5]

The two emulators get the same requests in alternating rounds so that machine noise hits both
alike. Prints the median time per write of each and their ratio: the price of one synchronous
loopback delivery per event (a TicketCreate fires TicketCustomerUpdate, TicketCreate, ArticleCreate,
TicketOwnerUpdate; a TicketUpdate with a note ArticleCreate). Without a requester nothing is
collected, so the first emulator shows the baseline.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.events import EventReceiver, RequesterSpec, render_requester, run_in_thread

GT = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"
AGENT = {"UserLogin": "api-agent", "Password": "api-secret-1"}
SECRET = "benchmark-secret-0123456789"
EVENTS = ["TicketCustomerUpdate", "TicketCreate", "ArticleCreate", "TicketOwnerUpdate"]


def one_round(http: httpx.Client, writes: int) -> list[float]:
    times = []
    ticket_id = None
    for index in range(writes):
        start = time.perf_counter()
        if index % 2 == 0:
            reply = http.post(
                "/TicketCreate",
                json={
                    **AGENT,
                    "Ticket": {"Title": f"bench {index}", "Queue": "Raw", "State": "new", "Priority": "3 normal",
                               "CustomerUser": "customer-1"},
                    "Article": {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"},
                },
            )  # fmt: skip
            ticket_id = reply.json()["TicketID"]
        else:
            http.post(
                "/TicketUpdate",
                json={**AGENT, "TicketID": ticket_id,
                      "Article": {"Subject": "n", "Body": "note", "ContentType": "text/plain; charset=utf8"}},
            )  # fmt: skip
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    received = [0]
    receiver = EventReceiver(SECRET)
    receiver.add_handler(lambda event: received.__setitem__(0, received[0] + 1))
    plain, posting = Emulator.from_seed("lab"), Emulator.from_seed("lab")
    with run_in_thread(receiver) as server, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Events.yml"
        path.write_text(render_requester(RequesterSpec(server.url, SECRET, events=EVENTS, asynchronous=False)))
        posting.load_webservice(path)
        results: dict[str, list[float]] = {"no requester": [], "posting every event": []}
        with (
            httpx.Client(transport=EmulatorTransport(plain), base_url=GT) as http_plain,
            httpx.Client(transport=EmulatorTransport(posting), base_url=GT) as http_posting,
        ):
            for _ in range(args.rounds):
                results["no requester"] += one_round(http_plain, args.writes)
                results["posting every event"] += one_round(http_posting, args.writes)
        posting.close()
    failed = len(posting.requester.failures)
    base = statistics.median(results["no requester"])
    print(f"python {platform.python_version()} on {platform.machine()}; {args.rounds} rounds of {args.writes} writes")
    for name, values in results.items():
        print(f"  {name:<22} median {statistics.median(values) * 1000:7.2f} ms per write")
    print(f"  ratio posting / none: {statistics.median(results['posting every event']) / base:.1f}")
    print(f"  events received: {received[0]}, failed deliveries: {failed}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
