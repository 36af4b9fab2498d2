"""Web-service configuration (route layouts) and route matching as the REST transport does it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.emulator.requester import RequesterConfig, requester_from_config
from otobo_znuny.emulator.wire import is_digits

#: Operation types the emulator implements.
SUPPORTED_TYPES = (
    "Session::SessionCreate",
    "Session::SessionGet",
    "Session::SessionRemove",
    "Ticket::TicketCreate",
    "Ticket::TicketGet",
    "Ticket::TicketSearch",
    "Ticket::TicketUpdate",
    "Ticket::TicketHistoryGet",
    "Ticket::TimeAccountingGet",
    "User::OutOfOffice",
)


@dataclass(frozen=True)
class Route:
    operation: str
    operation_type: str
    methods: tuple[str, ...]
    route: str
    pattern: re.Pattern[str]
    placeholders: tuple[str, ...]


@dataclass
class WebService:
    """One web service: its name, routes and transport limits (the provider side), and its invokers
    (the requester side: ``requester``, ``None`` without invokers)."""

    name: str
    routes: list[Route] = field(default_factory=list)
    max_length: int | None = None
    requester: RequesterConfig | None = None

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """Find the operation for ``method`` and ``path`` (without query string), or ``None``.

        Operations are tried in alphabetical order; the whole path must match; ``:Name`` matches
        one segment and its value is URI-unescaped.
        """
        for route in self.routes:
            if method not in route.methods:
                continue
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            values = {name: unquote(found.group(i + 1)) for i, name in enumerate(route.placeholders)}
            return route, values
        return None


def _compile(route: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names: list[str] = []
    regex = ""
    for part in re.split(r"(:[A-Za-z0-9_]+)", route):
        if part.startswith(":") and len(part) > 1:
            names.append(part[1:])
            regex += "([^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(regex), tuple(names)


def webservice_from_config(name: str, config: dict[str, Any]) -> WebService:
    """Build a :class:`WebService` from a parsed web-service YAML document.

    A requester-only document (``webservice render --events``) gives a web service without routes
    whose invokers post the emulator's ticket events (see ``requester``).

    Raises ``ValueError`` if the document has neither ``Provider.Transport.Config.RouteOperationMapping``
    nor requester invokers, maps a route to an operation whose ``Type`` is not in
    :data:`SUPPORTED_TYPES`, or has a requester side the emulator cannot reproduce.
    """
    if not isinstance(config, dict):
        raise ValueError(f"web service {name!r}: the document is not a mapping")
    requester = requester_from_config(name, config)
    provider = config.get("Provider") or {}
    operations: dict[str, Any] = provider.get("Operation") or {}
    transport = (provider.get("Transport") or {}).get("Config") or {}
    mapping: dict[str, Any] | None = transport.get("RouteOperationMapping")
    if not isinstance(mapping, dict):
        if requester is not None and not operations:
            return WebService(name=name, requester=requester)
        raise ValueError(f"web service {name!r}: no Provider.Transport.Config.RouteOperationMapping")
    routes: list[Route] = []
    for op_name in sorted(mapping):
        entry = mapping[op_name] or {}
        op_type = str((operations.get(op_name) or {}).get("Type", ""))
        if op_type not in SUPPORTED_TYPES:
            raise ValueError(
                f"web service {name!r}: operation {op_name!r} has type {op_type!r}, which the emulator does not"
                f" implement (supported: {', '.join(SUPPORTED_TYPES)})"
            )
        methods = tuple(str(m).upper() for m in (entry.get("RequestMethod") or []))
        route = str(entry.get("Route", ""))
        pattern, names = _compile(route)
        routes.append(Route(op_name, op_type, methods, route, pattern, names))
    max_length_raw = transport.get("MaxLength")
    max_length_text = str(max_length_raw or "")
    max_length = int(max_length_text) if is_digits(max_length_text) else None
    return WebService(name=name, routes=routes, max_length=max_length, requester=requester)


def load_webservice(path: str | Path, name: str | None = None) -> WebService:
    """Load a web-service YAML file (provider, requester or both); the name defaults to the file stem.

    Raises ``OSError`` if unreadable, ``yaml.YAMLError`` if not YAML, ``ValueError`` if neither
    routes nor invokers (or see :func:`webservice_from_config`),
    ``MissingDependencyError`` without PyYAML (``pip install 'otobo-znuny[emulator]'``).
    """
    yaml = import_yaml("loading a web-service YAML file into the emulator", extra="emulator")
    file = Path(path)
    config = yaml.safe_load(file.read_text(encoding="utf-8"))
    return webservice_from_config(name or file.stem, config)


def _layout(name: str, routes: dict[str, tuple[str, str, str]], max_length: int = 100_000_000) -> WebService:
    operations = {op: {"Type": op_type} for op, (op_type, _, _) in routes.items()}
    mapping = {op: {"RequestMethod": [method], "Route": route} for op, (_, method, route) in routes.items()}
    return webservice_from_config(
        name,
        {
            "Provider": {
                "Operation": operations,
                "Transport": {"Config": {"MaxLength": str(max_length), "RouteOperationMapping": mapping}},
            }
        },
    )


def generic_ticket(name: str = "GenericTicket") -> WebService:
    """The ``GenericTicket`` layout: every operation as ``POST /<Operation>``."""
    ops = {
        "SessionCreate": "Session::SessionCreate",
        "SessionGet": "Session::SessionGet",
        "SessionRemove": "Session::SessionRemove",
        "TicketCreate": "Ticket::TicketCreate",
        "TicketGet": "Ticket::TicketGet",
        "TicketSearch": "Ticket::TicketSearch",
        "TicketUpdate": "Ticket::TicketUpdate",
        "TicketHistoryGet": "Ticket::TicketHistoryGet",
        "TimeAccountingGet": "Ticket::TimeAccountingGet",
        "OutOfOffice": "User::OutOfOffice",
    }
    return _layout(name, {op: (t, "POST", f"/{op}") for op, t in ops.items()})


def generic_ticket_connector_rest(name: str = "GenericTicketConnectorREST") -> WebService:
    """The upstream ``GenericTicketConnectorREST`` sample layout (REST routes, GET + query strings)."""
    return _layout(
        name,
        {
            "SessionCreate": ("Session::SessionCreate", "POST", "/Session"),
            "SessionGet": ("Session::SessionGet", "GET", "/Session/:SessionID"),
            "TicketCreate": ("Ticket::TicketCreate", "POST", "/Ticket"),
            "TicketGet": ("Ticket::TicketGet", "GET", "/Ticket/:TicketID"),
            "TicketGetList": ("Ticket::TicketGet", "GET", "/TicketList"),
            "TicketHistoryGet": ("Ticket::TicketHistoryGet", "GET", "/TicketHistory/:TicketID"),
            "TicketSearch": ("Ticket::TicketSearch", "GET", "/Ticket"),
            "TicketUpdate": ("Ticket::TicketUpdate", "PATCH", "/Ticket/:TicketID"),
        },
    )


def builtin_webservices() -> dict[str, WebService]:
    """Both shipped layouts, keyed by name."""
    services = [generic_ticket(), generic_ticket_connector_rest()]
    return {s.name: s for s in services}
