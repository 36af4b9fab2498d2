"""Reading replies: TicketGet and TicketHistoryGet JSON validated in one pass straight into the domain models.

The readers are pydantic-core validators built from the declared key tables (``wire.keys``): every
key of a ticket, article, attachment or history entry is validated where it is read, from the reply
bytes (``validate_json``), and the models come out of pydantic-core as ``Ticket``/``Article``/... instances
with all their fields. The server's time zone travels in the validation context (``WireContext``).

How each kind of value is read (``keys.Read``: IDs as numbers or strings, ``""`` for none, naive server
times, id+name pairs...) is implemented once, below: the part pydantic-core can check is a core schema;
what needs Python (time zones, pairs folded into ``IdName``, unknown keys kept in ``extra``) runs once
per ticket, article, attachment or history entry, on the values pydantic-core validated.

The readers are built when this module is imported, which ``otobo_znuny.models`` does as soon as the
models are defined: the models defer building their own validators (``defer_build``) until first used,
and a model whose own validator is already built would be validated by that one instead of by the
reader (``_check_models_not_built``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator, core_schema

from otobo_znuny.models.base import IdName
from otobo_znuny.models.history import HistoryEntry
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.models.ticket import Article, Attachment, Ticket
from otobo_znuny.wire import keys
from otobo_znuny.wire.keys import ExtraKey, Key, Read
from otobo_znuny.wire.values import parse_epoch, parse_server_time

if TYPE_CHECKING:
    from otobo_znuny.wire.shapes import WsArticle, WsAttachment, WsDynamicField, WsHistoryEntry, WsKeyValue, WsTicket

__all__ = [
    "HISTORY_REPLY",
    "TICKET_GET_REPLY",
    "WireContext",
    "article_from_wire",
    "attachment_from_wire",
    "dynamic_fields_from_wire",
    "history_from_wire",
    "session_info_from_wire",
    "ticket_from_wire",
]


class WireContext:
    """The validation context of one reply: the server's time zone, and what was read so far: the
    ``IdName`` of each id+name pair (a batch names the same few queues, states and owners hundreds of
    times, and an ``IdName`` is immutable, so equal pairs share one) and each server time."""

    __slots__ = ("id_names", "times", "tz")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.id_names: dict[tuple[int | None, str | None], IdName | None] = {(None, None): None}
        self.times: dict[str, datetime | None] = {}  # server time text -> parse_server_time(text, tz)

    def id_name(self, id_value: int | None, name: str | None) -> IdName | None:
        """``IdName(id, name)``, remembered (``id_names``); None for ``(None, None)``."""
        # both values were validated by the reader (IdName's own checks would strip the name)
        found = self.id_names[(id_value, name)] = IdName.model_construct(id=id_value, name=name)
        return found


_MISSING = object()


# ---- the kinds of values (keys.Read), once each -----------------------------------------------------


def _none(_: Any) -> None:
    return None


_EMPTY_IS_NONE = core_schema.no_info_after_validator_function(_none, core_schema.literal_schema([""]))


def _number_or_empty(number: core_schema.CoreSchema, what: str) -> core_schema.CoreSchema:
    return core_schema.union_schema(
        [core_schema.nullable_schema(number), _EMPTY_IS_NONE],
        mode="left_to_right",
        custom_error_type=f"wire_{what}",
        custom_error_message=f'Input should be {what}, "" or null',
    )


_STRING = core_schema.str_schema(coerce_numbers_to_str=True)
_TEXT = core_schema.nullable_schema(_STRING)
_ID = _number_or_empty(core_schema.int_schema(), "an integer")
_NUMBER = _number_or_empty(core_schema.float_schema(), "a number")


def _base64(value: str) -> bytes:
    """Base64 text -> bytes (``""`` -> ``b""``).

    Raises:
        ValueError: not base64.
    """
    if not value:
        return b""
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"Content is not base64 ({exc})") from None


_DYNAMIC_FIELD = core_schema.typed_dict_schema(
    {
        "Name": core_schema.typed_dict_field(_STRING),
        "Value": core_schema.typed_dict_field(
            core_schema.with_default_schema(core_schema.any_schema(), default=None), required=False
        ),
    },
    extra_behavior="ignore",
)

_SCHEMAS: dict[Read, core_schema.CoreSchema] = {
    Read.TEXT: _TEXT,
    Read.TEXT_OR_NONE: _TEXT,  # "" -> None when the object is put together
    Read.STRING: _STRING,
    Read.REQUIRED_TEXT: _STRING,
    Read.REQUIRED_ID: core_schema.int_schema(),
    Read.ID: _ID,
    Read.ID_OR_NONE: _ID,  # 0 -> None when the object is put together
    Read.NUMBER: _NUMBER,
    Read.FLAG: _ID,  # -> bool when the object is put together
    Read.YES_NO: _TEXT,  # -> bool when the object is put together
    Read.SERVER_TIME: _TEXT,  # -> datetime in the context's zone when the object is put together
    Read.EPOCH: _ID,  # -> datetime when the object is put together
    Read.ID_NAME: _TEXT,  # the name; the ID key is read as Read.ID, and both become one IdName
    Read.DYNAMIC_FIELDS: core_schema.list_schema(_DYNAMIC_FIELD),
    Read.BASE64: _STRING,  # -> bytes when the object is put together
    Read.DISPOSITION: _TEXT,  # "attachment", "inline" or None when the object is put together
    Read.CHANNEL: _TEXT,  # the name of CommunicationChannelID when empty, when the object is put together
    Read.FILE_SIZE: _ID,  # the content's length when there is content, when the object is put together
}
_DEFAULTS: dict[Read, Any] = {Read.STRING: "", Read.BASE64: "", Read.YES_NO: None}
_REQUIRED = (Read.REQUIRED_ID, Read.REQUIRED_TEXT)
_LISTS = (Read.DYNAMIC_FIELDS, Read.ARTICLES, Read.ATTACHMENTS)


def _field(schema: core_schema.CoreSchema, read: Read, wire: str) -> core_schema.ModelField:
    if read in _LISTS:
        schema = core_schema.with_default_schema(schema, default_factory=list)
    elif read not in _REQUIRED:
        schema = core_schema.with_default_schema(schema, default=_DEFAULTS.get(read))
    return core_schema.model_field(schema, validation_alias=wire)


# ---- putting one object together ---------------------------------------------------------------------


def _assembly_source(model: type[BaseModel], table: tuple[Key, ...], extras: tuple[ExtraKey, ...]) -> str:
    """The Python part of reading one object, written out from its table: the conversions pydantic-core
    cannot do (time zones, ``""`` as None, 1/0 as bools...), the id+name pairs folded into ``IdName``,
    and the keys kept in (or dropped from) ``extra``. It runs once per object on what
    ``model_fields_schema`` validated (its documented ``(fields, extras, fields set)``) and returns the
    same for the model, so it is generated as straight-line code (as ``dataclasses`` writes ``__init__``)."""
    reads = {key.read for key in table}
    lines = ["def put_together(parts, info):", "    values, extra, _ = parts", "    context = info.context"]
    if Read.SERVER_TIME in reads:
        lines.append("    times = context.times")
    if Read.ID_NAME in reads:
        lines.append("    id_names = context.id_names")
    lines += ["    if extra is None:", "        extra = {}"]
    for key in table:
        name = repr(key.field)
        if key.read in (Read.TEXT_OR_NONE, Read.ID_OR_NONE):
            lines.append(f"    values[{name}] = values[{name}] or None")
        elif key.read is Read.FLAG:
            lines += [f"    value = values[{name}]", f"    values[{name}] = None if value is None else bool(value)"]
        elif key.read is Read.YES_NO:
            lines.append(f"    values[{name}] = values[{name}] == 'y'")
        elif key.read is Read.SERVER_TIME:
            lines += [
                f"    value = values[{name}]",
                "    if value:",
                "        found = times.get(value, MISSING)",
                "        if found is MISSING:",
                "            found = times[value] = parse_server_time(value, context.tz)",
                f"        values[{name}] = found",
                "    else:",
                f"        values[{name}] = None",
            ]
        elif key.read is Read.EPOCH:
            lines += [f"    value = values[{name}]", f"    values[{name}] = parse_epoch(value) if value else None"]
        elif key.read is Read.DYNAMIC_FIELDS:
            lines += [
                f"    items = values[{name}]",
                f"    values[{name}] = {{item['Name']: item['Value'] for item in items}} if items else {{}}",
            ]
        elif key.read is Read.ID_NAME and key.id_key:
            lines += [
                f"    pair = (values.pop({key.id_key!r}), values[{name}] or None)",
                "    found = id_names.get(pair, MISSING)",
                f"    values[{name}] = context.id_name(*pair) if found is MISSING else found",
            ]
        elif key.read is Read.CHANNEL:
            lines += [
                f"    if not values[{name}]:",
                f"        values[{name}] = CHANNEL_NAMES.get(values['CommunicationChannelID'] or 0)",
            ]
        elif key.read is Read.BASE64:
            lines.append(f"    values[{name}] = base64_bytes(values[{name}])")
        elif key.read is Read.DISPOSITION:
            lines += [f"    if values[{name}] not in ('attachment', 'inline'):", f"        values[{name}] = None"]
        elif key.read is Read.FILE_SIZE:
            lines += ["    if values['content']:", f"        values[{name}] = len(values['content'])"]
    for extra in extras:
        if extra.keep:
            lines += [
                f"    value = values.pop({extra.wire!r})",
                "    if value is not None:",
                f"        extra[{extra.wire!r}] = value",
            ]
        else:
            lines.append(f"    del values[{extra.wire!r}]")
    if "extra" in model.model_fields:
        lines.append("    values['extra'] = extra")  # the last field of Ticket and Article
    lines.append("    return values, None, FIELD_NAMES.copy()")
    return "\n".join(lines) + "\n"


def _object_schema(
    model: type[BaseModel],
    table: tuple[Key, ...],
    extras: tuple[ExtraKey, ...],
    *,
    nested: dict[Read, core_schema.CoreSchema] | None = None,
) -> core_schema.CoreSchema:
    """The reader of one model: its fields (in the model's order, each under its wire key), then the
    ID keys of its pairs and its extra keys; unknown keys go to ``extra`` (or are dropped). Every field
    is set (``model_fields_set``), as when the model is validated from the whole reply object."""
    rows = {key.field: key for key in table}
    expected = [name for name in model.model_fields if name != "extra"]
    if sorted(rows) != sorted(expected):
        raise TypeError(f"the {model.__name__} key table does not name exactly its fields: {sorted(rows)}")
    schemas = {**_SCHEMAS, **(nested or {})}
    fields = {name: _field(schemas[rows[name].read], rows[name].read, rows[name].wire) for name in expected}
    for _, _, id_key in keys.id_name_keys(table):
        fields[id_key] = _field(_ID, Read.ID, id_key)
    for extra in extras:
        fields[extra.wire] = _field(_SCHEMAS[extra.read], extra.read, extra.wire)
    namespace: dict[str, Any] = {
        "parse_epoch": parse_epoch,
        "parse_server_time": parse_server_time,
        "base64_bytes": _base64,
        "CHANNEL_NAMES": keys.CHANNEL_NAMES,
        "MISSING": _MISSING,
        "FIELD_NAMES": set(model.model_fields),
    }
    exec(compile(_assembly_source(model, table, extras), f"<{model.__name__} reader>", "exec"), namespace)
    return core_schema.model_schema(
        model,
        core_schema.with_info_after_validator_function(
            namespace["put_together"],
            core_schema.model_fields_schema(
                fields, extra_behavior="allow" if "extra" in model.model_fields else "ignore"
            ),
        ),
        config=core_schema.CoreConfig(title=model.__name__),
    )


_ATTACHMENT = _object_schema(Attachment, keys.ATTACHMENT_KEYS, keys.ATTACHMENT_EXTRA_KEYS)
_ARTICLE = _object_schema(
    Article,
    keys.ARTICLE_KEYS,
    keys.ARTICLE_EXTRA_KEYS,
    nested={Read.ATTACHMENTS: core_schema.list_schema(_ATTACHMENT)},
)


_TICKET = _object_schema(
    Ticket, keys.TICKET_KEYS, keys.TICKET_EXTRA_KEYS, nested={Read.ARTICLES: core_schema.list_schema(_ARTICLE)}
)
_HISTORY_ENTRY = _object_schema(HistoryEntry, keys.HISTORY_ENTRY_KEYS, ())


def _reply(data: dict[str, core_schema.CoreSchema]) -> core_schema.CoreSchema:
    """``{"Error": {...}}`` or the data keys (a reply carries one or the other)."""
    error = core_schema.typed_dict_schema(
        {
            "ErrorCode": core_schema.typed_dict_field(_STRING),
            "ErrorMessage": core_schema.typed_dict_field(core_schema.with_default_schema(_STRING, default="")),
        },
        extra_behavior="ignore",
    )
    fields = {
        "Error": core_schema.typed_dict_field(
            core_schema.with_default_schema(core_schema.nullable_schema(error), default=None), required=False
        ),
    }
    for key, schema in data.items():
        fields[key] = core_schema.typed_dict_field(
            core_schema.with_default_schema(core_schema.list_schema(schema), default_factory=list), required=False
        )
    return core_schema.typed_dict_schema(fields, extra_behavior="ignore")


def _history_ticket_ids(history: dict[str, Any]) -> dict[str, Any]:
    """Entries without a ``TicketID`` (or with 0) take the ID of the history they are listed in."""
    ticket_id = history["TicketID"]
    history["History"] = [
        entry if entry.ticket_id else entry.model_copy(update={"ticket_id": ticket_id}) for entry in history["History"]
    ]
    return history


_TICKET_HISTORY = core_schema.no_info_after_validator_function(
    _history_ticket_ids,
    core_schema.typed_dict_schema(
        {
            "TicketID": core_schema.typed_dict_field(core_schema.int_schema()),
            "History": core_schema.typed_dict_field(
                core_schema.with_default_schema(core_schema.list_schema(_HISTORY_ENTRY), default_factory=list),
                required=False,
            ),
        },
        extra_behavior="ignore",
    ),
)


def _check_models_not_built(*models: type[BaseModel]) -> None:
    """pydantic-core validates a model whose own validator is built with that validator, whatever schema
    names it; the readers must be built first (``otobo_znuny.models`` imports this module right away)."""
    built = [model.__name__ for model in models if model.__pydantic_complete__]
    if built:
        raise RuntimeError(
            f"the wire readers must be built before {', '.join(built)} is first validated: import "
            "otobo_znuny.wire.replies before using the models (otobo_znuny.models does)"
        )


_check_models_not_built(Ticket, Article, Attachment, HistoryEntry)

TICKET_GET_REPLY = SchemaValidator(_reply({"Ticket": _TICKET}))
"""TicketGet: ``{"Ticket": [Ticket, ...]}`` or ``{"Error": {...}}`` (validate with a ``WireContext``)."""

HISTORY_REPLY = SchemaValidator(_reply({"TicketHistory": _TICKET_HISTORY}))
"""TicketHistoryGet: ``{"TicketHistory": [{"TicketID", "History": [HistoryEntry, ...]}]}``."""

_TICKET_READER = SchemaValidator(_TICKET)
_ARTICLE_READER = SchemaValidator(_ARTICLE)
_ATTACHMENT_READER = SchemaValidator(_ATTACHMENT)
_HISTORY_ENTRY_READER = SchemaValidator(_HISTORY_ENTRY)


# ---- the same, from parsed wire shapes (otobo_znuny.mappers, the compatibility layer) -------------


def ticket_from_wire(wire: WsTicket, tz: tzinfo) -> Ticket:
    """A parsed wire ticket -> ``Ticket``; unknown keys (escalation details, ``Extended`` data...) go to ``extra``.

    Raises:
        pydantic.ValidationError: a value the reader refuses (a ``ValueError``).
    """
    ticket: Ticket = _TICKET_READER.validate_python(wire.model_dump(), context=WireContext(tz))
    return ticket


def article_from_wire(wire: WsArticle, tz: tzinfo) -> Article:
    """A parsed wire article -> ``Article``; unknown keys go to ``extra``.

    Raises:
        pydantic.ValidationError: ``Content`` of an attachment is not base64, or another value the reader refuses.
    """
    article: Article = _ARTICLE_READER.validate_python(wire.model_dump(), context=WireContext(tz))
    return article


def attachment_from_wire(wire: WsAttachment) -> Attachment:
    """A parsed wire attachment -> ``Attachment`` with decoded bytes.

    Raises:
        pydantic.ValidationError: ``Content`` is not base64 (a ``ValueError``).
    """
    attachment: Attachment = _ATTACHMENT_READER.validate_python(wire.model_dump(), context=None)
    return attachment


def dynamic_fields_from_wire(fields: Iterable[WsDynamicField]) -> dict[str, Any]:
    """``[{"Name","Value"}]`` -> ``{name: value}`` (lists stay lists, null stays None)."""
    return {field.Name: field.Value for field in fields}


def history_from_wire(ticket_id: int, wire: WsHistoryEntry, tz: tzinfo) -> HistoryEntry:
    """A parsed wire history line -> ``HistoryEntry`` (``ArticleID`` 0 becomes None)."""
    entry: HistoryEntry = _HISTORY_ENTRY_READER.validate_python(wire.model_dump(), context=WireContext(tz))
    return entry if entry.ticket_id else entry.model_copy(update={"ticket_id": ticket_id})


def session_info_from_wire(entries: Iterable[WsKeyValue]) -> SessionInfo:
    """SessionData -> ``SessionInfo``; ``Serialized`` values are decoded from JSON."""
    data: dict[str, Any] = {}
    for entry in entries:
        value = entry.Value
        if entry.Serialized and isinstance(value, str):
            with contextlib.suppress(ValueError, RecursionError):
                value = json.loads(value)
        data[entry.Key] = value
    data.pop("UserPw", None)
    return SessionInfo(data=data)
