"""Turning a ``Call`` into an HTTP request for the configured route (pure; no I/O)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from otobo_znuny.config import ClientConfig, ServerFlavor
from otobo_znuny.errors import ConfigurationError, RequestValidationError
from otobo_znuny.operations.call import Call

__all__ = ["JSON_CONTENT_TYPE", "HttpRequest", "build_http_request", "webservice_probe"]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# Znuny reads credentials from these headers (CONTRACT 1.4), which keeps them out of URLs and logs.
_CREDENTIAL_HEADERS = {
    "UserLogin": "X-OTRS-Header-UserLogin",
    "CustomerUserLogin": "X-OTRS-Header-CustomerUserLogin",
    "Password": "X-OTRS-Header-Password",
    "SessionID": "X-OTRS-Header-SessionID",
}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """Everything needed to send one request; ``redacted_url`` is safe to log."""

    operation: str
    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    content: bytes | None
    secret_path: str | None = None
    """A SessionID in the route path (``Session/:SessionID``), as it appears in ``url``."""

    @property
    def redacted_url(self) -> str:
        """The URL with query values and a path SessionID hidden (they may be credentials)."""
        url = self.url.replace(f"/{self.secret_path}", "/…") if self.secret_path else self.url
        if not self.params:
            return url
        return url + "?" + "&".join(f"{key}=…" for key, _ in self.params)

    def __repr__(self) -> str:
        return f"HttpRequest({self.operation} {self.method} {self.redacted_url})"


def _query_value(key: str, value: Any, operation: str) -> list[str]:
    if isinstance(value, dict):
        raise RequestValidationError(
            key,
            f"{operation} is routed as GET, and a query string cannot carry this structured parameter; "
            "configure a POST route for it (e.g. ClientConfig.generic_ticket or ready2adopt)",
        )
    if isinstance(value, (list, tuple)):
        return [item for element in value for item in _query_value(key, element, operation)]
    if isinstance(value, bool):
        return ["1" if value else "0"]
    return [str(value)]


def _unsendable(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string in ``value`` without a UTF-8 form (a lone surrogate), if any."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    for key, item in items:
        found = _unsendable(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _check_header_credentials(credentials: dict[str, str], method: str) -> None:
    for key, value in credentials.items():
        if not (value.isascii() and value.isprintable() and value == value.strip()):
            raise RequestValidationError(
                key,
                f"cannot travel in the {_CREDENTIAL_HEADERS[key]} header of a {method} route (printable ASCII "
                "without surrounding spaces only); log in with use_session=True or use a layout with POST routes",
            )


def build_http_request(
    config: ClientConfig, call: Call[Any], credentials: dict[str, str], method: str | None = None
) -> HttpRequest:
    """Method, URL, query, headers and JSON body for ``call`` on the configured route.

    ``method`` overrides the route's method (the route's ``fallback_method``, once the server refused
    the route's own method).

    Body-carrying methods get a JSON object with the credentials inside. GET and DELETE routes get a query
    string (lists as repeated keys); their credentials go in Znuny's ``X-OTRS-Header-*`` headers, or,
    for OTOBO, which has no such headers, in the query string.

    Raises:
        ConfigurationError: no route for the operation, or a path placeholder without a value.
        RequestValidationError: a structured parameter on a GET route; text that cannot be sent (a lone
            surrogate anywhere, or a credential header that is not printable ASCII).
    """
    operation = call.operation.value
    unsendable = _unsendable({**credentials, **call.params, **call.path_params})
    if unsendable is not None:
        raise RequestValidationError(
            unsendable, "contains a lone surrogate (U+D800-U+DFFF), which is not text and cannot be sent as UTF-8"
        )
    route = config.route_for(call.operation)
    params = dict(call.params)
    path_params = dict(call.path_params)
    for name in route.placeholders:
        if name in path_params:
            continue
        value = params.pop(name, None)
        if value is None:
            raise ConfigurationError(
                f"route {route.path!r} of {operation} needs :{name}, which this call does not have"
            )
        path_params[name] = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
    url = config.url_for(route, path_params)
    secret_path = quote(path_params["SessionID"], safe=",") if "SessionID" in path_params else None
    headers = {"Accept": "application/json"}
    method = method or route.method
    if method in ("GET", "DELETE"):
        query: list[tuple[str, str]] = []
        if config.flavor is ServerFlavor.ZNUNY:
            _check_header_credentials(credentials, method)
            headers.update({_CREDENTIAL_HEADERS[key]: value for key, value in credentials.items()})
        else:
            query.extend(credentials.items())
        for key, value in params.items():
            query.extend((key, item) for item in _query_value(key, value, operation))
        return HttpRequest(operation, method, url, tuple(query), headers, None, secret_path)
    body = {**credentials, **params}
    if not body:
        # The server refuses "{}" (CONTRACT 1.6); only SessionGet without a session could get here.
        raise RequestValidationError(operation, "nothing to send: the request would be an empty JSON object")
    headers["Content-Type"] = JSON_CONTENT_TYPE
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HttpRequest(operation, method, url, (), headers, content, secret_path)


def webservice_probe(config: ClientConfig) -> HttpRequest:
    """A GET of ``{base_url}/Webservice/{name}`` without credentials or operation path: an existing web
    service answers it with an error message (no operation matches), an unknown one as it answers any
    request for it (Znuny closes the connection, OTOBO sends an empty HTTP 500)."""
    url = f"{config.base_url}/Webservice/{quote(config.webservice_name, safe='')}"
    return HttpRequest("web-service probe", "GET", url, (), {"Accept": "application/json"}, None)
