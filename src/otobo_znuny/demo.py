"""A guided tour of otobo-znuny against the embedded emulator: ``python -m otobo_znuny.demo``
(or ``otobo-znuny demo``). No server, no network: the emulator runs in-process with the demo seed.

The tour logs in (session mode), creates a ticket with dynamic fields and an attachment, finds it
by dynamic field and by article text, reads it back with articles and attachments, adds a note and
changes the state, shows the history, and ends with a typed error. Output uses rich when installed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from otobo_znuny.auth import BasicAuth
from otobo_znuny.client.sync_client import OTOBOZnunySyncClient
from otobo_znuny.emulator import Emulator
from otobo_znuny.errors import OTOBOError
from otobo_znuny.models import (
    Article,
    Attachment,
    DynamicFieldFilter,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER, make_sync_client

__all__ = ["main", "run_tour"]

_ORDER_ID = "ORD-2024-0815"
_LOG = b"2024-05-02 09:14:03 printer-3: paper jam in tray 2\n2024-05-02 09:14:09 printer-3: offline\n"


class _Printer:
    """Headings and indented lines, styled with rich when available, plain text otherwise."""

    def __init__(self, stream: IO[str], use_rich: bool) -> None:
        self._stream = stream
        self._console: Any = None
        if use_rich:
            try:
                from rich.console import Console
            except ImportError:
                pass
            else:
                self._console = Console(file=stream, highlight=False, soft_wrap=True)

    def _emit(self, text: str, style: str | None) -> None:
        if self._console is not None:
            from rich.text import Text

            self._console.print(Text(text, style=style or ""))
        else:
            self._stream.write(text + "\n")

    def title(self, text: str) -> None:
        self._emit(text, "bold")

    def step(self, number: int, text: str) -> None:
        self._emit(f"\n{number}. {text}", "bold cyan")

    def line(self, text: str) -> None:
        self._emit(f"   {text}", None)

    def error(self, text: str) -> None:
        self._emit(f"   {text}", "red")


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(i) for i in ids) or "none"


def _tour(client: OTOBOZnunySyncClient, emulator: Emulator, say: _Printer) -> None:
    say.step(1, "Log in")
    client.login(BasicAuth(user_login=EMULATOR_USER, password=EMULATOR_PASSWORD))
    waiting = client.search_tickets(TicketSearch(state_types=["new", "open"]))
    session = client.get_session()
    say.line(f"logged in as {session.user_login} ({session.user_type}); auth mode: {client.auth_mode}")
    say.line("the first call created a session; only the SessionID travels from now on")
    say.line(f"{len(waiting)} tickets are new or open")

    say.step(2, "Create a ticket with dynamic fields and an attachment")
    ticket = client.create_ticket(
        TicketCreate(
            title="Printer on floor 3 is jammed",
            queue="Support::Hardware",
            customer_user="carla",
            priority="4 high",
            dynamic_fields={"OrderID": _ORDER_ID, "Tags": ["hardware", "urgent"]},
            article=Article(
                subject="Printer jammed again",
                body="The printer on floor 3 reports a paper jam in tray 2. Log attached.",
                attachments=[Attachment.from_bytes("printer-3.log", _LOG, "text/plain")],
            ),
        )
    )
    say.line(f"ticket {ticket.id} (number {ticket.number}) in {ticket.queue}, state {ticket.state}")
    say.line(f"OrderID = {ticket.dynamic_fields.get('OrderID')}, Tags = {ticket.dynamic_fields.get('Tags')}")

    say.step(3, "Search for it")
    by_field = client.search_tickets(
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals=_ORDER_ID)])
    )
    say.line(f"dynamic field OrderID = {_ORDER_ID}: ticket IDs {_ids(by_field)}")
    by_text = client.search_tickets(TicketSearch(article_body="paper jam in tray 2"))
    say.line(f"article body contains 'paper jam in tray 2': ticket IDs {_ids(by_text)}")

    say.step(4, "Fetch it with articles and attachments")
    fetched = client.get_ticket(ticket.id, attachments=True)
    for article in fetched.articles:
        say.line(f"article {article.id}: {article.subject!r} ({article.communication_channel}, {article.sender_type})")
        for attachment in article.attachments:
            first_line = attachment.content.decode("utf-8", "replace").splitlines()[0]
            say.line(f"  attachment {attachment.filename} ({attachment.size} bytes, {attachment.content_type})")
            say.line(f"  first line: {first_line}")

    say.step(5, "Add a note and change the state")
    updated = client.update_ticket(
        TicketUpdate(
            id=ticket.id,
            state="open",
            article=Article(subject="Technician on the way", body="Tray 2 will be replaced this afternoon."),
        )
    )
    say.line(f"state {ticket.state} -> {updated.state}; the ticket now has {len(updated.articles)} articles")

    say.step(6, "History")
    for entry in client.get_ticket_history(ticket.id):
        detail = " / ".join(value for value in entry.values if value)
        say.line(f"{entry.history_type:<26} {detail}")

    say.step(7, "A typed error")
    missing = 999_999
    try:
        client.get_ticket(missing)
    except OTOBOError as error:
        say.error(f"get_ticket({missing}) raised {type(error).__name__}")
        say.error(f"ErrorCode {error.code}: {error.message}")
    counts = emulator.counters.by_auth
    say.line(
        f"{emulator.counters.total} requests: {counts['session']} with the SessionID, "
        f"{counts['password']} with the password"
    )


def run_tour(stream: IO[str] | None = None, *, use_rich: bool = True) -> None:
    """Run the tour, writing a few dozen lines to ``stream`` (default stdout)."""
    out = stream if stream is not None else sys.stdout
    say = _Printer(out, use_rich)
    started = time.perf_counter()
    say.title("otobo-znuny tour: the embedded emulator (seed 'demo'), in-process, no network")
    emulator = Emulator.from_seed("demo")
    with make_sync_client(emulator, login=False) as client:
        _tour(client, emulator, say)
    say.line("")
    say.title(f"Done in {time.perf_counter() - started:.2f} s. Against your own server:")
    say.line("otobo-znuny --base-url https://helpdesk.example/otrs/nph-genericinterface.pl --user you ticket search")


def main() -> None:
    """Entry point of ``python -m otobo_znuny.demo``."""
    run_tour()


if __name__ == "__main__":
    main()
