"""Client configuration: where the web service lives, which route serves each operation, and server quirks.

``ClientConfig`` keeps the documented constructor (``base_url``, ``webservice_name``,
``operation_url_map``) and adds presets for the shipped route layouts:

* :meth:`ClientConfig.generic_ticket` - every operation as ``POST /<Operation>`` (``GenericTicket.yml``);
* :meth:`ClientConfig.rest_connector` - upstream ``GenericTicketConnectorREST`` (GET with query
  strings, ``PATCH /Ticket/:TicketID``);
* :meth:`ClientConfig.ready2adopt` - Znuny's Ready2Adopt REST sample (``POST /Ticket/Search``);
* :meth:`ClientConfig.from_webservice_yaml` - any web service exported from the admin interface.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.errors import ConfigurationError

__all__ = [
    "ClientConfig",
    "HttpMethod",
    "Route",
    "ServerFlavor",
    "TicketOperation",
]

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class TicketOperation(str, Enum):
    """GenericInterface operations; each value is the operation's name on the server."""

    CREATE = "TicketCreate"
    GET = "TicketGet"
    SEARCH = "TicketSearch"
    UPDATE = "TicketUpdate"
    HISTORY_GET = "TicketHistoryGet"
    SESSION_CREATE = "SessionCreate"
    SESSION_GET = "SessionGet"
    SESSION_REMOVE = "SessionRemove"

    @property
    def type(self) -> str:
        """The operation's ``Type`` in a web-service definition, e.g. ``Ticket::TicketSearch``."""
        family = "Session" if self.value.startswith("Session") else "Ticket"
        return f"{family}::{self.value}"

    @property
    def operation_type(self) -> str:
        """The original library's name of :attr:`type`."""
        return self.type


class ServerFlavor(str, Enum):
    """Which server family the client talks to; selects the few behaviours that differ (README "Servers")."""

    ZNUNY = "znuny"
    """Znuny 6.5 / 7.x: credential headers on GET, several articles per call, charset required."""
    OTOBO = "otobo"
    """OTOBO 10.1 / 11: no credential headers (credentials go in the query string of GET routes), one
    article per call, no SessionRemove."""

    def has_operation(self, operation: TicketOperation) -> bool:
        """False for an operation this server family has no backend for (OTOBO 11: SessionRemove)."""
        return operation not in _MISSING_OPERATIONS[self]

    def missing_operation_reason(self, operation: TicketOperation) -> str:
        """Why ``operation`` cannot be called on this server family (for an operation it lacks)."""
        return _MISSING_OPERATIONS[self][operation]


_MISSING_OPERATIONS: dict[ServerFlavor, dict[TicketOperation, str]] = {
    ServerFlavor.ZNUNY: {},
    ServerFlavor.OTOBO: {
        TicketOperation.SESSION_REMOVE: (
            "OTOBO 11 has no SessionRemove operation (a call gets HTTP 500 \"Can't load operation backend module "
            'Kernel::GenericInterface::Operation::Session::SessionRemove!"), so its sessions cannot be ended over '
            "the GenericInterface: a session stays valid until it expires (SessionMaxIdleTime, 2 hours by default)"
        ),
    },
}


_PLACEHOLDER = re.compile(r":([A-Za-z][A-Za-z0-9]*)")

# A plain-string route states no method. It is sent as POST; the original library sent TicketUpdate as
# PUT and its setup tooling configures ticket-update routes for PUT only, so an update falls back to PUT.
_PLAIN_ROUTE_FALLBACKS: dict[TicketOperation, HttpMethod] = {TicketOperation.UPDATE: "PUT"}


class Route(BaseModel):
    """One route of the web service: an HTTP method and a path below ``Webservice/<name>/``.

    ``path`` may contain placeholders such as ``Ticket/:TicketID``. ``fallback_method``, when set, is
    sent instead of ``method`` if the server answers that none of its operations takes ``method`` on
    this path: that answer comes from route matching, before any operation runs, so the server did
    nothing and the resend cannot repeat a write. The client remembers the method that worked.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    method: HttpMethod = "POST"
    fallback_method: HttpMethod | None = None

    @model_validator(mode="after")
    def _distinct_methods(self) -> Route:
        if self.fallback_method == self.method:
            raise ValueError(f"fallback_method must differ from method ({self.method})")
        return self

    @field_validator("path")
    @classmethod
    def _strip_slashes(cls, value: str) -> str:
        path = value.strip().strip("/")
        if not path:
            raise ValueError("route path must not be empty")
        return path

    def __str__(self) -> str:
        """The path, so code that formatted the original library's plain-string routes keeps working."""
        return self.path

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Names of the ``:Name`` placeholders in the path, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))


