"""Ticket data dicts for ``update_ticket``/``create_ticket``: GenericInterface field names, checked and
turned into ``TicketUpdate``/``TicketCreate``.

    {"State": "open", "Priority": "4 high", "DynamicField": {"OrderID": "A-1"},
     "Article": {"Subject": "Triage", "Body": "Routed by the classifier."}}

Keys are the fields of the server's ``Ticket`` object (``Title``, ``Queue``/``QueueID``, ``State``/
``StateID``, ``Priority``, ``Type``, ``Lock``, ``Owner``, ``Responsible``, ``Service``, ``SLA``,
``CustomerUser``, ``CustomerID``, ``PendingTime``) plus ``DynamicField`` (``{name: value}``, or the
wire's list of ``{"Name", "Value"}`` objects; a dict is always ``{name: value}``), ``Article`` and
``Attachment``. Anything else raises
``InvalidTicketDataError`` naming the key; nothing is silently dropped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import ValidationError

from otobo_znuny.adapter.errors import InvalidTicketDataError
from otobo_znuny.adapter.values import Checker, first_problem, unknown_key_problem
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import CLEAR, IdName
from otobo_znuny.models.ticket import Article, Attachment, TicketCreate, TicketUpdate
from otobo_znuny.wire import keys
from otobo_znuny.wire.keys import Read

__all__ = ["ARTICLE_KEYS", "TICKET_DATA_KEYS", "data_to_create", "data_to_update"]

_check = Checker(InvalidTicketDataError)

# The wire vocabulary comes from the declared key tables (wire.keys), the ones requests are built with.
# wire key -> (model field, "name" | "id")
_REFS: dict[str, tuple[str, str]] = {
    key: (field, kind)
    for field, name_key, id_key in keys.id_name_keys(keys.TICKET_KEYS)
    for key, kind in ((name_key, "name"), (id_key, "id"))
}
_TEXTS = keys.request_keys(keys.TICKET_KEYS, Read.TEXT, Read.TEXT_OR_NONE)  # Title, CustomerUser, CustomerID
TICKET_DATA_KEYS: frozenset[str] = frozenset(
    (*_REFS, *_TEXTS, keys.PENDING_TIME_KEY, "DynamicField", "Article", "Attachment")
)
"""Every accepted top-level key of a data dict."""

_ARTICLE_KEY = {field: key for key, field in keys.request_keys(keys.ARTICLE_KEYS).items()}
_ARTICLE_CHOICES = {
    _ARTICLE_KEY["communication_channel"]: ("communication_channel", ("Internal", "Email", "Phone")),
    _ARTICLE_KEY["sender_type"]: ("sender_type", ("agent", "customer", "system")),
}
_ARTICLE_TEXTS = {
    key: field
    for key, field in keys.request_keys(keys.ARTICLE_KEYS, Read.TEXT, Read.TEXT_OR_NONE).items()
    if key not in _ARTICLE_CHOICES
}
_ARTICLE_FLAGS = keys.request_keys(keys.ARTICLE_KEYS, Read.FLAG)  # IsVisibleForCustomer
_ARTICLE_NUMBERS = keys.request_keys(keys.ARTICLE_KEYS, Read.NUMBER)  # TimeUnit
ARTICLE_KEYS: frozenset[str] = frozenset(
    (*_ARTICLE_TEXTS, *_ARTICLE_CHOICES, *_ARTICLE_FLAGS, *_ARTICLE_NUMBERS, "MimeType", "Charset")
)
"""Every accepted key of ``Article``."""

_ARTICLE_UNSUPPORTED = (
    "HistoryType",
    "HistoryComment",
    "AutoResponseType",
    "NoAgentNotify",
    "ArticleSend",
    "Sign",
    "Crypt",
    "AppendSignatureToBody",
    "ForceNotificationToUserID",
    "ExcludeNotificationToUserID",
    "ExcludeMuteNotificationToUserID",
    "CommunicationChannelID",
    "SenderTypeID",
    "DynamicField",
    "Attachment",
)
_ARTICLE_HINTS = {
    "CommunicationChannelID": "CommunicationChannel",
    "SenderTypeID": "SenderType",
    "DynamicField": "DynamicField (top level: article fields are set there too)",
    "Attachment": "Attachment (top level)",
}
_DATA_HINTS = {
    "Queues": "Queue",
    "States": "State",
    "Priorities": "Priority",
    "DynamicFields": "DynamicField",
    "Articles": "Article",
    "Attachments": "Attachment",
    "Note": "Article",
    "CustomerUserLogin": "CustomerUser",
}
_REFUSED = {
    "TicketID": "the ticket is named by the ticket_id argument",
    "TicketNumber": "the ticket is named by the ticket_id argument",
    "UserLogin": "credentials come from the adapter configuration",
    "CustomerUserLogin": "credentials come from the adapter configuration; the ticket's customer is CustomerUser",
    "Password": "credentials come from the adapter configuration",
    "SessionID": "credentials come from the adapter configuration",
    "Ticket": "give the ticket's fields at the top level ({'State': 'open'}), not nested under 'Ticket'",
}
_DATA_KEY_OF_FIELD: dict[str, str] = {
    **{field: key for key, (field, kind) in _REFS.items() if kind == "name"},
    **{field: key for key, field in _TEXTS.items()},
    "pending_time": keys.PENDING_TIME_KEY,
    "dynamic_fields": "DynamicField",
    "attachments": "Attachment",
}
_SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a model field named in a library message


def _in_data_words(problem: str) -> str:
    """``problem`` with the model's field names (``pending_time``) replaced by data keys (``PendingTime``)."""
    return _SNAKE_CASE.sub(lambda found: _DATA_KEY_OF_FIELD.get(found.group(0), found.group(0)), problem)


