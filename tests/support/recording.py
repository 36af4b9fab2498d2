"""The recorded exchanges with live servers, parsed: Znuny 7.0.19 and OTOBO 11.0.6.

The repository carries its own copy of the contract files (``tests/data/contract``, copied from the
project's shared contract folder), so a fresh clone runs every test. ``$OTOBO_ZNUNY_CONTRACT_DIR``
points the tests at another folder, e.g. newer recordings. Missing data fails loudly, never skips.
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

__all__ = ["RECORDINGS", "Exchange", "contract_dir", "contract_file", "load_exchanges"]

RECORDINGS = {"znuny": "znuny-7.0.19-recorded.jsonl", "otobo": "otobo-11.0.6-recorded.jsonl"}

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


def contract_dir() -> Path:
    """The folder of contract files: ``$OTOBO_ZNUNY_CONTRACT_DIR``, else the repository's ``tests/data/contract``."""
    env = os.environ.get("OTOBO_ZNUNY_CONTRACT_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "data" / "contract"


def contract_file(name: str) -> Path:
    """One contract file by name; raises FileNotFoundError (a failing test, not a skip) when it is missing."""
    path = contract_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"contract file {path} is missing (set OTOBO_ZNUNY_CONTRACT_DIR or restore tests/data)")
    return path


@cache
def _route_tables() -> dict[str, list[tuple[str, re.Pattern[str], str]]]:
    """Per web service: (method, path regex, operation type name), from the shipped YAML files."""
    tables: dict[str, list[tuple[str, re.Pattern[str], str]]] = {}
    for name in ("GenericTicket", "GenericTicketConnectorREST"):
        document = yaml.safe_load(contract_file(f"{name}.yml").read_text(encoding="utf-8"))
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
        for method, pattern, type_name in _route_tables().get(self.webservice, []):
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
def load_exchanges(server: str = "znuny") -> tuple[Exchange, ...]:
    """Every exchange of one server's recording (a key of ``RECORDINGS``), in order."""
    path = contract_file(RECORDINGS[server])
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
