"""Printing results: JSON, YAML or a rich table on stdout; CSV and JSON Lines rows for exports.

JSON is stable and jq-friendly: keys sorted, times in ISO 8601, attachment contents in base64,
every field present (``null`` when empty). The shape depends on the command, never on how many
arguments were given: ``ticket get`` and ``ticket history`` always print a list, ``ticket create``,
``update`` and ``note`` one object, ``ticket search`` a list of IDs (of tickets with ``--fetch``).

``--fields id,number,queue.name,dynamic_fields.OrderID`` picks columns: dotted paths reach into
objects; JSON then has exactly those keys (as written).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from enum import Enum
from typing import IO, Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from otobo_znuny._yaml_import import import_yaml
from otobo_znuny.errors import RequestValidationError

__all__ = [
    "HISTORY_COLUMNS",
    "REFERENCE_COLUMNS",
    "TICKET_COLUMNS",
    "CsvRowWriter",
    "JsonLinesWriter",
    "OutputFormat",
    "cell_text",
    "choose_format",
    "lookup",
    "parse_fields",
    "print_result",
    "project",
    "to_jsonable",
]

TICKET_COLUMNS = ("id", "number", "title", "queue", "state", "priority", "owner", "customer_user", "created_at")
HISTORY_COLUMNS = ("created_at", "history_type", "name", "article_id", "created_by")
REFERENCE_COLUMNS = ("ticket_id", "ticket_number", "article_ids")


_NO_WRAP = frozenset({"id", "number", "ticket_id", "ticket_number", "created_at", "changed_at"})


class OutputFormat(str, Enum):
    """``--output`` choices."""

    JSON = "json"
    YAML = "yaml"
    TABLE = "table"


def choose_format(requested: OutputFormat | None, stream: IO[str] | None = None) -> OutputFormat:
    """The requested format, else a table on a terminal and JSON when piped."""
    if requested is not None:
        return requested
    target = stream if stream is not None else sys.stdout
    return OutputFormat.TABLE if _is_tty(target) else OutputFormat.JSON


def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def to_jsonable(value: Any) -> Any:
    """Models, datetimes, enums and bytes as JSON values (ISO 8601 times, base64 bytes)."""
    # Models are dumped to Python first: dumped as JSON directly, pydantic would encode bytes as
    # UTF-8 text, which fails for binary attachments.
    return to_jsonable_python(_plain(value), bytes_mode="base64")


def parse_fields(text: str | None, model: type[BaseModel] | None) -> list[str] | None:
    """``"id,number,queue.name"`` -> ``["id", "number", "queue.name"]``; checks the first part of each path.

    Raises:
        RequestValidationError: an empty list or a field the model does not have (named in the message).
    """
    if text is None:
        return None
    fields = [part.strip() for part in text.split(",") if part.strip()]
    if not fields:
        raise RequestValidationError("--fields", "give at least one field name")
    if model is not None:
        known = set(model.model_fields)
        for name in fields:
            head = name.split(".", 1)[0]
            if head not in known:
                raise RequestValidationError(
                    "--fields", f"unknown field {head!r}; fields are: {', '.join(sorted(known))}"
                )
    return fields


def lookup(record: Any, path: str) -> Any:
    """The value at a dotted ``path`` in nested dicts (``None`` where a part is missing)."""
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def project(record: Any, fields: Sequence[str] | None) -> Any:
    """``record`` reduced to ``fields`` (keys as written), or unchanged without fields."""
    if fields is None or not isinstance(record, dict):
        return record
    return {name: lookup(record, name) for name in fields}


def cell_text(value: Any) -> str:
    """A JSON value as table/CSV text: ``{"id": 2, "name": "Raw"}`` -> ``Raw``, lists comma-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        if value and set(value) <= {"id", "name"}:
            return str(value["name"]) if value.get("name") is not None else f"#{value.get('id')}"
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, list):
        return ", ".join(cell_text(item) for item in value)
    return str(value)


def _dump_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


def _print_table(data: Any, columns: Sequence[str], stream: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    # On a terminal rich uses its width; otherwise (a forced table in a pipe) allow wide rows.
    console = Console(file=stream, highlight=False, width=None if _is_tty(stream) else 160)
    if isinstance(data, list):
        table = Table(show_lines=False)
        for name in columns:
            table.add_column(name, no_wrap=name in _NO_WRAP)
        for record in data:
            row = record if isinstance(record, dict) else {columns[0]: record}
            table.add_row(*(cell_text(lookup(row, name)) for name in columns))
    else:
        table = Table(show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        for name in columns:
            table.add_row(name, cell_text(lookup(data, name)))
    console.print(table)


def print_result(
    result: Any,
    output: OutputFormat | None,
    *,
    fields: Sequence[str] | None = None,
    columns: Sequence[str] = ("id",),
    stream: IO[str] | None = None,
) -> None:
    """Print ``result`` (a model, a list of models, or plain values) in the chosen format.

    ``columns`` are the table's default columns; ``fields`` overrides them and trims JSON/YAML.
    """
    target = stream if stream is not None else sys.stdout
    data = to_jsonable(result)
    chosen = choose_format(output, target)
    if chosen is OutputFormat.TABLE:
        _print_table(data, list(fields or columns), target)
        return
    data = [project(item, fields) for item in data] if isinstance(data, list) else project(data, fields)
    if chosen is OutputFormat.YAML:
        yaml = import_yaml("-o yaml", extra="cli")
        target.write(yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=False))
    else:
        target.write(_dump_json(data) + "\n")


class JsonLinesWriter:
    """One compact JSON object per line (sorted keys), optionally reduced to ``fields``."""

    def __init__(self, stream: IO[str], fields: Sequence[str] | None = None) -> None:
        self._stream = stream
        self._fields = fields

    def write(self, item: Any) -> None:
        record = project(to_jsonable(item), self._fields)
        self._stream.write(json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")


class CsvRowWriter:
    """CSV with a header row; cells are flattened like table cells (names for queue/state/...)."""

    def __init__(self, stream: IO[str], fields: Sequence[str]) -> None:
        self._fields = list(fields)
        self._writer = csv.writer(stream)
        self._writer.writerow(self._fields)

    def write(self, item: Any) -> None:
        record = to_jsonable(item)
        self._writer.writerow([cell_text(lookup(record, name)) for name in self._fields])
