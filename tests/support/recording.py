"""The recorded Znuny 7.0.19 exchanges (``../shared/contract/znuny-7.0.19-recorded.jsonl``), parsed.

Tests replay these exchanges from the file; no recorded value is copied into a test by hand.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from otobo_znuny.config import TicketOperation

__all__ = ["Exchange", "load_exchanges", "shared_dir"]

_TYPE_NAMES = {
    "Ticket::TicketCreate": "TicketCreate",
    "Ticket::TicketGet": "TicketGet",
    "Ticket::TicketSearch": "TicketSearch",
    "Ticket::TicketUpdate": "TicketUpdate",
    "Ticket::TicketHistoryGet": "TicketHistoryGet",
    "Ticket::TimeAccountingGet": "TimeAccountingGet",
    "Session::SessionCreate": "SessionCreate",
    "Session::SessionGet": "SessionGet",
    "Session::SessionRemove": "SessionRemove",
    "User::OutOfOffice": "OutOfOffice",
}


def shared_dir() -> Path:
    """The ``shared`` folder beside the repository, or ``$OTOBO_ZNUNY_SHARED_DIR``."""
    env = os.environ.get("OTOBO_ZNUNY_SHARED_DIR")
    if env:
        return Path(env)
    return (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()


@cache
def _route_tables() -> dict[str, list[tuple[str, re.Pattern[str], str]]]:
    """Per web service: (method, path regex, operation type name), from the shipped YAML files."""
    tables: dict[str, list[tuple[str, re.Pattern[str], str]]] = {}
    for name in ("GenericTicket", "GenericTicketConnectorREST"):
        document = yaml.safe_load((shared_dir() / "contract" / f"{name}.yml").read_text())
        provider = document["Provider"]
        rows = []
        for op_name in sorted(provider["Operation"]):
            entry = provider["Transport"]["Config"]["RouteOperationMapping"][op_name]
            pattern = re.sub(r":[A-Za-z]+", "[^/]+", entry["Route"])
            type_name = _TYPE_NAMES[provider["Operation"][op_name]["Type"]]
            for method in entry["RequestMethod"]:
                rows.append((method, re.compile(f"^{pattern}$"), type_name))
        tables[name] = rows
    return tables


@dataclass(frozen=True)
class Exchange:
    """One recorded request and its verbatim reply."""

    n: int
    title: str
    method: str
    path: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int
    response_headers: dict[str, str]
    response_body: str

    @property
    def webservice(self) -> str:
        return self.path.split("/Webservice/", 1)[1].split("/", 1)[0]

    @property
    def route(self) -> str:
        """The path below ``Webservice/<name>`` without the query string, e.g. ``/Ticket/5``."""
        rest = self.path.split("/Webservice/", 1)[1]
        return "/" + urlsplit(rest).path.split("/", 1)[1]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.path).query, keep_blank_values=True)

    @property
    def operation(self) -> str | None:
        """The operation the server ran for this request (None when no route matched)."""
        for method, pattern, type_name in _route_tables()[self.webservice]:
            if method == self.method and pattern.match(self.route):
                return type_name
        return None

    @property
    def ticket_operation(self) -> TicketOperation | None:
        try:
            return TicketOperation(self.operation)
        except ValueError:
            return None

    @property
    def content_type(self) -> str:
        return self.response_headers.get("Content-Type", "")

    @property
    def is_json(self) -> bool:
        return self.content_type.startswith("application/json")

    def request_json(self) -> Any:
        return json.loads(self.request_body) if self.request_body else None

    def response_json(self) -> Any:
        return json.loads(self.response_body) if self.is_json else None

    @property
    def error_code(self) -> str | None:
        data = self.response_json()
        if isinstance(data, dict) and isinstance(data.get("Error"), dict):
            return str(data["Error"]["ErrorCode"])
        return None


@cache
def load_exchanges() -> tuple[Exchange, ...]:
    """Every exchange of the recording, in order."""
    path = shared_dir() / "contract" / "znuny-7.0.19-recorded.jsonl"
    exchanges = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        exchanges.append(
            Exchange(
                n=raw["n"],
                title=raw["title"],
                method=raw["method"],
                path=raw["path"],
                request_headers=raw.get("request_headers") or {},
                request_body=raw.get("request_body"),
                status=raw["status"],
                response_headers=raw.get("response_headers") or {},
                response_body=raw["response_body"],
            )
        )
    return tuple(exchanges)
