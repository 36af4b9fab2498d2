"""Hypothesis strategies for hostile replies: arbitrary JSON, odd text, HTML pages, broken bodies."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from otobo_znuny.wire import keys, shapes

__all__ = [
    "CONTENT_TYPES",
    "FUZZ",
    "FUZZ_HEAVY",
    "HTML_PAGES",
    "ODD_CHARACTERS",
    "WIRE_KEYS",
    "http_statuses",
    "json_values",
    "odd_text",
    "reply_bodies",
]

FUZZ = settings(
    max_examples=int(os.environ.get("HOSTILE_MAX_EXAMPLES", "200")),
    deadline=None,
    database=None,
    derandomize=os.environ.get("HOSTILE_RANDOM", "") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Moderate example counts (``HOSTILE_MAX_EXAMPLES=5000`` for a deep run), no deadline (CI machines
vary), no example database in the repository. The default run is derandomized, so CI explores the
same examples every time and a red build always means a change; ``HOSTILE_RANDOM=1`` (with a
larger ``HOSTILE_MAX_EXAMPLES``) explores new ones, as a deep run should."""

FUZZ_HEAVY = settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 2))
"""Half the examples, for the properties whose every example builds nested models or a client."""

ODD_CHARACTERS = (
    "\x00",  # NUL
    "\u2028",  # LINE SEPARATOR: a line break for JavaScript, not for JSON
    "\u2029",  # PARAGRAPH SEPARATOR
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\ufeff",  # BYTE ORDER MARK
    "\ufffd",  # REPLACEMENT CHARACTER
    "\U0001f600",  # outside the BMP (a surrogate pair in JSON escapes)
    "e\u0301",  # combining accent
    "\x85",  # NEXT LINE
    "\r\n",
    "\x1b[31m",  # ANSI escape
    '"',
    "\\",
    "%s",
    "{}",
    "</script>",
)
"""Characters that break naive parsers, terminals and log formats."""

LONE_SURROGATES = ("\ud800", "\udfff")
"""Not text at all: no UTF-8 encoding exists for them."""


_ODD_SINGLE = sorted({character for sequence in ODD_CHARACTERS for character in sequence})


def odd_text(*, surrogates: bool = False, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text mixing ordinary characters with ``ODD_CHARACTERS`` (and lone surrogates if asked)."""
    characters = st.characters() if surrogates else st.characters(codec="utf-8")
    alphabet = st.sampled_from(_ODD_SINGLE + list(LONE_SURROGATES if surrogates else ())) | characters
    return st.text(alphabet, max_size=max_size) | st.sampled_from(ODD_CHARACTERS)


def _field_names(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def _table_keys() -> set[str]:
    tables = (keys.TICKET_KEYS, keys.ARTICLE_KEYS, keys.ATTACHMENT_KEYS, keys.HISTORY_ENTRY_KEYS)
    extras = (keys.TICKET_EXTRA_KEYS, keys.ARTICLE_EXTRA_KEYS, keys.ATTACHMENT_EXTRA_KEYS)
    found = {key.wire for table in tables for key in table} | {key.id_key for t in tables for key in t if key.id_key}
    return found | {extra.wire for table in extras for extra in table}


WIRE_KEYS = sorted(
    {
        name
        for model in vars(shapes).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in _field_names(model)
    }
    | _table_keys()
)
"""Every key the reply readers' tables (``wire.keys``) and the reply shapes know, so generated JSON often
hits real fields."""

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=20)
    | st.sampled_from(["", "0", "1", "-1", "1.5", "abc", "2026-11-22 23:35:50", "0000-00-00 00:00:00"])
    | odd_text(max_size=8)
)
_keys = st.sampled_from(WIRE_KEYS) | st.text(st.characters(codec="utf-8"), max_size=10)


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values whose object keys are often real wire keys."""
    return st.recursive(
        _scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=6),
        max_leaves=max_leaves,
    )


def json_bytes(value: Any) -> bytes:
    """``value`` as the server would send it (UTF-8, non-ASCII unescaped where possible)."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


HTML_PAGES = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head><title>500 Internal Server Error</title>'
    b"</head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>",
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>"
    b"\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    b'<!DOCTYPE html><html><head><title>Login - Helpdesk</title></head><body><form action="index.pl">'
    b'<input name="User"><input type="password" name="Password"></form></body></html>',
    b"<html><body>Just a moment... Checking your browser before accessing the helpdesk.</body></html>",
)
"""Pages a proxy, a web server or a login redirect answers instead of GenericInterface JSON."""

CONTENT_TYPES = (
    "application/json",
    "application/json; charset=UTF-8",
    "APPLICATION/JSON;charset=utf-8",
    "application/problem+json",
    "application/jsonx",
    "text/plain; charset=UTF-8",
    "text/html; charset=iso-8859-1",
    "application/octet-stream",
    "",
    ";",
    "json",
)


def http_statuses() -> st.SearchStrategy[int]:
    """Every status code an HTTP server can send (100-599), biased to the interesting ones."""
    return st.sampled_from((200, 201, 204, 301, 302, 400, 401, 403, 404, 413, 429, 500, 502, 503)) | st.integers(
        100, 599
    )


def reply_bodies() -> st.SearchStrategy[bytes]:
    """Bodies a broken server or proxy sends: JSON of any shape, HTML, text, nothing, garbage bytes."""
    return (
        json_values().map(json_bytes)
        | st.sampled_from(HTML_PAGES)
        | st.just(b"")
        | st.binary(max_size=64)
        | odd_text().map(lambda text: text.encode("utf-8"))
        | json_values().map(json_bytes).flatmap(lambda body: st.integers(0, len(body)).map(lambda n: body[:n]))
    )
