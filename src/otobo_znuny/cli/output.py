"""Printing results: JSON, YAML or a rich table on stdout; CSV and JSON Lines rows for exports.

JSON is stable and jq-friendly: keys sorted, times in ISO 8601, attachment contents in base64,
every field present (``null`` when empty). The shape depends on the command, never on how many
arguments were given: ``ticket get`` and ``ticket history`` always print a list, ``ticket create``,
``update`` and ``note`` one object, ``ticket search`` a list of IDs (of tickets with ``--fetch``).

``--fields id,number,queue.name,dynamic_fields.OrderID`` picks columns: dotted paths reach into
objects and are checked against the model (``queue.nosuch`` is refused, never printed as null);
JSON then has exactly those keys (as written). Dynamic-field names are checked against the fields
the server listed for the printed tickets (:func:`check_dynamic_field_columns`).

The table view of tickets shows their articles below the ticket table (:func:`print_articles`).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import types
import typing
from collections.abc import Sequence
from enum import Enum
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "HISTORY_COLUMNS",
    "REFERENCE_COLUMNS",
    "TICKET_COLUMNS",
    "CsvRowWriter",
    "JsonLinesWriter",
    "OutputFormat",
    "cell_text",
    "check_article_columns",
    "check_dynamic_field_columns",
    "choose_format",
    "lookup",
    "parse_fields",
    "print_articles",
    "print_result",
    "project",
    "ticket_json",
    "to_jsonable",
]

TICKET_COLUMNS = ("id", "number", "title", "queue", "state", "priority", "owner", "customer_user", "created_at")
HISTORY_COLUMNS = ("created_at", "history_type", "text", "article_id", "created_by")
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
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="python")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def to_jsonable(value: Any) -> Any:
    """Models, datetimes, enums and bytes as JSON values (ISO 8601 times, base64 bytes)."""
    # Models are dumped to Python first: dumped as JSON directly, pydantic would encode bytes as
    # UTF-8 text, which fails for binary attachments.
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(_plain(value), bytes_mode="base64")


def ticket_json(ticket: Any, *, attachments: bool) -> Any:
    """A ticket as JSON values. Without ``attachments`` (they were not fetched) its articles carry no
    ``attachments`` key: an empty list would read as "this article has none"."""
    record = to_jsonable(ticket)
    if not attachments and isinstance(record, dict):
        for article in record.get("articles") or []:
            if isinstance(article, dict):
                article.pop("attachments", None)
    return record


def parse_fields(text: str | None, model: type[BaseModel] | None, *, extra: Sequence[str] = ()) -> list[str] | None:
    """``"id,number,queue.name"`` -> ``["id", "number", "queue.name"]``; checks every part of each path
    against ``model`` (nested models, dicts such as ``dynamic_fields``, lists, plain values).

    Raises:
        RequestValidationError: an empty list, or a path the model does not have (named in the message).
        ``extra`` names columns a command adds to the model's fields.
    """
    from otobo_znuny.errors import RequestValidationError

    if text is None:
        return None
    fields = [part.strip() for part in text.split(",") if part.strip()]
    if not fields:
        raise RequestValidationError("--fields", "give at least one field name")
    if model is not None:
        for name in fields:
            if name in extra:
                continue
            problem = _path_problem(model, name)
            if problem is not None:
                raise RequestValidationError("--fields", problem)
    return fields


def _unwrap(annotation: Any) -> Any:
    """The type under ``Optional[...]`` and ``Annotated[...]``; a union of several types stays a union."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _path_problem(model: Any, path: str) -> str | None:
    """Why ``path`` is not a field path of ``model``, or None when it is."""
    from pydantic import BaseModel

    parts = path.split(".")
    current: Any = model
    for index, part in enumerate(parts):
        where = ".".join(parts[:index])
        if isinstance(current, type) and issubclass(current, BaseModel):
            known = sorted(current.model_fields)
            if part not in current.model_fields:
                inside = f" of {where}" if where else ""
                return f"unknown field {'.'.join(parts[: index + 1])!r}; the fields{inside} are: {', '.join(known)}"
            current = _unwrap(current.model_fields[part].annotation)
            continue
        origin = typing.get_origin(current) or current
        if origin is dict:
            if index == len(parts) - 1:
                return None
            current = _unwrap(typing.get_args(current)[1]) if typing.get_args(current) else Any
            if current is Any:
                return None  # free-form values (extra): nothing to check
            continue
        if origin in (list, tuple):
            return f"{where} is a list; --fields can name it whole ({where}), not a part of its items"
        return f"{where} is a single value; it has no field {part!r}"
    return None


