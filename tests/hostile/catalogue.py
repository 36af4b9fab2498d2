"""The catalogue of bad inputs and the error each one gives; it renders ``docs/hostile-input.md``.

Every row is *observed*: its trigger runs the library on the bad input and the table shows the
exception (or warning) that came out, with its message. ``test_catalogue.py`` checks each row's
class and that the committed document matches a fresh rendering. Regenerate the document with::

    cd tests && ../../venv/bin/python -m hostile.catalogue      # or: python -m hostile.catalogue
"""

from __future__ import annotations

import gzip
import json
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from otobo_znuny import (
    AccessDeniedError,
    Article,
    Attachment,
    AuthenticationError,
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunySyncClient,
    OutcomeUnknownError,
    ReplyTooLargeError,
    RequestValidationError,
    ResponseError,
    SessionAuth,
    SessionExpiredError,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
    TransportError,
    UnexpectedReplyError,
)
from otobo_znuny.client import base
from otobo_znuny.config import ServerFlavor
from otobo_znuny.models.search import DynamicFieldFilter, TimeFilter
from support.recording import load_exchanges

from .replies import PARSERS

__all__ = ["CATALOGUE", "DOCUMENT", "BadInput", "observe", "render"]

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "hostile-input.md"
BASE_URL = "https://helpdesk.example/otrs/nph-genericinterface.pl"
GT = ClientConfig.generic_ticket(BASE_URL)
REST = ClientConfig.rest_connector(BASE_URL)


@dataclass(frozen=True)
class BadInput:
    """One bad input: where it comes from, what it is, how to produce it, and what must come out."""

    area: str
    description: str
    trigger: Callable[[], object]
    expected: type[BaseException]


# ---- helpers for the triggers ----------------------------------------------------------------


def _client(
    handler: Callable[[httpx.Request], httpx.Response] | None = None,
    *,
    config: ClientConfig = GT,
    auth: BasicAuth | SessionAuth | None = None,
    use_session: bool = False,
    **options: Any,
) -> OTOBOZnunySyncClient:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should have been sent, got {request.method} {request.url.path}")

    http = httpx.Client(transport=httpx.MockTransport(handler or refuse))
    client = OTOBOZnunySyncClient(config, http, max_retries=0, **options)
    client.login(auth or BasicAuth(user_login="agent", password="secret-1"), use_session=use_session)
    return client


def _answer(status: int, body: bytes | str, content_type: str = "application/json", **headers: str) -> Any:
    content = body.encode() if isinstance(body, str) else body
    return lambda request: httpx.Response(status, headers={"Content-Type": content_type, **headers}, content=content)


def _recorded(error_code: str) -> bytes:
    exchange = next(e for e in load_exchanges() if e.error_code == error_code)
    return exchange.response_body.encode()


def _recorded_ticket() -> dict[str, Any]:
    exchange = next(e for e in load_exchanges() if e.operation == "TicketGet" and e.error_code is None)
    data: dict[str, Any] = exchange.response_json()
    return data


def _get_ticket(body: bytes | dict[str, Any], status: int = 200, content_type: str = "application/json") -> object:
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    with _client(_answer(status, raw, content_type)) as client:
        return client.get_ticket(1)


def _damaged_ticket(change: Callable[[dict[str, Any]], None]) -> object:
    data = _recorded_ticket()
    change(data["Ticket"][0])
    return PARSERS["TicketGet"].parse(json.dumps(data).encode())


def _note(body: str = "hello", attachments: tuple[Attachment, ...] = (), **options: Any) -> Callable[[], object]:
    def send() -> object:
        with _client(**options) as client:
            return client.add_note(1, body, attachments=attachments)

    return send


def _create(ticket: Callable[[], TicketCreate], config: ClientConfig = GT) -> Callable[[], object]:
    def send() -> object:
        with _client(config=config) as client:
            return client.create_ticket(ticket())

    return send


def _search(search: Callable[[], TicketSearch], config: ClientConfig = GT) -> Callable[[], object]:
    def send() -> object:
        with _client(config=config) as client:
            return client.search_tickets(search())

    return send


def _article(**fields: Any) -> Article:
    return Article(subject="Printer", body="It is broken.", **fields)