class ClientConfig(BaseModel):
    """Where and how to reach one GenericInterface web service.

    Args:
        base_url: everything before ``/Webservice/``, e.g.
            ``https://helpdesk.example/otrs/nph-genericinterface.pl``.
        webservice_name: the web service's name as configured on the server.
        operation_url_map: route per operation. A plain string is a path whose method the
            configuration does not state (the documented form): it is sent as POST, and a
            TicketUpdate falls back to PUT (what the original library sent, and what its setup
            tooling configures) when the server proves that no operation takes POST there. A
            :class:`Route` names the method, which is then used as is.
        flavor: ``znuny`` (default) or ``otobo``.
        server_timezone: the server's ``OTRSTimeZone``/``OTOBOTimeZone``; naive server times are read
            in it and datetimes are sent in it.
        default_state, default_priority: used by ``create_ticket`` when the ticket names none
            (the web interface's defaults); set to ``None`` to require them explicitly.
        idempotency_key_field: the name of a Text ticket dynamic field the admin created for the
            purpose (e.g. ``ClientRequestID``). Every ``create_ticket`` then stores an idempotency key
            in it (its own, or a new UUID), and a lost reply is resolved by searching for the key
            instead of raising ``OutcomeUnknownError`` (``docs/reliability.md``). Needs TicketSearch
            on a route with a body (not ``rest_connector``'s GET) and TicketGet.
        idempotent_articles: every ``update_ticket``/``add_note``/``add_email_article`` that adds
            articles marks them with an idempotency key in their HistoryComment, and a lost reply is
            resolved by reading the ticket's history (TicketHistoryGet; agents only). Needs no setup
            on the server.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    base_url: str
    webservice_name: str
    operation_url_map: dict[TicketOperation, Route] = Field(default_factory=dict)
    flavor: ServerFlavor = ServerFlavor.ZNUNY
    server_timezone: str = "UTC"
    default_state: str | None = "new"
    default_priority: str | None = "3 normal"
    idempotency_key_field: str | None = None
    idempotent_articles: bool = False

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return url

    @field_validator("webservice_name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        name = value.strip()
        if not name or "/" in name:
            raise ValueError("webservice_name must be a non-empty name without '/'")
        return name

    @field_validator("operation_url_map", mode="before")
    @classmethod
    def _routes_from_strings(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        routes: dict[Any, Any] = {}
        for key, route in value.items():
            operation = TicketOperation(key) if isinstance(key, str) else key
            if isinstance(route, str):
                fallback = _PLAIN_ROUTE_FALLBACKS.get(operation)
                route = Route(path=route, fallback_method=fallback) if fallback else Route(path=route)
            routes[operation] = route
        return routes

    @field_validator("server_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("idempotency_key_field")
    @classmethod
    def _check_key_field(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9]+", value):
            raise ValueError(
                f"idempotency_key_field must be a dynamic field name of letters and digits, got {value!r} "
                "(Znuny allows no other characters, and TicketSearch reads DynamicField_<Name> only with these)"
            )
        return value

    @model_validator(mode="after")
    def _check_routes(self) -> ClientConfig:
        for operation, route in self.operation_url_map.items():
            unknown = set(route.placeholders) - {"TicketID", "SessionID", "TicketNumber"}
            if unknown:
                raise ValueError(
                    f"route {route.path!r} for {operation.value} has unsupported placeholder(s) {sorted(unknown)}"
                )
        if self.idempotency_key_field is not None:
            problem = self._key_search_problem()
            if problem:
                raise ValueError(f"idempotency_key_field={self.idempotency_key_field!r}: {problem}")
        if self.idempotent_articles and TicketOperation.HISTORY_GET not in self.operation_url_map:
            raise ValueError(
                "idempotent_articles=True needs a TicketHistoryGet route: the client reads the ticket's "
                "history to find an article whose reply was lost"
            )
        return self

    def _key_search_problem(self) -> str | None:
        """Why this configuration cannot look for a ticket by its idempotency key, or None if it can."""
        search = self.operation_url_map.get(TicketOperation.SEARCH)
        if search is None:
            return "the key is looked for with TicketSearch, and operation_url_map has no route for it"
        if search.method in ("GET", "DELETE"):
            return (
                f"TicketSearch is routed as {search.method} {search.path!r}, and a query string cannot carry the "
                "dynamic-field criterion the key search needs; use a POST route (ClientConfig.generic_ticket or "
                "ready2adopt)"
            )
        if TicketOperation.GET not in self.operation_url_map:
            return "the tickets a key search finds are read with TicketGet, and operation_url_map has no route for it"
        return None

    @property
    def timezone(self) -> ZoneInfo:
        """The server time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.server_timezone)

    def route_for(self, operation: TicketOperation) -> Route:
        """Return the route configured for ``operation``.

        Raises:
            ConfigurationError: the configuration has no route for it, or the server flavour has no
                such operation (OTOBO: SessionRemove), even if a route was configured.
        """
        if not self.flavor.has_operation(operation):
            raise ConfigurationError(
                f"{operation.value}: {self.flavor.missing_operation_reason(operation)}. "
                "Nothing was sent; logout() forgets a session locally"
            )
        try:
            return self.operation_url_map[operation]
        except KeyError:
            configured = ", ".join(sorted(op.value for op in self.operation_url_map)) or "none"
            raise ConfigurationError(
                f"no route configured for operation {operation.value} "
                f"(operation_url_map has: {configured}); add TicketOperation.{operation.name} to operation_url_map"
            ) from None

    def url_for(self, route: Route, path_params: dict[str, str] | None = None) -> str:
        """``{base_url}/Webservice/{webservice_name}/{route}`` with placeholders filled in (URL-quoted)."""
        from urllib.parse import quote

        path = route.path
        for name in route.placeholders:
            value = (path_params or {}).get(name)
            if value is None:
                raise ConfigurationError(f"route {route.path!r} needs a value for :{name}")
            path = path.replace(f":{name}", quote(value, safe=","))
        return f"{self.base_url}/Webservice/{quote(self.webservice_name, safe='')}/{path}"

    # ---- presets -------------------------------------------------------------------------------

    # The presets leave out the operations the chosen flavour lacks (OTOBO: SessionRemove).

    @classmethod
    def generic_ticket(cls, base_url: str, webservice_name: str = "GenericTicket", **options: Any) -> ClientConfig:
        """The ``GenericTicket`` layout: every operation as ``POST /<OperationName>``."""
        routes = {op: Route(path=op.value, method="POST") for op in TicketOperation}
        return cls(
            base_url=base_url, webservice_name=webservice_name, operation_url_map=_offered(routes, options), **options
        )

    @classmethod
    def rest_connector(
        cls, base_url: str, webservice_name: str = "GenericTicketConnectorREST", **options: Any
    ) -> ClientConfig:
        """The upstream ``GenericTicketConnectorREST`` sample (OTOBO and Znuny ship it).

        TicketSearch is a GET there, so dynamic-field search is impossible (the library refuses it
        before sending); there is no SessionRemove route.
        """
        routes = {
            TicketOperation.SESSION_CREATE: Route(path="Session", method="POST"),
            TicketOperation.SESSION_GET: Route(path="Session/:SessionID", method="GET"),
            TicketOperation.CREATE: Route(path="Ticket", method="POST"),
            TicketOperation.GET: Route(path="Ticket/:TicketID", method="GET"),
            TicketOperation.HISTORY_GET: Route(path="TicketHistory/:TicketID", method="GET"),
            TicketOperation.SEARCH: Route(path="Ticket", method="GET"),
            TicketOperation.UPDATE: Route(path="Ticket/:TicketID", method="PATCH"),
        }
        return cls(
            base_url=base_url, webservice_name=webservice_name, operation_url_map=_offered(routes, options), **options
        )

    @classmethod
    def ready2adopt(
        cls, base_url: str, webservice_name: str = "GenericTicketConnectorREST", **options: Any
    ) -> ClientConfig:
        """Znuny's Ready2Adopt REST web service (``POST /Ticket/Search``, ``DELETE /Session/:SessionID``;
        with ``flavor=OTOBO``, where the sample is imported by hand, without the session removal)."""
        routes = {
            TicketOperation.SESSION_CREATE: Route(path="Session", method="POST"),
            TicketOperation.SESSION_GET: Route(path="Session/:SessionID", method="GET"),
            TicketOperation.SESSION_REMOVE: Route(path="Session/:SessionID", method="DELETE"),
            TicketOperation.CREATE: Route(path="Ticket", method="POST"),
            TicketOperation.GET: Route(path="Ticket/:TicketID", method="GET"),
            TicketOperation.HISTORY_GET: Route(path="Ticket/History/:TicketID", method="GET"),
            TicketOperation.SEARCH: Route(path="Ticket/Search", method="POST"),
            TicketOperation.UPDATE: Route(path="Ticket/:TicketID", method="PATCH"),
        }
        return cls(
            base_url=base_url, webservice_name=webservice_name, operation_url_map=_offered(routes, options), **options
        )

    @classmethod
    def from_webservice_yaml(
        cls, base_url: str, path: str | Path, webservice_name: str | None = None, **options: Any
    ) -> ClientConfig:
        """Read the routes of a web service exported from Znuny/OTOBO (the YAML the admin UI exports).

        Operations are recognised by their ``Type`` (``Ticket::TicketGet`` ...), so renamed operations
        work. ``webservice_name`` defaults to the file name without extension. Every route of the file
        is kept, even one the server flavour lacks: calling that operation then raises a
        ``ConfigurationError`` that says so, before anything is sent.

        Raises:
            ConfigurationError: the file cannot be read or has no usable REST provider routes.
            MissingDependencyError: PyYAML is not installed (``pip install 'otobo-znuny[yaml]'``).
        """
        yaml = import_yaml("ClientConfig.from_webservice_yaml", extra="yaml")
        file = Path(path)
        try:
            document = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"cannot read web service file {file}: {exc}") from exc
        routes = routes_from_webservice(document, source=str(file))
        return cls(
            base_url=base_url,
            webservice_name=webservice_name or file.stem,
            operation_url_map=routes,
            **options,
        )


