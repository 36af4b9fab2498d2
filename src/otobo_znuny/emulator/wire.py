"""Wire helpers: query-string parsing, JSON encoding/decoding and the error types of the server."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
TEXT_CONTENT_TYPE = "text/plain; charset=UTF-8"


class OperationError(Exception):
    """A business error: HTTP 200 with ``{"Error": {"ErrorCode": ..., "ErrorMessage": ...}}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class OperationFault(Exception):
    """An operation returned ``Success => 0``: HTTP 500, text/plain, ``{"faultcode","faultstring"}``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_CHARSET = re.compile(r"charset=[\"']?([\w-]+)", re.IGNORECASE)


def charset_of(content_type: str) -> str:
    """The ``charset=`` parameter of a Content-Type value as the Perl code extracts it; ``""`` if none."""
    found = _CHARSET.search(content_type)
    return found.group(1) if found else ""


def _decode(raw: str) -> str:
    return unquote_to_bytes(raw.replace("+", " ")).decode("utf-8", errors="replace")


def parse_query_string(query: str) -> dict[str, Any]:
    """Parse a query string the way the GenericInterface REST transport does.

    ``&`` and ``;`` separate pairs, ``+`` is a space, a repeated key becomes a list, a raw ``=``
    inside a value truncates it, and the first occurrence of a key whose value is ``0`` or empty
    is stored as ``""``. Never raises.
    """
    result: dict[str, Any] = {}
    if not query:
        return result
    for pair in query.replace(";", "&").split("&"):
        if not pair:
            continue
        pieces = pair.split("=")
        key = _decode(pieces[0])
        value = _decode(pieces[1]) if len(pieces) > 1 else ""
        if key in result:
            existing = result[key]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[key] = [existing, value]
        else:
            result[key] = value if value not in ("0", "") else ""
    return result


def booleans_to_ints(value: Any) -> Any:
    """JSON ``true``/``false`` become ``1``/``0`` recursively (Znuny's ``_BooleansProcess``)."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, dict):
        return {k: booleans_to_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [booleans_to_ints(v) for v in value]
    return value


def encode_json(data: Any, *, sort_keys: bool = True) -> bytes:
    """No ASCII escaping, U+2028/U+2029 escaped (both servers' JSON encoders); keys sorted (Znuny's
    ``SortKeys``) unless ``sort_keys=False`` (then in the order of ``data``)."""
    text = json.dumps(data, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


def is_digits(text: str) -> bool:
    """Whether ``text`` is a non-empty run of ASCII digits (``str.isdigit`` also takes ``"²"``, which
    ``int()`` refuses, and ``"١"``, which it reads as 1: an ID such as ``"١"`` names no object here)."""
    return text.isascii() and text.isdigit()


def is_true(value: Any) -> bool:
    """Perl truth: ``0``, ``"0"``, ``""`` and ``None`` are false; a list or dict (a reference in Perl)
    is true, even when empty."""
    if value is None:
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (list, dict)):
        return True
    return bool(value)


def is_string_with_data(value: Any) -> bool:
    """Perl ``IsStringWithData``: a non-empty scalar (numbers count as strings). A JSON boolean
    (which reaches the operations only on OTOBO 11, as a JSON::XS object: a reference) is none."""
    if isinstance(value, (dict, list, bool)) or value is None:
        return False
    return str(value) != ""


def as_str(value: Any) -> str:
    """A scalar rendered as Perl would (``15`` not ``15.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a JSON::XS boolean stringifies as 1 / 0
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_list(value: Any) -> list[Any]:
    """String-or-list parameter to a list (``None`` and ``""`` become ``[]``)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]