def _ticket(**fields: Any) -> TicketCreate:
    return TicketCreate(
        **{"title": "Printer", "queue": "Raw", "customer_user": "carla", "article": _article(), **fields}
    )


def _streamed(size: int, announced: str | None = None) -> Callable[[], object]:
    def send() -> object:
        headers = {"Content-Length": announced} if announced else {}
        with _client(_answer(200, b" " * size, **headers), max_reply_bytes=1000) as client:
            return client.get_ticket(1)

    return send


def _gzip_bomb() -> object:
    handler = _answer(200, gzip.compress(b" " * 10_000_000), **{"Content-Encoding": "gzip"})
    with _client(handler, max_reply_bytes=100_000) as client:
        return client.get_ticket(1)


def _not_gzip() -> object:
    with _client(_answer(200, b"plain text", **{"Content-Encoding": "gzip"})) as client:
        return client.get_ticket(1)


def _dropped_write() -> object:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    with _client(drop) as client:
        return client.create_ticket(_ticket())


def _same_ids_for_every_window() -> object:
    with _client(_answer(200, json.dumps({"TicketID": ["3", "2", "1"]}))) as client:
        return client.search_all_ticket_ids(TicketSearch(titles=["Printer*"]), page_limit=2)


def _expired_session_without_password() -> object:
    with _client(_answer(200, _recorded("TicketSearch.AuthFail")), auth=SessionAuth(session_id="s" * 32)) as client:
        return client.search_tickets(TicketSearch(titles=["Printer*"]))


def _wrong_password() -> object:
    with _client(_answer(200, _recorded("TicketCreate.AuthFail"))) as client:
        return client.create_ticket(_ticket())


def _not_logged_in() -> object:
    with OTOBOZnunySyncClient(GT, httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))) as client:
        return client.get_ticket(1)


def _insecure() -> object:
    already_warned = base._insecure_warned
    base._insecure_warned = False  # as in a fresh process
    try:
        OTOBOZnunySyncClient(GT, verify=False).close()
        return None
    finally:
        base._insecure_warned = already_warned


# ---- the catalogue ---------------------------------------------------------------------------