_Model = TypeVar("_Model", TicketUpdate, TicketCreate)
_PENDING_PARTS = ("Year", "Month", "Day", "Hour", "Minute")
_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_TIME_UNIT = re.compile(r"^\s*\d+([.,]\d+)?\s*$")


def data_to_update(
    ticket_id: int, data: Mapping[str, Any], *, known_dynamic_fields: Collection[str] | None = None
) -> TicketUpdate:
    """Check a data dict and build the ``TicketUpdate`` of ticket ``ticket_id``.

    ``CustomerUser: ""`` (or ``None``) is accepted only together with a non-empty ``CustomerID``: the
    server changes the customer only when one of the two is non-empty, so clearing the customer user
    alone would do nothing. A ``DynamicField`` value ``""`` or ``None`` clears the field.
    ``known_dynamic_fields``, when given, refuses other field names.

    Raises:
        InvalidTicketDataError: an unknown key, a malformed value, a contradictory combination, or
            data that changes nothing.
    """
    reader = _DataReader(known_dynamic_fields, create=False)
    values = reader.read(data)
    if not values:
        _check.fail("data", "changes nothing: give at least one field to update")
    if "pending_time" in values and "state" not in values:  # CONTRACT.md TicketUpdate "Pending"
        _check.fail(
            keys.PENDING_TIME_KEY,
            "the server sets a pending time only with a state change and ignores it alone: give the pending "
            "State (or StateID) too",
        )
    return reader.build(TicketUpdate, {"id": ticket_id, **values})


def data_to_create(data: Mapping[str, Any], *, known_dynamic_fields: Collection[str] | None = None) -> TicketCreate:
    """Check a data dict and build a ``TicketCreate``. ``Title``, ``Queue``/``QueueID``,
    ``CustomerUser`` and ``Article`` are required; ``State``/``Priority`` default to the client's
    defaults (``new``, ``3 normal``).

    Raises:
        InvalidTicketDataError: a missing required key, an unknown key or a malformed value.
    """
    reader = _DataReader(known_dynamic_fields, create=True)
    values = reader.read(data)
    for key, field in (
        ("Title", "title"),
        ("Queue", "queue"),
        ("CustomerUser", "customer_user"),
        ("Article", "article"),
    ):
        if field not in values:
            _check.fail(key, "required to create a ticket" + (" (or QueueID)" if key == "Queue" else ""))
    return reader.build(TicketCreate, values)