def check_dynamic_field_columns(fields: Sequence[str] | None, listed: Sequence[str] | None) -> None:
    """Refuse ``dynamic_fields.<Name>`` columns naming no field of ``listed`` (the names the server
    lists for a ticket, empty fields included); ``listed=None`` means no ticket to check against.

    Raises:
        RequestValidationError: an unknown dynamic-field name (with the known names).
    """
    from otobo_znuny.errors import RequestValidationError

    if not fields or listed is None:
        return
    for name in fields:
        head, _, rest = name.partition(".")
        if head == "dynamic_fields" and rest:
            field = rest.split(".", 1)[0]
            if field not in listed:
                known = ", ".join(sorted(listed)) or "none"
                raise RequestValidationError(
                    "--fields", f"{name}: no dynamic field {field!r} on this server (ticket dynamic fields: {known})"
                )


def check_article_columns(fields: Sequence[str] | None, articles: bool, flag: str) -> None:
    """Refuse an ``articles`` column when the articles are not fetched: it would print ``[]`` for
    tickets that have articles.

    Raises:
        RequestValidationError: ``articles`` (or ``articles.*``) in ``fields`` without ``flag``.
    """
    from otobo_znuny.errors import RequestValidationError

    if not articles and any(name.partition(".")[0] == "articles" for name in fields or ()):
        raise RequestValidationError(
            "--fields", f"articles are fetched only with {flag}; without it the column would be empty"
        )


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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """``text`` safe to show on a terminal: control characters other than line break and tab (an
    escape sequence in an e-mail subject or body, a carriage return) are shown as ``\\x1b``."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group(0)):02x}", text.replace("\r\n", "\n"))


def _cell(value: Any) -> Any:
    """A table cell as plain text: never read as rich markup (``[/b]`` in a title), controls shown."""
    from rich.text import Text

    return Text(terminal_text(cell_text(value)))


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
            table.add_row(*(_cell(lookup(row, name)) for name in columns))
    else:
        table = Table(show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        for name in columns:
            table.add_row(name, _cell(lookup(data, name)))
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
        from otobo_znuny._yaml_import import import_yaml

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


def _size(value: Any) -> str:
    if not isinstance(value, int):
        return "? bytes"
    if value < 1024:
        return f"{value} bytes"
    return f"{value / 1024:.1f} KiB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.1f} MiB"


def print_articles(tickets: Sequence[Any], stream: IO[str] | None = None) -> None:
    """The articles of each ticket as readable text: a header line (number, time, sender, channel,
    visibility), From/To/Cc/Subject, the body, and the attachments by name and size."""
    from rich.console import Console
    from rich.markup import escape
    from rich.rule import Rule

    target = stream if stream is not None else sys.stdout
    console = Console(file=target, highlight=False, width=None if _is_tty(target) else 100)
    for ticket in to_jsonable(list(tickets)):
        articles = ticket.get("articles") or []
        if not articles:
            continue
        console.print(
            Rule(
                escape(
                    terminal_text(f"Ticket {ticket.get('number')} (ID {ticket.get('id')}): {ticket.get('title') or ''}")
                )
            )
        )
        for index, article in enumerate(articles, start=1):
            visibility = "visible to the customer" if article.get("is_visible_for_customer") else "internal"
            parts = [
                f"Article {index}/{len(articles)}",
                f"ID {article.get('id')}",
                str(article.get("created_at") or "").replace("T", " "),
                article.get("sender_type") or "",
                article.get("communication_channel") or "",
                visibility,
            ]
            console.print(escape(terminal_text(" · ".join(part for part in parts if part))), style="bold")
            for label, key in (("From", "from_addr"), ("To", "to"), ("Cc", "cc"), ("Subject", "subject")):
                if article.get(key):
                    console.print(f"{label}: {escape(terminal_text(str(article[key])))}")
            console.print()
            console.print(escape(terminal_text((article.get("body") or "").rstrip())) or "(no text)")
            for attachment in article.get("attachments") or []:
                console.print(
                    escape(
                        f"[attachment] {terminal_text(str(attachment.get('filename')))} "
                        f"({_size(attachment.get('size'))}, {attachment.get('content_type')})"
                    )
                )
            console.print()