CATALOGUE: list[BadInput] = [
    # replies: what a server, proxy or load balancer may answer
    BadInput("reply", "HTTP 200, JSON content type, empty body", lambda: _get_ticket(b""), ResponseError),
    BadInput(
        "reply",
        "JSON cut off in the middle",
        lambda: _get_ticket(json.dumps(_recorded_ticket()).encode()[:40]),
        ResponseError,
    ),
    BadInput(
        "reply",
        "HTML error page (HTTP 502 from a proxy)",
        lambda: _get_ticket(b"<html><title>502 Bad Gateway</title></html>", 502, "text/html"),
        ResponseError,
    ),
    BadInput(
        "reply",
        "HTML login page with HTTP 200",
        lambda: _get_ticket(b"<html><form>Login</form></html>", 200, "text/html"),
        ResponseError,
    ),
    BadInput(
        "reply",
        "HTTP 500 plain text (the GenericInterface's transport errors)",
        lambda: _get_ticket(b"Internal Server Error", 500, "text/plain"),
        ResponseError,
    ),
    BadInput(
        "reply",
        "`{faultcode, faultstring}` object with HTTP 500",
        lambda: _get_ticket({"faultcode": "Server", "faultstring": "Operation died"}, 500),
        ResponseError,
    ),
    BadInput(
        "reply",
        "JSON body but `application/octet-stream` content type",
        lambda: _get_ticket(b"{}", 200, "application/octet-stream"),
        ResponseError,
    ),
    BadInput(
        "reply", "A JSON array instead of an object", lambda: PARSERS["TicketGet"].parse(b"[]"), UnexpectedReplyError
    ),
    BadInput(
        "reply",
        'A field of the wrong type (`TicketID: "abc"`)',
        lambda: _damaged_ticket(lambda t: t.update(TicketID="abc")),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "A required field missing (`TicketNumber`)",
        lambda: _damaged_ticket(lambda t: t.pop("TicketNumber")),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "A list where an object belongs (`Article: [[1]]`)",
        lambda: _damaged_ticket(lambda t: t.update(Article=[[1]])),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "Attachment `Content` that is not base64",
        lambda: _damaged_ticket(
            lambda t: t.update(Article=[{"ArticleID": 1, "Attachment": [{"Filename": "a.txt", "Content": "x"}]}])
        ),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "`Error` object whose `ErrorCode` is not a string",
        lambda: PARSERS["TicketGet"].parse(b'{"Error": {"ErrorCode": [1]}}'),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "A lone surrogate (`\\ud800`) in a string",
        lambda: PARSERS["TicketGet"].parse(b'{"Ticket": [{"TicketID": 1, "TicketNumber": "\\ud800"}]}'),
        ResponseError,
    ),
    BadInput(
        "reply", "JSON nested 100 000 levels deep", lambda: PARSERS["TicketSearch"].parse(b"[" * 100_000), ResponseError
    ),
    BadInput(
        "reply",
        "SessionCreate reply without a SessionID",
        lambda: PARSERS["SessionCreate"].parse(b"{}"),
        UnexpectedReplyError,
    ),
    BadInput(
        "reply",
        "Recorded Znuny error: TicketGet of a ticket that does not exist",
        lambda: _get_ticket(_recorded("TicketGet.AccessDenied")),
        AccessDeniedError,
    ),
    BadInput(
        "reply",
        "An ErrorCode the library does not know",
        lambda: PARSERS["TicketGet"].parse(b'{"Error": {"ErrorCode": "TicketGet.Exploded", "ErrorMessage": "Boom"}}'),
        OTOBOError,
    ),
    BadInput("reply", "A reply larger than `max_reply_bytes` (streamed)", _streamed(5000), ReplyTooLargeError),
    BadInput(
        "reply",
        "`Content-Length` announcing more than `max_reply_bytes`",
        _streamed(10, announced="99999999999"),
        ReplyTooLargeError,
    ),
    BadInput("reply", "A gzip bomb (10 MB of spaces compressed to 10 KB)", _gzip_bomb, ReplyTooLargeError),
    BadInput("reply", "`Content-Encoding: gzip` on a body that is not gzip", _not_gzip, TransportError),
    BadInput("reply", "Connection dropped after a TicketCreate was sent", _dropped_write, OutcomeUnknownError),
    BadInput(
        "reply",
        "A server (or cache) that ignores TicketSearch's time filters, for `search_all_ticket_ids`",
        _same_ids_for_every_window,
        UnexpectedReplyError,
    ),
    BadInput("reply", "Recorded Znuny error: wrong password", _wrong_password, AuthenticationError),
    BadInput(
        "reply",
        "Session refused, and only a SessionID to log in with",
        _expired_session_without_password,
        SessionExpiredError,
    ),
    # requests: what a caller may pass
    BadInput("request", "`TicketSearch(sort_by=-1)`", lambda: TicketSearch(sort_by=-1), ValidationError),
    BadInput(
        "request",
        '`TicketSearch(sort_by="Subject")` (the server would return nothing)',
        lambda: TicketSearch(sort_by="Subject"),
        ValidationError,
    ),
    BadInput(
        "request",
        '`TicketSearch(titles=["*"])` (matches everything; the server ignores it)',
        _search(lambda: TicketSearch(titles=["*"])),
        RequestValidationError,
    ),
    BadInput(
        "request",
        '`TicketSearch(owners=["alice"])` (owners can only be searched by ID)',
        lambda: TicketSearch(owners=["alice"]),
        ValidationError,
    ),
    BadInput(
        "request",
        '`TicketSearch(queues=["Raw", 3])` (names and IDs mixed)',
        _search(lambda: TicketSearch(queues=["Raw", 3])),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "`TimeFilter(newer_than=timedelta(seconds=90))`",
        lambda: TimeFilter(newer_than=timedelta(seconds=90)),
        ValidationError,
    ),
    BadInput(
        "request",
        "A dynamic-field search on a GET route (REST layout)",
        _search(lambda: TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals="A-1")]), REST),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "A title with a line break",
        _create(lambda: _ticket(title="Printer\r\nX-Injected: 1")),
        RequestValidationError,
    ),
    BadInput(
        "request",
        'An article `content_type` that is no MIME type (`"html"`)',
        _create(lambda: _ticket(article=_article(content_type="html"))),
        RequestValidationError,
    ),
    BadInput("request", "A ticket without an article", _create(lambda: _ticket(article=None)), RequestValidationError),
    BadInput(
        "request",
        "A zero-byte attachment",
        _note(attachments=(Attachment(filename="empty.txt", content=b"", content_type="text/plain"),)),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "An attachment larger than `max_attachment_bytes`",
        _note(attachments=(Attachment.from_bytes("big.bin", b"x" * 2000),), max_attachment_bytes=1000),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "An article body longer than `max_body_chars`",
        _note(body="x" * 2000, max_body_chars=1000),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "A lone surrogate (`\\ud800`) in a title",
        _create(lambda: _ticket(title="Printer \ud800")),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "A negative `pending_time` timedelta",
        _create(lambda: _ticket(pending_time=timedelta(minutes=-5))),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "Several articles for OTOBO (one per call)",
        _create(
            lambda: _ticket(article=None, articles=[_article(), _article()]),
            ClientConfig.generic_ticket(BASE_URL, flavor=ServerFlavor.OTOBO),
        ),
        RequestValidationError,
    ),
    BadInput(
        "request",
        "A TicketUpdate that changes nothing",
        lambda: _client().update_ticket(TicketUpdate(id=1)),
        RequestValidationError,
    ),
    BadInput("request", "Ticket ID 0", lambda: _client().get_ticket(0), RequestValidationError),
    BadInput(
        "request",
        "A non-ASCII password on a Znuny GET route (it would travel in a header)",
        lambda: _client(config=REST, auth=BasicAuth(user_login="agent", password="pässwort")).get_ticket(1),
        RequestValidationError,
    ),
    BadInput("request", "An operation before `login()`", _not_logged_in, NotLoggedInError),
    # configuration
    BadInput(
        "configuration",
        "`verify=None` (not a way to turn TLS verification off)",
        lambda: OTOBOZnunySyncClient(GT, verify=None),
        ConfigurationError,
    ),
    BadInput("configuration", "`verify=False` (TLS verification off: warns once per process)", _insecure, UserWarning),
]


