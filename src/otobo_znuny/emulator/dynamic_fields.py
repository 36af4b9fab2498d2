"""Dynamic field value validation and normalisation, per field type (as the Znuny backends do)."""

from __future__ import annotations

import re
from typing import Any

from otobo_znuny.emulator.state import DynamicFieldDef

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

FIELD_TYPES = ("Text", "TextArea", "Dropdown", "Multiselect", "Date", "DateTime", "Checkbox")


class InvalidValue(Exception):
    """The value is of an impossible type (``null``, an object): Znuny reports MissingParameter."""


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise(field: DynamicFieldDef, value: Any) -> tuple[bool, Any]:
    """Validate ``value`` for ``field``.

    Returns ``(ok, stored)`` where ``stored`` is the value to keep (``None`` clears the field).
    Raises :class:`InvalidValue` for ``null`` or object values.
    """
    if value is None or isinstance(value, dict):
        raise InvalidValue(field.name)
    if isinstance(value, str) and value == "":
        return True, None
    if field.field_type == "Multiselect":
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, (dict, list)) or item is None for item in items):
            return False, None
        values = [_scalar(item) for item in items if _scalar(item) != ""]
        if not values:
            return True, None
        if any(item not in field.possible_values for item in values):
            return False, None
        return True, values
    if isinstance(value, list):
        if len(value) != 1 or isinstance(value[0], (dict, list)) or value[0] is None:
            return False, None
        value = value[0]
    text = _scalar(value)
    if field.field_type == "Dropdown":
        return (text in field.possible_values), (text if text in field.possible_values else None)
    if field.field_type == "Date":
        return (bool(_DATE.match(text))), (text if _DATE.match(text) else None)
    if field.field_type == "DateTime":
        return (bool(_DATETIME.match(text))), (text if _DATETIME.match(text) else None)
    if field.field_type == "Checkbox":
        return (text in ("0", "1")), (int(text) if text in ("0", "1") else None)
    # Text / TextArea
    for pattern in field.regex_list:
        if not re.search(pattern, text):
            return False, None
    return True, text


def history_value(value: Any) -> str:
    """How a value appears in a ``TicketDynamicFieldUpdate`` history name: the driver's
    ``ReadableValueRender``, which joins the items of a multi-value field with ``", "`` (O49, O50)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def to_wire(value: Any) -> Any:
    """The JSON value TicketGet shows (``null`` for empty)."""
    if value is None:
        return None
    if isinstance(value, list):
        return list(value)
    return value


_IMPORT_NAME = re.compile(r"[A-Za-z0-9]+")


def import_definitions(fields: dict[str, DynamicFieldDef], document: Any) -> list[str]:
    """Add the fields of an ``Admin::DynamicField::Import`` document (``{"DynamicFields": {name:
    definition}}``, the YAML of Znuny's import and of the admin interface's Import/Export) to ``fields``,
    as the import does without ``--overwrite-existing-configurations``: a field whose name exists
    already, valid or not and of whatever type, is left as it is (``ZnunyHelper.pm``
    ``_DynamicFieldsCreateIfNotExists``). Returns the names added, in the document's order.

    Raises:
        ValueError: the document has no ``DynamicFields`` mapping, or a definition has an invalid name,
            an unknown ``FieldType`` or ``ObjectType`` (Znuny's console prints an error for those).
    """
    definitions = document.get("DynamicFields") if isinstance(document, dict) else None
    if not isinstance(definitions, dict):
        raise ValueError("a dynamic-field import document needs a DynamicFields mapping (name -> definition)")
    checked: list[tuple[str, dict[str, Any]]] = []
    for key, definition in definitions.items():  # all checked before any is added
        if not isinstance(definition, dict):
            raise ValueError(f"dynamic field {key!r}: the definition must be a mapping")
        name = str(definition.get("Name") or key)
        if not _IMPORT_NAME.fullmatch(name):
            raise ValueError(f"dynamic field {name!r}: names are letters and digits only")
        if definition.get("FieldType") not in FIELD_TYPES:
            raise ValueError(f"dynamic field {name!r}: unknown FieldType {definition.get('FieldType')!r}")
        if definition.get("ObjectType", "Ticket") not in ("Ticket", "Article"):
            raise ValueError(f"dynamic field {name!r}: unknown ObjectType {definition.get('ObjectType')!r}")
        checked.append((name, definition))
    added: list[str] = []
    for name, definition in checked:
        if name in fields:
            continue
        config = definition.get("Config") or {}
        possible = config.get("PossibleValues") or {}
        regex_items = config.get("RegExList") or []
        regexes = [item["Value"] for item in regex_items if isinstance(item, dict) and item.get("Value")]
        fields[name] = DynamicFieldDef(
            id=max((f.id for f in fields.values()), default=0) + 1,
            name=name,
            field_type=str(definition["FieldType"]),
            object_type=str(definition.get("ObjectType", "Ticket")),
            label=str(definition.get("Label") or name),
            possible_values={str(k): str(v) for k, v in possible.items()} if isinstance(possible, dict) else {},
            regex_list=regexes,
            valid=str(definition.get("ValidID", 1)) == "1",
        )
        added.append(name)
    return added
