"""An embedded OTOBO/Znuny GenericInterface emulator (like moto for AWS).

It speaks only the wire format of the GenericInterface REST transport (JSON with PascalCase
keys, errors on HTTP 200, plain-text transport errors) and implements the behaviour of **Znuny 7**
where Znuny and OTOBO differ:

* JSON ``true``/``false`` in a request become ``1``/``0`` (Znuny's ``_BooleansProcess``);
* credentials are also read from ``X-OTRS-Header-*`` request headers;
* TicketGet checks that every TicketID is a positive integer (Znuny 7.1.3+);
* TicketUpdate requires ``rw`` on the ticket (Znuny 7.1.4+);
* the URI is matched as sent: ``//`` is not merged (OTOBO's PSGI does merge it).

Code that works against it works against Znuny 7; OTOBO 10/11 mostly agrees, except in the points
above. As on both servers by default (``SessionCheckRemoteIP``), a session works only from the client
address that created it (``emulator.helpdesk.session_check_remote_ip = False`` turns that off).

In-process (no sockets)::

    import httpx
    from otobo_znuny.emulator import Emulator, EmulatorTransport

    emulator = Emulator.from_seed("demo")
    async with httpx.AsyncClient(
        transport=EmulatorTransport(emulator),
        base_url="http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket",
    ) as http:
        reply = await http.post("/TicketSearch", json={"UserLogin": "api-agent", "Password": "api-secret-1"})
        print(reply.json())  # {"TicketID": ["30", "29", ...]}

Over real HTTP (tests, benchmarks)::

    with run_in_thread(Emulator.from_seed("znuny_lab")) as server:
        url = server.base_url + "/otrs/nph-genericinterface.pl/Webservice/GenericTicket"

Web services ``GenericTicket`` (every operation ``POST /<Operation>``) and
``GenericTicketConnectorREST`` (REST routes) are built in; any ``<prefix>/nph-genericinterface.pl``
works (``/otrs``, ``/znuny``, ``/otobo``). Seeds: ``znuny_lab`` (agent ``api-agent`` /
``api-secret-1``, customer ``customer-1``), ``demo`` (same agent, plus ``alice``/``alice-pw``...)
and ``empty``. Fault injection: ``emulator.faults``; request counters: ``emulator.counters``.
"""

from otobo_znuny.emulator import seeds
from otobo_znuny.emulator.builder import ArticleSpec, HelpdeskBuilder, generate_tickets
from otobo_znuny.emulator.core import DropConnection, Emulator, EmulatorRequest, EmulatorResponse
from otobo_znuny.emulator.faults import Faults, RequestCounters
from otobo_znuny.emulator.persistence import StateFileError
from otobo_znuny.emulator.routes import (
    WebService,
    builtin_webservices,
    generic_ticket,
    generic_ticket_connector_rest,
    load_webservice,
)
from otobo_znuny.emulator.server import ServerHandle, run_in_thread, serve
from otobo_znuny.emulator.state import Helpdesk
from otobo_znuny.emulator.transport import EmulatorTransport

__all__ = [
    "ArticleSpec",
    "DropConnection",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorTransport",
    "Faults",
    "Helpdesk",
    "HelpdeskBuilder",
    "RequestCounters",
    "ServerHandle",
    "StateFileError",
    "WebService",
    "builtin_webservices",
    "generate_tickets",
    "generic_ticket",
    "generic_ticket_connector_rest",
    "load_webservice",
    "run_in_thread",
    "seeds",
    "serve",
]