def observe(entry: BadInput) -> tuple[type[BaseException], str]:
    """Run ``entry``'s trigger; return the class and the message of what came out.

    Raises:
        AssertionError: nothing was raised or warned.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            entry.trigger()
        except ValidationError as error:
            first = error.errors()[0]
            location = ".".join(str(part) for part in first["loc"]) or "(model)"
            return type(error), f"{location}: {first['msg']}"
        except Exception as error:
            return type(error), str(error)
    if caught:
        return caught[0].category, str(caught[0].message)
    raise AssertionError(f"{entry.description}: nothing was raised or warned")


def _cell(text: str, limit: int = 220) -> str:
    """An observed message as a table cell: one line, pipes and backticks escaped, cut at ``limit``."""
    text = " ".join(text.split()).replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[:limit] + " …"


_INTRO = """\
# Hostile input: what you get for each bad input

Generated by `tests/hostile/catalogue.py` from what the library actually does (each row runs the
bad input and records the outcome; `tests/hostile/test_catalogue.py` fails when this file is out of
date: regenerate it with `cd tests && python -m hostile.catalogue`).

Every exception below is an `OTOBOZnunyError` subclass (catch that to catch them all), except
pydantic's `ValidationError`, raised when a domain model is built from bad values. It is a
`ValueError`, as is `RequestValidationError`. Input errors are raised before anything is sent;
the error names the field (`field` attribute of `RequestValidationError`, `loc` of a
`ValidationError`). Messages are short (reply excerpts are cut at 200 characters) and never contain
the password or a SessionID: every snippet, echoed error message and chained transport error is
scrubbed of the secrets the client knows.
"""

_AREAS = {
    "reply": "## Replies the server (or a proxy) may send",
    "request": "## Requests a caller may build",
    "configuration": "## Configuration",
}

_OUTRO = """\
## What the property tests cover beyond this table

* **Every reply parser** (`Call.parse` of all eight operations) and `check_http_reply`, with
  arbitrary JSON (keys biased to the real wire keys), recorded replies cut short and with single
  bytes changed, every field of every recorded reply set to every JSON type, odd text
  (NUL, U+2028, RTL marks, BOM, emoji, combining marks) and 5 MB strings, every HTTP status and
  assorted content types: only typed errors escape, and a damaged field is named in the message
  (`tests/hostile/test_reply_fuzz.py`).
