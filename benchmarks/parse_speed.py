"""Parse-speed benchmark: the client's CPU cost of TicketGet replies beside ``json.loads``, in one run.

    python benchmarks/parse_speed.py [--tickets 50] [--articles 5] [--fetch 1000] [--runs 7]

The tickets are shaped like the richest TicketGet ticket of the recorded live exchanges
(``tests/data/contract``: its keys, dynamic fields and article keys), with ``--articles`` articles each
and distinct IDs, numbers and times; "with attachments" adds to every article the attachment of the
recorded exchange that fetched one (``Attachments=1``), keys and content as recorded.

1. Parsing one TicketGet reply of ``--tickets`` tickets: the client's parser (``Call.parse``: the
   reply validated into ``Ticket`` models) against ``json.loads`` of the same bytes, the floor any
   JSON client pays. The shortest of ``--runs`` rounds each, run alternately.
2. CPU per fetched ticket: ``get_tickets`` of ``--fetch`` tickets (batches of ``--tickets``; request
   building, HTTP, reply checks, parse) against raw httpx sending the same requests plus
   ``json.loads`` of each reply, sync (one request at a time) and async (4 in flight); both keep what
   they fetched. The server is a separate process answering canned replies on 127.0.0.1, so only the
   client's CPU is measured (``time.process_time`` of this process).
3. Memory per held ticket: what the parsed tickets hold (``tracemalloc``), beside the dicts of
   ``json.loads``.

Run it against another checkout (the code before a change) with ``PYTHONPATH=OTHER/src``; it uses
only public names.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import importlib
import json
import platform
import subprocess
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pydantic

import otobo_znuny
from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunyClient, OTOBOZnunySyncClient, Ticket
from otobo_znuny.operations import tickets as ticket_operations

REPO = Path(__file__).resolve().parents[1]
USER, PASSWORD = "bench-agent", "bench-password"


# ---- recorded-shaped tickets ------------------------------------------------------------------------


def _recorded_ticket_get_replies() -> list[dict[str, Any]]:
    sys.path.insert(0, str(REPO / "tests"))
    recording = importlib.import_module("support.recording")  # the one loader of the recorded exchanges
    try:
        exchanges = recording.load_exchanges()
    except FileNotFoundError as error:
        raise SystemExit(f"the recorded exchanges are missing ({error}); set OTOBO_ZNUNY_CONTRACT_DIR") from None
    return [
        exchange.response_json()
        for exchange in exchanges
        if exchange.operation == "TicketGet" and exchange.error_code is None and exchange.is_json
    ]


def recorded_templates() -> tuple[dict[str, Any], dict[str, Any]]:
    """The richest recorded ticket (most dynamic fields and articles) and the recorded attachment."""
    tickets = [ticket for reply in _recorded_ticket_get_replies() for ticket in reply["Ticket"]]
    ticket = max(tickets, key=lambda t: len(t.get("DynamicField", [])) + len(t.get("Article", [])))
    attachments = [att for t in tickets for article in t.get("Article", []) for att in article.get("Attachment", [])]
    if not attachments:
        raise SystemExit("no recorded TicketGet reply carries an attachment")
    return ticket, attachments[0]


def ticket_fragments(count: int, articles: int, attachments: bool) -> dict[int, bytes]:
    """``{ticket_id: ticket JSON}`` for ``count`` recorded-shaped tickets with distinct IDs and times."""
    template, attachment = recorded_templates()
    article_template = template["Article"][0]
    start = datetime(2026, 1, 5, 8, 0, 0, tzinfo=timezone.utc)
    fragments: dict[int, bytes] = {}
    for index in range(count):
        ticket = copy.deepcopy(template)
        ticket_id = 10_000 + index
        created = start + timedelta(hours=7 * index, seconds=index)
        ticket.update(
            TicketID=ticket_id,
            TicketNumber=f"2026010542{ticket_id:07d}",
            Created=f"{created:%Y-%m-%d %H:%M:%S}",
            Changed=f"{created + timedelta(minutes=13 * articles):%Y-%m-%d %H:%M:%S}",
            UnlockTimeout=int(created.timestamp()),
        )
        ticket["Article"] = []
        for number in range(articles):
            article = copy.deepcopy(article_template)
            at = created + timedelta(minutes=13 * number, seconds=number)
            article.update(
                ArticleID=100_000 + index * articles + number,
                ArticleNumber=number + 1,
                TicketID=ticket_id,
                CreateTime=f"{at:%Y-%m-%d %H:%M:%S}",
                ChangeTime=f"{at:%Y-%m-%d %H:%M:%S}",
                IncomingTime=int(at.timestamp()),
            )
            if attachments:
                article["Attachment"] = [dict(attachment, FileID=str(number + 1))]
            ticket["Article"].append(article)
        fragments[ticket_id] = json.dumps(ticket).encode()
    return fragments


def reply_of(fragments: dict[int, bytes], ids: list[int]) -> bytes:
    return b'{"Ticket":[' + b",".join(fragments[i] for i in ids) + b"]}"


# ---- 1. parse ---------------------------------------------------------------------------------------


def best_of(functions: dict[str, Callable[[], object]], runs: int, number: int) -> dict[str, float]:
    """The shortest time per call of each function, measured alternately (the machine may be shared)."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(runs):
        for name, function in functions.items():
            best[name] = min(best[name], min(timeit.repeat(function, number=number, repeat=3)) / number)
    return best


