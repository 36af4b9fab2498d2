"""An embedded OTOBO/Znuny GenericInterface emulator (like moto for AWS).

It speaks only the wire format of the GenericInterface REST transport (JSON with PascalCase
keys, errors on HTTP 200, plain-text transport errors) and answers like one of two servers, its
*flavour* (``Emulator.from_seed(..., flavor="znuny" | "otobo")``, default ``znuny``; see
``otobo_znuny.emulator.flavors`` for every difference and the recorded exchange or source behind it):

* ``znuny`` (Znuny 7): JSON ``true``/``false`` become ``1``/``0``; credentials are also read from
  ``X-OTRS-Header-*`` headers; SessionRemove, TimeAccountingGet and OutOfOffice exist; TicketGet
  checks that every TicketID is a positive integer (Znuny 7.1.3+); TicketUpdate requires ``rw``
  (Znuny 7.1.4+); sorted JSON keys; an unknown web service gets no reply; any
  ``<prefix>/nph-genericinterface.pl`` works (``/otrs``, ``/znuny``...).
* ``otobo`` (OTOBO 11): only ``/otobo/nph-genericinterface.pl``; no SessionRemove, TimeAccountingGet
  or OutOfOffice (HTTP 500 fault); no credential headers; articles carry ``IsDeleted``/``IsEdited``;
  JSON keys in an order that changes between requests; an unknown web service gets HTTP 500 with an
  empty body; the built-in dynamic fields, session data and pending-time history of OTOBO 11.

Both replay their recording (``tests/data/contract``) exchange for exchange. As on both servers by
default (``SessionCheckRemoteIP``), a session works only from the client address that created it
(``emulator.helpdesk.session_check_remote_ip = False`` turns that off).

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

    with run_in_thread(Emulator.from_seed("lab", flavor="otobo")) as server:
        url = server.genericinterface_url + "/Webservice/GenericTicket"  # .../otobo/nph-genericinterface.pl

Web services ``GenericTicket`` (every operation ``POST /<Operation>``) and
``GenericTicketConnectorREST`` (REST routes) are built in. Seeds: ``lab`` (the recordings' lab
system: agent ``api-agent`` / ``api-secret-1``, customer ``customer-1``; ``znuny_lab`` is its older
name), ``demo`` (same agent, plus ``alice``/``alice-pw``...) and ``empty``. Fault injection:
``emulator.faults``; request counters: ``emulator.counters``.
"""

from otobo_znuny.emulator import seeds
from otobo_znuny.emulator.builder import ArticleSpec, HelpdeskBuilder, generate_tickets
from otobo_znuny.emulator.core import DropConnection, Emulator, EmulatorRequest, EmulatorResponse
from otobo_znuny.emulator.faults import Faults, RequestCounters
from otobo_znuny.emulator.flavors import FLAVORS, OTOBO, ZNUNY, Flavor, get_flavor
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
    "FLAVORS",
    "OTOBO",
    "ZNUNY",
    "ArticleSpec",
    "DropConnection",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorTransport",
    "Faults",
    "Flavor",
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
    "get_flavor",
    "load_webservice",
    "run_in_thread",
    "seeds",
    "serve",
]