class _DataReader:
    """Reads a data dict into model arguments, remembering which key set which field."""

    def __init__(self, known_dynamic_fields: Collection[str] | None, *, create: bool) -> None:
        self.known_fields = None if known_dynamic_fields is None else set(known_dynamic_fields)
        self.create = create
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}

    def _set(self, field: str, key: str, value: Any) -> None:
        _check.set_once(self.values, self.sources, field, key, value)

    def read(self, data: Mapping[str, Any]) -> dict[str, Any]:
        _check.mapping(data, "data")
        for key, value in data.items():
            if key in _REFS:
                field, kind = _REFS[key]
                if kind == "id":
                    ref = IdName(id=_check.positive_int(value, key))
                else:
                    ref = IdName(name=_check.name(value, key, f"{key}ID"))
                self._set(field, key, ref)
            elif key in _TEXTS:
                self._set(_TEXTS[key], key, self._text_field(key, value))
            elif key == keys.PENDING_TIME_KEY:
                self._set("pending_time", key, _pending_time(value))
            elif key == "DynamicField":
                self._set("dynamic_fields", key, self._dynamic_fields(value))
            elif key == "Article":
                self._set("article", key, _article(value))
            elif key != "Attachment":
                problem = _REFUSED.get(key) or unknown_key_problem(key, TICKET_DATA_KEYS, _DATA_HINTS, "ticket field")
                _check.fail(key, problem)
        if "Attachment" in data:
            self._attach(data["Attachment"])
        self._check_combinations()
        return self.values

    def _text_field(self, key: str, value: Any) -> Any:
        if key == "CustomerUser" and not self.create and (value is None or value == ""):
            return CLEAR  # clears the customer user; _check_combinations needs a CustomerID with it
        return _check.text(value, key)

    def _dynamic_fields(self, value: Any) -> dict[str, Any]:
        # A dict is always {name: value}; the wire's {"Name", "Value"} objects only come in a list.
        pairs: list[tuple[str, str, Any]] = []
        if isinstance(value, Mapping):
            pairs = [(f"DynamicField.{name}", name, item) for name, item in value.items()]
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                entry = _check.mapping(item, f"DynamicField[{index}]")
                if set(entry) != {"Name", "Value"}:
                    _check.fail(f"DynamicField[{index}]", 'expected {"Name": ..., "Value": ...}')
                pairs.append((f"DynamicField[{index}]", entry["Name"], entry["Value"]))
        else:
            _check.fail("DynamicField", "expected {name: value} or a list of {'Name', 'Value'} objects")
        if not pairs:
            _check.fail("DynamicField", "empty; leave the key out instead")
        fields: dict[str, Any] = {}
        for where, name, item in pairs:
            name = _check.dynamic_field_name(name, where, self.known_fields)
            if name in fields:
                _check.fail(where, f"dynamic field {name!r} is given twice")
            fields[name] = _field_value(item, where, clear="" if self.create else CLEAR)
        return fields

    def _attach(self, value: Any) -> None:
        if "article" not in self.values:
            _check.fail("Attachment", "needs an Article in the same data (attachments belong to an article)")
        items = value if isinstance(value, (list, tuple)) else [value]
        if not items:
            _check.fail("Attachment", "empty; leave the key out instead")
        attachments = [
            _attachment(item, f"Attachment[{index}]" if isinstance(value, (list, tuple)) else "Attachment")
            for index, item in enumerate(items)
        ]
        article: Article = self.values["article"]
        self.values["article"] = article.model_copy(update={"attachments": attachments})

    def _check_combinations(self) -> None:
        # customer_id without customer_user and a pending state without pending_time are refused by
        # TicketUpdate's own validators (build() names the key).
        values = self.values
        if values.get("customer_user") is CLEAR and not values.get("customer_id"):
            _check.fail(
                "CustomerUser",
                "clearing it needs a non-empty CustomerID in the same update "
                "(the server changes the customer only when CustomerUser or CustomerID is non-empty)",
            )

    def build(self, model: type[_Model], values: dict[str, Any]) -> _Model:
        try:
            built = model(**values)
        except ValidationError as error:
            location, problem = first_problem(error)
            if not location:  # a model-level check: its message starts with the field it is about
                location = (problem.split(" ", 1)[0],)
            raise InvalidTicketDataError(self._key_of(location), _in_data_words(problem)) from None
        try:
            built.check_sendable()  # what the server would refuse, checked before anything is sent
        except RequestValidationError as error:
            raise InvalidTicketDataError(
                self._key_of(tuple(error.field.split("."))), _in_data_words(error.problem)
            ) from None
        return built

    def _key_of(self, location: tuple[Any, ...]) -> str:
        """The data key that set the model field at ``location``."""
        if location[0] == "article" and len(location) > 1:
            return f"Article.{_ARTICLE_NAMES.get(str(location[1]), location[1])}"
        return self.sources.get(str(location[0]), "data")


_ARTICLE_NAMES = {field: key for key, field in _ARTICLE_TEXTS.items()}


def _pending_time(value: Any) -> datetime | timedelta:
    """``{"Diff": minutes}``, ``{"Year", "Month", "Day", "Hour", "Minute"}`` (server time) or a time string."""
    if isinstance(value, Mapping):
        if set(value) == {"Diff"}:
            minutes = _check.integer(value["Diff"], "PendingTime.Diff")
            if minutes < 0:
                _check.fail("PendingTime.Diff", "must not be negative")
            return timedelta(minutes=minutes)
        if set(value) == set(_PENDING_PARTS):
            year, month, day, hour, minute = (
                _check.integer(value[part], f"PendingTime.{part}") for part in _PENDING_PARTS
            )
            try:
                return datetime(year, month, day, hour, minute)
            except ValueError as exc:
                _check.fail("PendingTime", f"not a valid date and time: {exc}")
        _check.fail("PendingTime", 'expected {"Diff": minutes} or {"Year", "Month", "Day", "Hour", "Minute"}')
    return _check.server_time(value, "PendingTime")


