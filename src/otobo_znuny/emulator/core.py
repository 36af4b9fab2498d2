"""The :class:`Emulator`: one helpdesk, its web services, fault injection and the request pipeline.

``Emulator.handle(request)`` turns one HTTP request into an :class:`EmulatorResponse` exactly as
the GenericInterface provider would (transport errors, route matching, parameter merging,
operation dispatch, JSON encoding). The httpx transport and the ASGI app are thin shells around it.
"""

from __future__ import annotations

import codecs
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.faults import Faults, RequestCounters
from otobo_znuny.emulator.flavors import Flavor, get_flavor
from otobo_znuny.emulator.operations import (
    common,
    extras,
    history,
    session,
    ticket_create,
    ticket_get,
    ticket_search,
    ticket_update,
)
from otobo_znuny.emulator.requester import EventRequester, RequesterConfig
from otobo_znuny.emulator.routes import WebService, builtin_webservices, load_webservice
from otobo_znuny.emulator.state import Changes, Clock, FiredEvent, Helpdesk, utc_now
from otobo_znuny.emulator.wire import (
    JSON_CONTENT_TYPE,
    TEXT_CONTENT_TYPE,
    OperationError,
    OperationFault,
    booleans_to_ints,
    charset_of,
    is_string_with_data,
    parse_query_string,
)

if TYPE_CHECKING:
    from otobo_znuny.emulator.persistence import SQLiteStore

_ENDPOINT = re.compile(r"^(.*?)/nph-genericinterface\.pl/Webservice(ID)?/([^/]+)(/.*)?$")


class DropConnection(Exception):
    """The server closes the connection without a reply (``when``: before/after processing)."""

    def __init__(self, when: str, *, injected: bool = False) -> None:
        super().__init__(f"connection dropped ({when} processing)")
        self.when = when
        self.injected = injected


@dataclass
class EmulatorRequest:
    method: str
    path: str  # raw (percent-encoded) path without query string
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    client: str = "127.0.0.1"


