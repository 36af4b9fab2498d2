"""Checks of single values in query and data dicts; each failure names the key it came from.

``Checker(InvalidQueryError)`` and ``Checker(InvalidTicketDataError)`` share the same rules, so a
value is read the same way in a query as in ticket data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, NoReturn

from pydantic import ValidationError

from otobo_znuny.errors import RequestValidationError, validation_message

__all__ = ["Checker", "first_problem", "unknown_key_problem"]

_DIGITS = re.compile(r"^\s*\d+\s*$")
_DF_NAME = re.compile(r"^[A-Za-z0-9]+$")
_SERVER_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def unknown_key_problem(key: str, known: Iterable[str], hints: Mapping[str, str], what: str) -> str:
    """The message for an unknown ``key``: what it would have done, and the likely intended key."""
    suggestion = hints.get(key)
    if suggestion is None:
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
        if not close:
            lowered = {name.lower(): name for name in known}
            close = [lowered[key.lower()]] if key.lower() in lowered else []
        suggestion = close[0] if close else None
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    return f"unknown {what}{hint}"


def first_problem(error: ValidationError) -> tuple[tuple[str | int, ...], str]:
    """The location and the message (without the location) of a model's first validation error."""
    location = tuple(error.errors(include_url=False)[0]["loc"])
    _, _, problem = validation_message(error).partition(": ")
    return location, problem


class Checker:
    """Value rules that raise ``error(field, problem)``."""

    def __init__(self, error: type[RequestValidationError]) -> None:
        self.error = error

    def fail(self, field: str, problem: str) -> NoReturn:
        """Raise the checker's error for ``field``."""
        raise self.error(field, problem)

    def text(self, value: Any, field: str) -> str:
        """A non-blank string (numbers are accepted and turned into text)."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(field, f"expected text, got {type(value).__name__}")
        result = str(value)
        if not result.strip():
            self.fail(field, "must not be empty")
        return result

    def name(self, value: Any, field: str, id_key: str | None = None) -> str:
        """A non-blank name; a number is refused (it is probably an ID meant for ``id_key``)."""
        if isinstance(value, int) and not isinstance(value, bool):
            hint = f"; for an ID use {id_key}" if id_key else ""
            self.fail(field, f"expected a name (text), got the number {value}{hint}")
        return self.text(value, field)

    def name_list(self, value: Any, field: str, id_key: str | None = None) -> list[str]:
        """One name or a non-empty list of names."""
        if isinstance(value, (list, tuple)):
            if not value:
                self.fail(field, "an empty list matches nothing; leave the key out instead")
            return [self.name(item, f"{field}[{index}]", id_key) for index, item in enumerate(value)]
        return [self.name(value, field, id_key)]

    def text_list(self, value: Any, field: str) -> list[str]:
        """One string or a non-empty list of strings."""
        if isinstance(value, (list, tuple)):
            if not value:
                self.fail(field, "an empty list matches nothing; leave the key out instead")
            return [self.text(item, f"{field}[{index}]") for index, item in enumerate(value)]
        return [self.text(value, field)]

    def positive_int(self, value: Any, field: str) -> int:
        """A positive integer, as a number or as digits in a string (IDs arrive as strings)."""
        if isinstance(value, bool):
            self.fail(field, "expected a positive integer, got a boolean")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _DIGITS.match(value):
            number = int(value)
        else:
            self.fail(field, f"expected a positive integer, got {value!r}")
        if number <= 0:
            self.fail(field, f"expected a positive integer, got {number}")
        return number

    def int_list(self, value: Any, field: str) -> list[int]:
        """One positive integer or a non-empty list of them."""
        if isinstance(value, (list, tuple)):
            if not value:
                self.fail(field, "an empty list matches nothing; leave the key out instead")
            return [self.positive_int(item, f"{field}[{index}]") for index, item in enumerate(value)]
        return [self.positive_int(value, field)]

    def integer(self, value: Any, field: str) -> int:
        """Any integer (negative allowed), as a number or a string of digits."""
        if isinstance(value, bool):
            self.fail(field, "expected an integer, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            return int(value)
        self.fail(field, f"expected an integer, got {value!r}")

    def flag(self, value: Any, field: str) -> bool:
        """``True``/``False``, the integers ``1``/``0`` or the strings ``"1"``/``"0"``; anything else,
        a float such as ``1.0`` included, is refused."""
        if isinstance(value, bool):
            return value
        if (type(value) is int and value in (0, 1)) or (isinstance(value, str) and value in ("0", "1")):
            return str(value) == "1"
        self.fail(field, f"expected 1/0 or true/false, got {value!r}")

    def dynamic_field_name(self, value: Any, field: str, known: Collection[str] | None, why: str = "") -> str:
        """A dynamic-field name: letters and digits, and one of ``known`` when that is given (``why``
        is added to the "unknown" message)."""
        name = self.text(value, field)
        if not _DF_NAME.match(name):
            self.fail(field, f"dynamic field names are letters and digits only, got {name!r}")
        if known is not None and name not in known:
            self.fail(field, f"unknown dynamic field {name!r}{why}; known fields: {', '.join(sorted(known)) or 'none'}")
        return name

    def set_once(self, values: dict[str, Any], sources: dict[str, str], field: str, key: str, value: Any) -> None:
        """``values[field] = value``, remembering in ``sources`` that ``key`` set it; a second key for
        the same field is refused."""
        if field in sources:
            self.fail(key, f"give {sources[field]} or {key}, not both")
        sources[field] = key
        values[field] = value

    def choice(self, value: Any, field: str, allowed: Iterable[str]) -> str:
        """One of ``allowed`` (exact spelling)."""
        options = list(allowed)
        if not isinstance(value, str) or value not in options:
            self.fail(field, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def server_time(self, value: Any, field: str) -> datetime:
        """A point in time: ``"YYYY-MM-DD HH:MM:SS"`` (server time zone), ISO 8601 (with or without an
        offset; without one it is taken as server time) or a ``datetime``."""
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                if _SERVER_TIME.match(text) or "T" in text:
                    return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                pass
        self.fail(field, f"expected 'YYYY-MM-DD HH:MM:SS' or an ISO 8601 time, got {value!r}")

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        """A dict with string keys."""
        if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
            self.fail(field, f"expected an object (a dict), got {type(value).__name__}")
        return value
