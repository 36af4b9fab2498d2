"""Query dicts for ``find_tickets``/``find_first_ticket``: GenericInterface TicketSearch parameters,
checked against the server's full parameter list and turned into a typed ``TicketSearch``.

    {"Queues": ["Raw"], "StateType": ["open"], "DynamicField_OrderID": {"Equals": "A-1"}, "Limit": 10}

The server ignores a key it does not know and then matches every ticket, so an unknown key, a
misspelling (``Body`` instead of ``MIMEBase_Body``) or a malformed value raises
``InvalidQueryError`` naming the key before anything is sent. Parameters the server accepts but the
typed ``TicketSearch`` cannot express yet are refused with a reason (``UNSUPPORTED_QUERY_KEYS``),
never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any, get_args

from pydantic import ValidationError

from otobo_znuny.adapter.errors import InvalidQueryError
from otobo_znuny.adapter.values import Checker, first_problem, unknown_key_problem
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import IdName
from otobo_znuny.models.search import SortOrder, StateType, TicketSearch, TimeFilter
from otobo_znuny.wire import mapping as wire

__all__ = ["QUERY_KEYS", "UNSUPPORTED_QUERY_KEYS", "dynamic_field_key", "query_to_search"]

_check = Checker(InvalidQueryError)

# The wire vocabulary comes from the one mapping layer, read in the other direction.
# wire key -> (TicketSearch field, "name" | "id")
_NAME_OR_ID_LISTS: dict[str, tuple[str, str]] = {
    **{name_key: (field, "name") for field, name_key, _ in wire.SEARCH_ID_NAME_LISTS if name_key},
    **{id_key: (field, "id") for field, _, id_key in wire.SEARCH_ID_NAME_LISTS},
}
_ID_KEY_OF_FIELD = {field: key for key, (field, kind) in _NAME_OR_ID_LISTS.items() if kind == "id"}
_TEXT_LISTS = {key: field for field, key in wire.SEARCH_STRING_LISTS if key != "StateType"}  # StateType: own check
_TEXTS = {**{key: field for field, key in wire.SEARCH_ARTICLE_TEXT}, "Fulltext": "fulltext"}
_TIME_PREFIXES = {prefix: field for field, prefix in wire.SEARCH_TIME_PREFIXES.items()}
_TIME_SUFFIXES = ("NewerMinutes", "OlderMinutes", "NewerDate", "OlderDate")
_TIME_KEYS = {prefix + suffix: (prefix, suffix) for prefix in _TIME_PREFIXES for suffix in _TIME_SUFFIXES}
_DF_OPERATORS = {**{key: field for field, key in wire.SEARCH_DF_OPERATORS}, "Empty": "empty"}
_OTHER_KEYS = (
    "TicketID",
    "StateType",
    "UseSubQueues",
    "ContentSearch",
    "SearchInArchive",
    "SortBy",
    "OrderBy",
    "Limit",
    "DynamicField",
)

QUERY_KEYS: frozenset[str] = frozenset((*_NAME_OR_ID_LISTS, *_TEXT_LISTS, *_TEXTS, *_TIME_KEYS, *_OTHER_KEYS))
"""Every accepted key, besides ``DynamicField_<Name>``."""

_NOT_IN_TICKET_SEARCH = "accepted by the server, but otobo-znuny's TicketSearch cannot express it yet"
UNSUPPORTED_QUERY_KEYS: Mapping[str, str] = {
    "StateTypeIDs": f"{_NOT_IN_TICKET_SEARCH}; use StateType (names)",
    "FullTextIndex": _NOT_IN_TICKET_SEARCH,
    **{
        key: "a legacy time-slot/time-point switch; use the ...NewerDate/...OlderDate/...NewerMinutes/"
        "...OlderMinutes parameters instead"
        for key in ("TimeSearchType", "ChangeTimeSearchType", "LastChangeTimeSearchType", "CloseTimeSearchType")
    },
}
"""Keys the server knows that are refused, with the reason (``TicketCreateTimePoint`` and the other
legacy time-slot keys are refused the same way)."""

_LEGACY_TIME = re.compile(
    r"^(TicketCreateTime|TicketChangeTime|TicketLastChangeTime|TicketCloseTime)"
    r"(Point|PointFormat|PointStart|Start(Day|Month|Year)|Stop(Day|Month|Year))$"
)
_CREDENTIAL_KEYS = ("UserLogin", "CustomerUserLogin", "Password", "SessionID", "TwoFactorToken")
_HINTS = {
    "Body": "MIMEBase_Body",
    "Subject": "MIMEBase_Subject",
    "From": "MIMEBase_From",
    "To": "MIMEBase_To",
    "Cc": "MIMEBase_Cc",
    "Queue": "Queues",
    "QueueID": "QueueIDs",
    "State": "States",
    "StateID": "StateIDs",
    "StateTypes": "StateType",
    "Priority": "Priorities",
    "PriorityID": "PriorityIDs",
    "Type": "Types",
    "TypeID": "TypeIDs",
    "Lock": "Locks",
    "Service": "Services",
    "SLA": "SLAs",
    "Owner": "OwnerIDs",
    "OwnerID": "OwnerIDs",
    "Responsible": "ResponsibleIDs",
    "CustomerUser": "CustomerUserLogin",
    "TicketIDs": "TicketID",
    "TicketNumbers": "TicketNumber",
    "FullText": "Fulltext",
}
_STATE_TYPES: tuple[str, ...] = get_args(StateType)
_SEARCH_IN_ARCHIVE = ("AllTickets", "ArchivedTickets", "NotArchivedTickets")


def query_to_search(query: Mapping[str, Any], *, known_dynamic_fields: Collection[str] | None = None) -> TicketSearch:
    """Check a query dict and build the equivalent ``TicketSearch``.

    ``known_dynamic_fields``, when given, lists the dynamic fields that exist on the server: the
    server ignores a condition on an unknown field (and then matches every ticket), so such names
    are refused too.

    Raises:
        InvalidQueryError: an unknown or refused key, a malformed value, or a contradictory
            combination; ``field`` names the key.
    """
    if not isinstance(query, Mapping):
        _check.fail("query", f"expected a dict of TicketSearch parameters, got {type(query).__name__}")
    builder = _SearchBuilder(known_dynamic_fields)
    for key, value in query.items():
        if not isinstance(key, str):
            _check.fail(repr(key), "query keys are parameter names (strings)")
        builder.add(key, value)
    return builder.build()


class _SearchBuilder:
    """Collects ``TicketSearch`` arguments key by key, remembering which key set which field."""

    def __init__(self, known_dynamic_fields: Collection[str] | None) -> None:
        self.known_fields = None if known_dynamic_fields is None else set(known_dynamic_fields)
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}  # TicketSearch field -> query key
        self.times: dict[str, dict[str, tuple[str, datetime | timedelta]]] = {}  # prefix -> bound -> (key, point)
        self.field_filters: list[tuple[str, dict[str, Any]]] = []  # (query key, filter arguments)

    def _set(self, field: str, key: str, value: Any) -> None:
        _check.set_once(self.values, self.sources, field, key, value)

    def add(self, key: str, value: Any) -> None:
        if key in _NAME_OR_ID_LISTS:
            field, kind = _NAME_OR_ID_LISTS[key]
            items = (
                [IdName(id=i) for i in _check.int_list(value, key)]
                if kind == "id"
                else [IdName(name=n) for n in _check.name_list(value, key, _ID_KEY_OF_FIELD.get(field))]
            )
            self._set(field, key, items)
        elif key in _TEXT_LISTS:
            self._set(_TEXT_LISTS[key], key, _check.text_list(value, key))
        elif key in _TEXTS:
            self._set(_TEXTS[key], key, _check.text(value, key))
        elif key in _TIME_KEYS:
            self._time(key, value)
        elif key == "TicketID":
            self._set("ticket_ids", key, _check.int_list(value, key))
        elif key == "StateType":
            self._set("state_types", key, self._state_types(value))
        elif key == "UseSubQueues":
            self._set("use_sub_queues", key, _check.flag(value, key))
        elif key == "ContentSearch":
            self._set("content_search", key, _check.choice(value, key, ("AND", "OR")))
        elif key == "SearchInArchive":
            self._set("search_in_archive", key, _check.choice(value, key, _SEARCH_IN_ARCHIVE))
        elif key == "SortBy":
            self._set("sort_by", key, _check.text_list(value, key))
        elif key == "OrderBy":
            orders = value if isinstance(value, (list, tuple)) else [value]
            if not orders:
                _check.fail(key, "an empty list; leave the key out instead")
            self._set("order_by", key, [_check.choice(o, key, [s.value for s in SortOrder]) for o in orders])
        elif key == "Limit":
            self._set("limit", key, _check.positive_int(value, key))
        elif key == "DynamicField":
            self._dynamic_field_list(value)
        elif key.startswith("DynamicField_"):
            self._dynamic_field_legacy(key, value)
        else:
            _check.fail(key, self._unknown(key))

    @staticmethod
    def _unknown(key: str) -> str:
        if key in UNSUPPORTED_QUERY_KEYS:
            return UNSUPPORTED_QUERY_KEYS[key]
        if _LEGACY_TIME.match(key):
            return UNSUPPORTED_QUERY_KEYS["TimeSearchType"]
        if key in _CREDENTIAL_KEYS:
            return "credentials come from the adapter configuration, not from the query"
        problem = unknown_key_problem(key, QUERY_KEYS, _HINTS, "TicketSearch parameter")
        return f"{problem} (the server would ignore it and match every ticket)"

    @staticmethod
    def _state_types(value: Any) -> list[str]:
        names = _check.text_list(value, "StateType")
        for index, name in enumerate(names):
            if name not in _STATE_TYPES:
                field = f"StateType[{index}]" if isinstance(value, (list, tuple)) else "StateType"
                _check.fail(
                    field,
                    f"{name!r} is not a state type; the GenericInterface looks names up literally "
                    f"(Open/Closed do not work), use {', '.join(_STATE_TYPES)}",
                )
        return names

    def _time(self, key: str, value: Any) -> None:
        prefix, suffix = _TIME_KEYS[key]
        if suffix.endswith("Minutes"):
            minutes = _check.integer(value, key)
            if minutes < 0 and not prefix.startswith("TicketEscalation"):
                _check.fail(key, "must not be negative (only the TicketEscalation* prefixes look into the future)")
            point: datetime | timedelta = timedelta(minutes=minutes)
        else:
            point = _check.server_time(value, key)
        bound = "newer_than" if suffix.startswith("Newer") else "older_than"
        window = self.times.setdefault(prefix, {})
        if bound in window:
            _check.fail(key, f"give {window[bound][0]} or {key}, not both")
        window[bound] = (key, point)
        self.sources.setdefault(_TIME_PREFIXES[prefix], key)

    def _dynamic_field_list(self, value: Any) -> None:
        items = value if isinstance(value, (list, tuple)) else [value]
        if not items:
            _check.fail("DynamicField", "an empty list; leave the key out instead")
        for index, item in enumerate(items):
            key = f"DynamicField[{index}]" if isinstance(value, (list, tuple)) else "DynamicField"
            spec = dict(_check.mapping(item, key))
            if "Name" not in spec:
                _check.fail(f"{key}.Name", "missing: name the dynamic field to search")
            name = self._field_name(spec.pop("Name"), f"{key}.Name")
            self._field_filter(key, name, spec)

    def _dynamic_field_legacy(self, key: str, value: Any) -> None:
        name = self._field_name(key[len("DynamicField_") :], key)
        self._field_filter(key, name, dict(_check.mapping(value, key)))

    def _field_name(self, value: Any, key: str) -> str:
        why = " (the server would ignore the condition and match every ticket)"
        return _check.dynamic_field_name(value, key, self.known_fields, why)

    def _field_filter(self, key: str, name: str, spec: dict[str, Any]) -> None:
        if not spec:
            _check.fail(key, f"needs an operator: {', '.join(_DF_OPERATORS)}")
        arguments: dict[str, Any] = {"field_name": name}
        for operator, operand in spec.items():
            where = f"{key}.{operator}"
            if operator not in _DF_OPERATORS:
                _check.fail(where, unknown_key_problem(str(operator), _DF_OPERATORS, {}, "dynamic-field operator"))
            arguments[_DF_OPERATORS[operator]] = self._operand(operator, operand, where)
        if any(name == existing["field_name"] for _, existing in self.field_filters):
            _check.fail(key, f"dynamic field {name!r} appears twice; put all its operators in one condition")
        self.field_filters.append((key, arguments))

    @staticmethod
    def _operand(operator: str, value: Any, where: str) -> Any:
        if operator == "Empty":
            return _check.flag(value, where)
        if isinstance(value, (list, tuple)):
            if operator not in ("Equals", "Like"):
                _check.fail(where, f"{_NOT_IN_TICKET_SEARCH}: a list of values for {operator}")
            return _check.text_list(value, where)
        if operator == "Like":
            return _check.text(value, where)
        if isinstance(value, datetime):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return _check.text(value, where)

    def build(self) -> TicketSearch:
        self._check_combinations()
        values = dict(self.values)
        for prefix, window in self.times.items():
            values[_TIME_PREFIXES[prefix]] = TimeFilter(**{bound: point for bound, (_, point) in window.items()})
        if self.field_filters:
            values["dynamic_fields"] = [arguments for _, arguments in self.field_filters]
            self.sources["dynamic_fields"] = self.field_filters[0][0]
        try:
            search = TicketSearch(**values)
        except ValidationError as error:
            location, problem = first_problem(error)
            raise InvalidQueryError(self._key_of(location), problem) from None
        try:
            search.check_sendable()  # what the server would misread, checked before anything is sent
        except RequestValidationError as error:
            location = tuple(error.field.replace("[", ".").replace("]", "").split("."))
            raise InvalidQueryError(self._key_of(location), error.problem) from None
        return search

    def _key_of(self, location: tuple[Any, ...]) -> str:
        """The query key that set the search field at ``location``."""
        if not location:
            return "query"
        if location[0] == "dynamic_fields" and len(location) > 1:
            return self.field_filters[int(location[1])][0]
        return self.sources.get(str(location[0]), "query")

    def _check_combinations(self) -> None:
        sources = self.sources
        if "order_by" in sources and "sort_by" not in sources:
            _check.fail("OrderBy", "needs SortBy")
        if "order_by" in sources and len(self.values["order_by"]) > len(self.values["sort_by"]):
            _check.fail("OrderBy", "has more entries than SortBy")
        article_fields = [field for key, field in _TEXTS.items() if key.startswith("MIMEBase_")]
        if "content_search" in sources and not any(field in sources for field in article_fields):
            _check.fail("ContentSearch", "needs at least one MIMEBase_* parameter")
        if self.values.get("use_sub_queues") and "queues" not in sources:
            _check.fail("UseSubQueues", "needs Queues or QueueIDs")


def dynamic_field_key(query: Mapping[str, Any], name: str) -> str:
    """The key of ``query`` that names the dynamic field ``name`` (for error messages): the legacy
    ``DynamicField_<name>`` key, ``DynamicField[i].Name`` of the list form, or ``SortBy``."""
    if f"DynamicField_{name}" in query:
        return f"DynamicField_{name}"
    items = query.get("DynamicField")
    if isinstance(items, Mapping) and items.get("Name") == name:
        return "DynamicField.Name"
    if isinstance(items, (list, tuple)):
        for index, item in enumerate(items):
            if isinstance(item, Mapping) and item.get("Name") == name:
                return f"DynamicField[{index}].Name"
    return "SortBy"