* **The whole client**, sync and async, against a mock server answering anything (any status,
  content type, body, odd `Content-Length`/`Content-Encoding`/`Retry-After` headers, or httpx
  transport errors), for every public operation (`tests/hostile/test_client_fuzz.py`).
* **Every request model** (`TicketSearch`, `TicketCreate`, `TicketUpdate`, `Article`, `Attachment`,
  dynamic fields): valid values round-trip through the wire mapping and a test-side inverse (or the
  reply shapes); one hostile value in any field is either carried exactly or refused naming that
  field (`tests/hostile/test_request_roundtrip.py`). Text reaches the server byte for byte in JSON
  bodies, query strings and headers, or is refused before sending (`test_unsendable_text.py`).
* **Secrets**: with every logger at DEBUG, every operation on every layout (POST, Znuny REST with
  header credentials, OTOBO REST with query-string credentials, SessionIDs in route paths), with
  wrong passwords, expired sessions, injected faults and a server that echoes the request back:
  no password or SessionID in any log record, exception (with its chain and traceback) or `repr`
  (`tests/hostile/test_secrets.py`). httpx's own `HTTP Request:` log line shows the redacted URL.
* **TLS**: verification is on by default; `verify=False` is explicit and warns once per process
  (`tests/hostile/test_tls.py`).

## Conversions that are not errors

* Pending times travel in whole minutes: a `timedelta` is rounded up, a `datetime` cut to the minute.
* A datetime is sent in the server's time zone (`ClientConfig.server_timezone`); a naive one is
  taken as server time. In a zone with daylight saving time, one local hour a year is ambiguous on
  the wire (the format has no offset); the server decides.
* A dynamic-field value `CLEAR` in a `TicketUpdate` clears the field (sent as `""`); `None` there is
  refused (it would read as "unchanged"); a `date` is sent as midnight.
* An article content type without a charset gets `; charset=utf-8` (Znuny requires one).
* An `IdName` with both `id` and `name` is sent by ID only; `None` on a `TicketUpdate` field means
  "unchanged" and is not sent (so `TicketUpdate(customer_user="x")` lets the server take the customer
  user's company).
* Values the original library accepted (an empty body, a TicketCreate without a title, a blank
  search term...) are accepted when the model is built and refused by `create_ticket`,
  `update_ticket` and `search_tickets` before anything is sent (`RequestValidationError`).
* Empty optional headers (`To: ""`) read back as `None`.

## Known limits

* A server that answers *different* IDs for every time window of `search_all_ticket_ids` (no real
  server does) is not detected; one that repeats IDs across windows is.
* The secrets a client knows are its password, its SessionID and a SessionID passed to
  `get_session`/`remove_session`. They are scrubbed where they appear verbatim; a server that echoes
  one in another encoding (JSON-escaped, percent-encoded) is not recognised.
* A reply that is invalid UTF-8, or holds a lone surrogate, is refused as a whole
  (`ResponseError`), even if only one article is damaged.
* httpx inflates a compressed reply one network chunk at a time, before the size check sees it:
  reading stops at the first chunk past `max_reply_bytes`, but that one chunk of a gzip bomb may
  inflate up to about 1000 times its size.
"""


def render(rows: list[tuple[BadInput, tuple[type[BaseException], str]]]) -> str:
    """The Markdown document for observed rows."""
    parts = [_INTRO]
    for area, heading in _AREAS.items():
        parts.append(f"\n{heading}\n\n| Bad input | You get | Example message |\n|---|---|---|")
        for entry, (kind, message) in rows:
            if entry.area == area:
                parts.append(f"| {entry.description} | `{kind.__name__}` | {_cell(message)} |")
    parts.append("\n" + _OUTRO)
    return "\n".join(parts)


def main() -> None:
    """Write ``docs/hostile-input.md`` from fresh observations."""
    rows = [(entry, observe(entry)) for entry in CATALOGUE]
    DOCUMENT.write_text(render(rows), encoding="utf-8")
    print(f"wrote {DOCUMENT} ({len(rows)} bad inputs)", file=sys.stderr)


if __name__ == "__main__":
    main()