def _offered(routes: dict[TicketOperation, Route], options: dict[str, Any]) -> dict[TicketOperation, Route]:
    """``routes`` without the operations the flavour in ``options`` lacks (an invalid flavour is left
    to the model's validation)."""
    try:
        flavor = ServerFlavor(options.get("flavor", ServerFlavor.ZNUNY))
    except ValueError:
        return routes
    return {op: route for op, route in routes.items() if flavor.has_operation(op)}


_TYPE_TO_OPERATION = {
    "Ticket::TicketCreate": TicketOperation.CREATE,
    "Ticket::TicketGet": TicketOperation.GET,
    "Ticket::TicketSearch": TicketOperation.SEARCH,
    "Ticket::TicketUpdate": TicketOperation.UPDATE,
    "Ticket::TicketHistoryGet": TicketOperation.HISTORY_GET,
    "Session::SessionCreate": TicketOperation.SESSION_CREATE,
    "Session::SessionGet": TicketOperation.SESSION_GET,
    "Session::SessionRemove": TicketOperation.SESSION_REMOVE,
}


def routes_from_webservice(document: Any, *, source: str = "web service") -> dict[TicketOperation, Route]:
    """Extract ``{operation: Route}`` from a parsed web-service definition.

    When two operations share a type (``TicketGet`` and ``TicketGetList``), the one named like the type's
    operation wins, then one whose route has a ``:TicketID`` placeholder, then the first by name.

    Raises:
        ConfigurationError: the document is not a web service with REST provider routes.
    """
    try:
        provider = document["Provider"]
        operations = provider["Operation"]
        mapping = provider["Transport"]["Config"]["RouteOperationMapping"]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"{source}: not a web service definition with Provider.Operation and "
            "Provider.Transport.Config.RouteOperationMapping"
        ) from None
    routes: dict[TicketOperation, Route] = {}
    preference: dict[TicketOperation, tuple[bool, bool]] = {}
    for name in sorted(operations or {}):
        op_type = (operations[name] or {}).get("Type")
        operation = _TYPE_TO_OPERATION.get(op_type or "")
        entry = (mapping or {}).get(name)
        if operation is None or not entry:
            continue
        methods = entry.get("RequestMethod") or ["POST"]
        method = "POST" if "POST" in methods else str(methods[0]).upper()
        route = Route(path=str(entry.get("Route", "")), method=method)
        # the operation named like its type wins, then a route naming the ticket (TicketGet over TicketGetList)
        rank = (name == operation.value, "TicketID" in route.placeholders)
        if operation not in routes or rank > preference[operation]:
            routes[operation] = route
            preference[operation] = rank
    if not routes:
        raise ConfigurationError(f"{source}: no ticket or session operation has a route")
    return routes