@dataclass
class EmulatorResponse:
    status: int
    content_type: str | None  # None: no Content-Type header at all
    body: bytes
    delay: float = 0.0  # seconds the shell should wait before answering (fault injection)
    location: str | None = None  # a redirect's Location header

    @property
    def headers(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", self.content_type)] if self.content_type is not None else []
        if self.location is not None:
            headers.append(("Location", self.location))
        return [*headers, ("Content-Length", str(len(self.body))), ("Connection", "close")]

    def json(self) -> Any:
        return json.loads(self.body)


def _text(status: int, text: str) -> EmulatorResponse:
    return EmulatorResponse(status, TEXT_CONTENT_TYPE, text.encode("utf-8"))


class Emulator:
    """An in-memory OTOBO/Znuny GenericInterface server.

    Construct with :meth:`from_seed` (``"lab"``, ``"demo"``, ``"empty"``) or from a
    :class:`~otobo_znuny.emulator.state.Helpdesk` (see ``HelpdeskBuilder``). ``flavor`` (``"znuny"``,
    the default, or ``"otobo"``) chooses the server it answers like (see ``flavors``); ``None`` keeps
    the helpdesk's.

    Thread-safe for requests: each operation runs under ``helpdesk.lock`` (the password hash of a
    password login is computed before the lock is taken); fault decisions and counters have their
    own locks. ``HelpdeskBuilder.ticket``/``generate_tickets`` also take the lock, but the other
    builder methods and direct edits of ``helpdesk.data`` do not: set the helpdesk up before serving.

    ``db``: an SQLite file (see ``persistence``). A file holding a state replaces ``helpdesk``'s
    data; a new or empty file gets it. After each request only what changed is written. Raises
    ``StateFileError`` for a file that is not an emulator state of this version.

    Ticket events: a web service with invokers (``load_webservice`` of the YAML that ``webservice
    render --events`` writes) makes the operations post their events to its receiver, as the server's
    invokers do; ``requester`` records every delivery (see ``emulator.requester``).
    """

    def __init__(
        self,
        helpdesk: Helpdesk | None = None,
        *,
        webservices: dict[str, WebService] | None = None,
        db: str | Path | None = None,
        seed_faults: int | None = 0,
        flavor: str | Flavor | None = None,
    ) -> None:
        self.helpdesk = helpdesk if helpdesk is not None else Helpdesk()
        if flavor is not None:
            self.helpdesk.flavor = get_flavor(flavor)
        self._key_order = random.Random(0)  # OTOBO's JSON key order: varies, but reproducibly
        self.webservices: dict[str, WebService] = webservices if webservices is not None else builtin_webservices()
        self.faults = Faults(seed_faults)
        self.faults.bind_sessions(self.expire_sessions)
        self.counters = RequestCounters()
        self.requester = EventRequester(self.helpdesk, self._requester_configs)
        """Sends the ticket events to the receivers of the requester web services; records each delivery."""
        self._store: SQLiteStore | None = None
        if db is not None:
            from otobo_znuny.emulator.persistence import SQLiteStore

            self._store = SQLiteStore(db)
            loaded = self._store.load()
            if loaded is not None:
                self.helpdesk.data = loaded
            else:
                self._store.save_all(self.helpdesk.data)
            self.helpdesk.changes = Changes()
        self._operations: dict[str, Callable[[Helpdesk, Any, EmulatorRequest], dict[str, Any]]] = {
            "Session::SessionCreate": lambda h, p, r: session.create(
                h, p, remote_addr=r.client, user_agent=r.headers.get("user-agent", "")
            ),
            "Session::SessionGet": lambda h, p, r: session.get(h, p),
            "Session::SessionRemove": lambda h, p, r: session.remove(h, p),
            "Ticket::TicketCreate": lambda h, p, r: ticket_create.run(h, p),
            "Ticket::TicketGet": lambda h, p, r: ticket_get.run(h, p),
            "Ticket::TicketSearch": lambda h, p, r: ticket_search.run(h, p),
            "Ticket::TicketUpdate": lambda h, p, r: ticket_update.run(h, p),
            "Ticket::TicketHistoryGet": lambda h, p, r: history.run(h, p),
            "Ticket::TimeAccountingGet": lambda h, p, r: extras.time_accounting_get(h, p),
            "User::OutOfOffice": lambda h, p, r: extras.out_of_office(h, p),
        }

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_seed(
        cls,
        seed: str = "demo",
        *,
        clock: Clock = utc_now,
        db: str | Path | None = None,
        flavor: str | Flavor = "znuny",
    ) -> Emulator:
        """An emulator with seed data ``"lab"`` (alias ``"znuny_lab"``), ``"demo"`` or ``"empty"``,
        answering like ``flavor`` (``"znuny"`` or ``"otobo"``; the lab seed follows it too).

        Raises ``ValueError`` for an unknown seed or flavor name.
        """
        from otobo_znuny.emulator import seeds

        chosen = get_flavor(flavor)
        return cls(seeds.build(seed, clock=clock, flavor=chosen), db=db, flavor=chosen)

    @classmethod
    def with_tickets(
        cls, count: int, *, seed: str = "demo", clock: Clock = utc_now, flavor: str | Flavor = "znuny"
    ) -> Emulator:
        """A seeded emulator plus ``count`` generated tickets (fast; for benchmarks)."""
        from otobo_znuny.emulator.builder import generate_tickets

        emulator = cls.from_seed(seed, clock=clock, flavor=flavor)
        generate_tickets(emulator.helpdesk, count)
        return emulator

    @property
    def flavor(self) -> Flavor:
        """The server this emulator answers like (``flavor.name``: ``znuny`` or ``otobo``)."""
        return self.helpdesk.flavor

    @property
    def script_path(self) -> str:
        """``<alias>/nph-genericinterface.pl`` of the flavour, e.g. ``/otobo/nph-genericinterface.pl``."""
        return self.flavor.default_script

    def add_webservice(self, webservice: WebService) -> None:
        self.webservices[webservice.name] = webservice

    def _requester_configs(self) -> list[tuple[str, RequesterConfig]]:
        return [(name, service.requester) for name, service in list(self.webservices.items()) if service.requester]

    def load_webservice(self, path: str | Path, name: str | None = None) -> WebService:
        """Add a web service from a web-service YAML file (see ``routes.load_webservice``): its
        operations, and its invokers, which then receive the ticket events of later requests."""
        service = load_webservice(path, name)
        self.add_webservice(service)
        return service

    def import_dynamic_fields(self, source: str | Path | dict[str, Any]) -> list[str]:
        """Add dynamic fields as ``Admin::DynamicField::Import <file>`` (Znuny) or the admin interface's
        Import/Export (OTOBO) do: ``source`` is such a YAML file or its parsed document
        (``{"DynamicFields": {name: definition}}``). A field whose name exists already is left as it is.
        Returns the names added (and saves them to the ``db`` file, if any).

        Raises:
            ValueError: a malformed document (see ``dynamic_fields.import_definitions``).
            MissingDependencyError: a file, and PyYAML is not installed (``pip install 'otobo-znuny[emulator]'``).
            OSError: the file cannot be read.
        """
        document: Any = source
        if not isinstance(source, dict):
            yaml = import_yaml("importing a dynamic-field YAML file into the emulator", extra="emulator")
            document = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        with self.helpdesk.lock:
            added = dynamic_fields.import_definitions(self.helpdesk.data.dynamic_fields, document)
        if added and self._store is not None:
            self.save()
        return added

    def save(self) -> None:
        """Write the whole state to the ``db`` file. Requests and the builder's ticket methods are
        saved as they happen; call this after editing ``helpdesk.data`` directly.

        Raises:
            ValueError: the emulator has no ``db`` file.
            StateFileError: the file cannot be written.
        """
        if self._store is None:
            raise ValueError("this emulator keeps its state in memory only (no db file)")
        with self.helpdesk.lock:
            self._store.save_all(self.helpdesk.data)
            self.helpdesk.changes = Changes()

    def close(self) -> None:
        """Release the ``db`` file now (otherwise when the emulator is garbage-collected; a later
        write opens it again), stop the requester's daemon and close its connections."""
        self.requester.close()
        if self._store is not None:
            with self.helpdesk.lock:
                self._store.close()

    # ------------------------------------------------------------------ helpers for tests
    def expire_sessions(self, session_id: str | None = None) -> int:
        """Expire one session or all sessions now; returns the number expired."""
        with self.helpdesk.lock:
            sessions = self.helpdesk.data.sessions
            ids = [session_id] if session_id is not None else list(sessions)
            count = 0
            for sid in ids:
                if sid in sessions:
                    del sessions[sid]
                    self.helpdesk.mark_session(sid)
                    count += 1
            return count

    # ------------------------------------------------------------------ the pipeline
    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Process one request. Raises :class:`DropConnection` when no reply must be sent."""
        flavor = self.flavor
        path = flavor.request_path(request.path)  # Znuny matches the URI as sent; OTOBO merges "//"
        found = _ENDPOINT.match(path)
        if found is None or not flavor.serves_alias(found.group(1)):
            return _outside_endpoint(flavor, path)
        service = self.webservices.get(unquote(found.group(3)))
        if service is None:
            if flavor.unknown_webservice == "drop":
                raise DropConnection("before")  # Provider.pm returns without output
            return EmulatorResponse(500, None, b"")
        rest = found.group(4) or ""
        method = request.method.upper()
        matched = service.match(method, rest)
        operation = matched[0].operation if matched else ""
        decision = self.faults.decide(operation)
        if decision.drop == "before":
            raise DropConnection("before", injected=True)
        if decision.http_500:
            response = _text(500, "Internal Server Error")
            response.delay = decision.delay
            return response
        response = self._process(request, service, matched, rest, flavor)
        response.delay = decision.delay
        if decision.drop == "after":
            raise DropConnection("after", injected=True)
        return response

    def _process(
        self,
        request: EmulatorRequest,
        service: WebService,
        matched: Any,
        rest: str,
        flavor: Flavor,
    ) -> EmulatorResponse:
        method = request.method.upper()
        if matched is None:
            return _text(500, f"HTTP::REST Error while determine Operation for request URI '{rest}'.")
        route, placeholders = matched
        params: dict[str, Any] | list[Any]
        body_data: Any = None
        has_body = method != "GET" and len(request.body) > 0
        if has_body:
            if service.max_length is not None and len(request.body) > service.max_length:
                return _text(413, "Request Entity Too Large")
            content_type = request.headers.get("content-type", "")
            media = content_type.split(";")[0].strip().lower()
            if flavor.body_needs_json_content_type and not (media == "application/json" or media.endswith("+json")):
                return _text(500, "Could not read input data")
            charset = charset_of(content_type) or "utf-8"
            try:
                codecs.lookup(charset)
            except LookupError:
                charset = "utf-8"
            raw = request.body
            if flavor.strips_bom and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                body_data = json.loads(raw.decode(charset, errors="replace"))
            except ValueError:
                return _text(500, "Error while decoding request content.")
            if not isinstance(body_data, (dict, list)) or not body_data:
                return _text(500, "Unsupported request content structure.")
            if flavor.json_booleans_as_ints:
                body_data = booleans_to_ints(body_data)
        extra: dict[str, Any] = parse_query_string(request.query)
        extra.update(placeholders)
        for header, key in flavor.credential_headers.items():
            if header in request.headers:
                extra[key] = request.headers[header]
        if isinstance(body_data, list):
            params = [dict(item, **extra) if isinstance(item, dict) else item for item in body_data]
        else:
            params = dict(body_data or {})
            params.update(extra)
            if not has_body:
                params["RequestMethod"] = method
        self.counters.record(route.operation, _auth_kind(params))
        if route.operation_type not in flavor.operation_types:
            return self._fault(flavor.missing_operation_fault(route.operation_type))
        runner = self._operations.get(route.operation_type)
        if runner is None:
            return self._fault("OperationObject returned an error, cancelling Request")
        fired: list[FiredEvent] = []
        try:
            return self._run(runner, params, request, route, flavor, fired)
        finally:
            # after the changes, before the reply; also for an operation that failed after writing
            self.requester.dispatch(fired)

    def _run(
        self,
        runner: Callable[[Helpdesk, Any, EmulatorRequest], dict[str, Any]],
        params: Any,
        request: EmulatorRequest,
        route: Any,
        flavor: Flavor,
        fired: list[FiredEvent],
    ) -> EmulatorResponse:
        """Run the operation under the lock; the events its writes fire are added to ``fired``."""
        listening = self.requester.listening
        with (
            common.prehashed_password(params, self.helpdesk.password_hash_iterations),
            common.remote_address(request.client),
            self.helpdesk.lock,
        ):
            self.helpdesk.fired_events = fired if listening else None
            try:
                if isinstance(params, list) and route.operation_type not in (
                    "Session::SessionCreate",
                    "Session::SessionGet",
                    "Ticket::TicketUpdate",
                ):
                    raise OperationFault("OperationObject returned an error, cancelling Request")
                data = runner(self.helpdesk, params, request)
            except OperationError as error:
                data = {"Error": {"ErrorCode": error.code, "ErrorMessage": error.message}}
            except OperationFault as fault:
                return self._fault(fault.message)
            finally:
                self.helpdesk.fired_events = None
            if self._store is not None:
                self._store.save_changes(self.helpdesk)  # writes nothing when nothing changed
        return EmulatorResponse(200, JSON_CONTENT_TYPE, flavor.encode_json(data, self._key_order))

    def _fault(self, message: str) -> EmulatorResponse:
        """An operation that failed (``Success => 0``): HTTP 500, text/plain, a JSON fault object."""
        body = self.flavor.encode_json({"faultcode": "Server", "faultstring": message}, self._key_order)
        return EmulatorResponse(500, TEXT_CONTENT_TYPE, body)


_NOT_FOUND_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n"
)


def _outside_endpoint(flavor: Flavor, path: str) -> EmulatorResponse:
    """A path that is not ``<alias>/nph-genericinterface.pl/Webservice[ID]/<name>``.

    OTOBO (``otobo.psgi``): outside its alias an HTML 404 page; inside it a redirect to the default
    interface (the login page). Znuny's web server: 404.
    """
    if flavor.script_alias is None:
        return _text(404, "Not Found")
    if path == flavor.script_alias or path.startswith(flavor.script_alias + "/"):
        return EmulatorResponse(302, "text/html; charset=UTF-8", b"", location=f"{flavor.script_alias}/index.pl")
    return EmulatorResponse(404, "text/html; charset=UTF-8", _NOT_FOUND_PAGE)


def _auth_kind(params: Any) -> str:
    if not isinstance(params, dict):
        return "none"
    if is_string_with_data(params.get("SessionID")):
        return "session"
    if is_string_with_data(params.get("Password")):
        return "password"
    return "none"


__all__ = [
    "DropConnection",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
]
