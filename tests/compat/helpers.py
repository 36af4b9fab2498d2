"""Shared pieces of the otobo-znuny 1.4 compatibility tests: the Open Ticket AI web service on the
emulator, configured the way 1.4 code configures it, and a record of the requests sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from otobo_znuny.config import ClientConfig, TicketOperation
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.testing import EMULATOR_BASE_URL

DATA = Path(__file__).resolve().parents[1] / "data" / "compat"
OPEN_TICKET_AI_YML = DATA / "OpenTicketAI.yml"
"""The web service of Open Ticket AI as the original library publishes it (ticket-update: PUT only)."""

PLUGIN_OPERATION_URLS = {
    TicketOperation.SEARCH.value: "ticket-search",
    TicketOperation.GET.value: "ticket-get",
    TicketOperation.UPDATE.value: "ticket-update",
}
"""The plugin's default ``operation_urls`` (``OTOBOZnunyTSServiceParams``)."""


def open_ticket_ai_emulator(seed: str = "demo") -> Emulator:
    """A seeded emulator that also serves the ``OpenTicketAI`` web service of ``OpenTicketAI.yml``."""
    emulator = Emulator.from_seed(seed)
    emulator.load_webservice(OPEN_TICKET_AI_YML)
    return emulator


def plugin_config(base_url: str = EMULATOR_BASE_URL, **extra_routes: str) -> ClientConfig:
    """The ClientConfig the plugin builds: plain-string routes keyed by ``TicketOperation(value)``."""
    urls = {**PLUGIN_OPERATION_URLS, **extra_routes}
    return ClientConfig(
        base_url=base_url,
        webservice_name="OpenTicketAI",
        operation_url_map={TicketOperation(key): value for key, value in urls.items()},
    )


@dataclass
class Sent:
    """The (method, path below ``Webservice/<name>``) of every request, in order."""

    requests: list[tuple[str, str]] = field(default_factory=list)

    async def hook(self, request: httpx.Request) -> None:
        self.record(request)

    def record(self, request: httpx.Request) -> None:
        self.requests.append((request.method, "/" + request.url.path.split("/Webservice/", 1)[1].split("/", 1)[1]))


def recorded_http(emulator: Emulator, sent: Sent) -> httpx.AsyncClient:
    """An httpx client talking to ``emulator`` in-process, recording each request in ``sent``."""
    return httpx.AsyncClient(transport=EmulatorTransport(emulator), event_hooks={"request": [sent.hook]})


def history_length(emulator: Emulator, ticket_id: int) -> int:
    """How many history lines the ticket has: each change the server made adds at least one."""
    return len(emulator.helpdesk.data.tickets[ticket_id].history)