def _field_value(value: Any, where: str, *, clear: Any) -> Any:
    """A dynamic-field value to write: text, an integer, a list, a date, or ``clear`` for ``""``/None."""
    if value is None or value == "":
        return clear
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (str, int, datetime, date)):
        return value
    if isinstance(value, (list, tuple)):
        return [_check.text(item, f"{where}[{index}]") for index, item in enumerate(value)]
    _check.fail(where, f"expected text, an integer, a list or null, got {type(value).__name__}")


def _article(value: Any) -> Article:
    spec = _check.mapping(value, "Article")
    arguments: dict[str, Any] = {}
    for key, item in spec.items():
        where = f"Article.{key}"
        if key in _ARTICLE_TEXTS:
            text = _check.text(item, where)
            if key == "ContentType":
                if not isinstance(item, str):
                    _check.fail(where, f"expected a MIME type like 'text/plain' (text), got {item!r}")
                _mime_type(text.split(";", 1)[0], where)
            arguments[_ARTICLE_TEXTS[key]] = text
        elif key in _ARTICLE_CHOICES:
            field, allowed = _ARTICLE_CHOICES[key]
            arguments[field] = _check.choice(item, where, allowed)
        elif key in _ARTICLE_FLAGS:
            arguments[_ARTICLE_FLAGS[key]] = _check.flag(item, where)
        elif key in _ARTICLE_NUMBERS:
            arguments[_ARTICLE_NUMBERS[key]] = _time_unit(item, where)
        elif key not in ("MimeType", "Charset"):
            if key in _ARTICLE_UNSUPPORTED:
                hint = f"; use {_ARTICLE_HINTS[key]}" if key in _ARTICLE_HINTS else ""
                _check.fail(where, f"accepted by the server, but not supported by the adapter{hint}")
            _check.fail(where, unknown_key_problem(key, ARTICLE_KEYS, {}, "article field"))
    if "MimeType" in spec or "Charset" in spec:
        if "ContentType" in spec:
            _check.fail("Article.MimeType", "give ContentType or MimeType + Charset, not both")
        mime = _mime_type(_check.text(spec.get("MimeType"), "Article.MimeType"), "Article.MimeType")
        charset = _check.text(spec.get("Charset"), "Article.Charset")
        arguments["content_type"] = f"{mime}; charset={charset}"
    for key in ("Subject", "Body"):
        if key not in spec:
            _check.fail(f"Article.{key}", "required")
    try:
        return Article(**arguments)
    except ValidationError as error:
        location, problem = first_problem(error)
        field = _ARTICLE_NAMES.get(str(location[0]), str(location[0])) if location else ""
        raise InvalidTicketDataError(f"Article.{field}" if field else "Article", problem) from None


def _mime_type(value: str, where: str) -> str:
    if not _MIME.match(value.strip()):
        _check.fail(where, f"expected a MIME type like 'text/plain' (type/subtype), got {value!r}")
    return value


def _time_unit(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        _check.fail(where, f"expected a number, got {type(value).__name__}")
    if isinstance(value, str):
        if not _TIME_UNIT.match(value):
            _check.fail(where, f"expected a number such as 15 or 0.5, got {value!r}")
        value = value.replace(",", ".")
    number = float(value)
    if number < 0:
        _check.fail(where, "must not be negative")
    return number


def _attachment(value: Any, where: str) -> Attachment:
    spec = _check.mapping(value, where)
    allowed = set(_ATTACHMENT_FIELDS)
    for key in spec:
        if key not in allowed:
            _check.fail(f"{where}.{key}", unknown_key_problem(key, allowed, {}, "attachment field"))
    filename = _check.text(spec.get("Filename"), f"{where}.Filename")
    encoded = spec.get("Content")
    if not isinstance(encoded, str) or not encoded.strip():
        _check.fail(f"{where}.Content", "required: the file's bytes, base64-encoded (empty files cannot be sent)")
    try:
        content = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        _check.fail(f"{where}.Content", "is not valid base64")
    arguments: dict[str, Any] = {"filename": filename, "content": content}
    if "ContentType" in spec:
        arguments["content_type"] = _check.text(spec["ContentType"], f"{where}.ContentType")
    if "Disposition" in spec:
        arguments["disposition"] = _check.choice(spec["Disposition"], f"{where}.Disposition", ("attachment", "inline"))
    if "ContentID" in spec:
        arguments["content_id"] = _check.text(spec["ContentID"], f"{where}.ContentID")
    try:
        return Attachment(**arguments)
    except ValidationError as error:
        location, problem = first_problem(error)
        key = _ATTACHMENT_NAMES.get(str(location[0]), "Content") if location else "Content"
        raise InvalidTicketDataError(f"{where}.{key}", problem) from None


_ATTACHMENT_FIELDS = keys.request_keys(keys.ATTACHMENT_KEYS)  # Filename, Content, ContentType, Disposition, ContentID
_ATTACHMENT_NAMES = {field: key for key, field in _ATTACHMENT_FIELDS.items()}