def parse_case(count: int, articles: int, attachments: bool, runs: int) -> None:
    tz = ClientConfig.generic_ticket("http://127.0.0.1/otrs/nph-genericinterface.pl").timezone
    fragments = ticket_fragments(count, articles, attachments)
    ids = sorted(fragments)
    body = reply_of(fragments, ids)
    call = ticket_operations.ticket_get(ids, ticket_operations.TicketGetOptions(attachments=attachments), tz)
    parsed = call.parse(body)
    if [t.id for t in parsed] != ids or any(len(t.articles) != articles for t in parsed):
        raise RuntimeError("the benchmark reply did not parse into the expected tickets")
    times = best_of({"json.loads": lambda: json.loads(body), "parse": lambda: call.parse(body)}, runs, 20)
    floor, client = times["json.loads"], times["parse"]
    print(f"   {'with' if attachments else 'without'} attachments ({len(body) / 1024:.0f} KiB)")
    print(f"      json.loads (the floor)                 {floor / count * 1e6:8.1f} us   1.00x")
    print(f"      client Call.parse (validated models)   {client / count * 1e6:8.1f} us   {client / floor:.2f}x")


# ---- 2. CPU per fetched ticket -------------------------------------------------------------------------


def serve(count: int, articles: int) -> None:
    """The server process: canned TicketGet replies for the requested IDs (with attachments when the
    request asks for them, ``Attachments=1``), on a free port of 127.0.0.1, printed first."""
    replies = {False: ticket_fragments(count, articles, False), True: ticket_fragments(count, articles, True)}

    class CannedTicketGet(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ids = request["TicketID"] if isinstance(request["TicketID"], list) else [request["TicketID"]]
            reply = reply_of(replies[bool(request.get("Attachments"))], [int(i) for i in ids])
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), CannedTicketGet)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def cpu_seconds(run: Callable[[], object]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def ticket_get_body(ids: list[int], attachments: bool) -> bytes:
    params: dict[str, Any] = {"UserLogin": USER, "Password": PASSWORD, "TicketID": ids, "DynamicFields": 1}
    params["AllArticles"] = 1
    if attachments:
        params["Attachments"] = 1
    return json.dumps(params, separators=(",", ":")).encode()


def fetch_case(port: int, count: int, fetch: int, attachments: bool, runs: int) -> None:
    base = f"http://127.0.0.1:{port}/otrs/nph-genericinterface.pl"
    config = ClientConfig.generic_ticket(base)
    url = f"{base}/Webservice/{config.webservice_name}/TicketGet"
    ids = [10_000 + index % count for index in range(fetch)]
    headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
    auth = BasicAuth(user_login=USER, password=PASSWORD)
    http = httpx.Client(timeout=60)
    ahttp = httpx.AsyncClient(timeout=60)
    client = OTOBOZnunySyncClient(config, batch_size=count, max_concurrency=1)
    client.login(auth, use_session=False)
    aclient = OTOBOZnunyClient(config, batch_size=count, max_concurrency=4)
    aclient.login(auth, use_session=False)
    loop = asyncio.new_event_loop()

    def raw_sync() -> list[Any]:
        fetched: list[Any] = []
        for batch in batches(ids, count):
            reply = http.post(url, content=ticket_get_body(batch, attachments), headers=headers)
            fetched.extend(json.loads(reply.content)["Ticket"])
        return fetched

    async def raw_async() -> list[Any]:
        gate = asyncio.Semaphore(4)

        async def one(batch: list[int]) -> list[Any]:
            async with gate:
                reply = await ahttp.post(url, content=ticket_get_body(batch, attachments), headers=headers)
            return list(json.loads(reply.content)["Ticket"])

        return [
            ticket for part in await asyncio.gather(*(one(batch) for batch in batches(ids, count))) for ticket in part
        ]

    def client_sync() -> list[Ticket]:
        return client.get_tickets(ids, attachments=attachments)

    def client_async() -> list[Ticket]:
        return loop.run_until_complete(aclient.get_tickets(ids, attachments=attachments))

    variants: dict[str, Callable[[], list[Any]]] = {
        "raw sync": raw_sync,
        "client sync": client_sync,
        "raw async": lambda: loop.run_until_complete(raw_async()),
        "client async": client_async,
    }
    try:
        if any(len(run()) != fetch for run in variants.values()):
            raise RuntimeError("a variant did not fetch every ticket")
        best = dict.fromkeys(variants, float("inf"))
        for _ in range(runs):
            for name, run in variants.items():
                gc.collect()
                best[name] = min(best[name], cpu_seconds(run))
    finally:
        client.close()
        loop.run_until_complete(aclient.aclose())
        loop.run_until_complete(ahttp.aclose())
        loop.close()
        http.close()
    print(f"   {'with' if attachments else 'without'} attachments")
    for mode in ("sync", "async"):
        raw, ours = best[f"raw {mode}"], best[f"client {mode}"]
        print(
            f"      {mode:<5} raw httpx + json.loads {raw / fetch * 1e6:7.1f} us, "
            f"client get_tickets {ours / fetch * 1e6:7.1f} us -> {ours / raw:.2f}x"
        )


# ---- 3. memory per held ticket ---------------------------------------------------------------------------


def held_bytes(build: Callable[[], object], count: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    return (after - before) / count


def memory_case(count: int, articles: int, attachments: bool) -> None:
    tz = ClientConfig.generic_ticket("http://127.0.0.1/otrs/nph-genericinterface.pl").timezone
    fragments = ticket_fragments(count, articles, attachments)
    ids = sorted(fragments)
    body = reply_of(fragments, ids)
    call = ticket_operations.ticket_get(ids, ticket_operations.TicketGetOptions(attachments=attachments), tz)
    call.parse(body)  # warm: validators built on first use and caches are not held by the tickets
    tickets = held_bytes(lambda: call.parse(body), count)
    dicts = held_bytes(lambda: json.loads(body), count)
    label = f"{'with' if attachments else 'without'} attachments"
    print(f"   {label:<20} Ticket models {tickets / 1024:6.2f} KiB   (json.loads dicts {dicts / 1024:6.2f} KiB)")


# ---- main ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50, help="tickets per TicketGet reply (default 50)")
    parser.add_argument("--articles", type=int, default=5, help="articles per ticket (default 5)")
    parser.add_argument("--fetch", type=int, default=1000, help="tickets fetched per run in part 2 (default 1000)")
    parser.add_argument("--runs", type=int, default=7, help="rounds; the shortest counts (default 7)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        serve(arguments.tickets, arguments.articles)
        return
    print(
        f"otobo-znuny parse benchmark: otobo_znuny from {Path(otobo_znuny.__file__).parent}, Python "
        f"{platform.python_version()}, httpx {httpx.__version__}, pydantic {pydantic.VERSION}, {platform.machine()}"
    )
    started = time.perf_counter()
    print(f"1) Parsing one TicketGet reply of {arguments.tickets} tickets x {arguments.articles} articles, per ticket")
    for attachments in (False, True):
        parse_case(arguments.tickets, arguments.articles, attachments, arguments.runs)
    shape = ["--tickets", str(arguments.tickets), "--articles", str(arguments.articles)]
    server = subprocess.Popen([sys.executable, __file__, "--serve", *shape], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        print(
            f"2) CPU per fetched ticket: {arguments.fetch} tickets in TicketGet batches of {arguments.tickets} "
            "(the server is another process)"
        )
        for attachments in (False, True):
            fetch_case(port, arguments.tickets, arguments.fetch, attachments, arguments.runs)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"3) Memory per held ticket ({arguments.tickets} tickets x {arguments.articles} articles, tracemalloc)")
    for attachments in (False, True):
        memory_case(arguments.tickets, arguments.articles, attachments)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
