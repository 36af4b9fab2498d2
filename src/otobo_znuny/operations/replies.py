"""Reading replies: HTTP status and content type first, then the JSON shape, then ``Error`` objects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from otobo_znuny.config import ServerFlavor, TicketOperation
from otobo_znuny.errors import ConfigurationError, ResponseError, UnexpectedReplyError, error_from_reply, snippet
from otobo_znuny.wire.shapes import WsReply

__all__ = ["check_http_reply", "parse_retry_after", "read_reply", "reply_parser", "route_refusal"]

R = TypeVar("R", bound=WsReply)
T = TypeVar("T")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds or seconds < 0:  # NaN or in the past
        return 0.0 if seconds == seconds else None
    return seconds


_NO_OPERATION = re.compile(rb"^HTTP::REST Error while determine Operation for request URI '[^'\r\n]*'\.\s*$")


def route_refusal(status_code: int, body: bytes) -> bool:
    """Whether the reply is the REST transport's "no operation for this method and path" answer.

    Both servers answer HTTP 500 with the plain text ``HTTP::REST Error while determine Operation for
    request URI '<path>'.`` (CONTRACT 1.3; recorded on Znuny 7.0.19 and OTOBO 11.0.6, exchange 30) when no
    route takes the request's method on its path. Route matching runs before any operation, so such a
    request changed nothing.
    """
    return status_code == 500 and _NO_OPERATION.match(body) is not None


def _fault_string(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("faultstring"), str):
        return str(data["faultstring"])
    return None


_NO_BACKEND = re.compile(r"Can't load operation backend module Kernel::GenericInterface::Operation::(\w+)::(\w+)!")


def _no_backend(operation: str, status_code: int, fault: str) -> ConfigurationError | None:
    """The error for a server that has no backend for the operation (the web service lists it, but the
    server cannot load its module: OTOBO 11's answer to SessionRemove, TimeAccountingGet, OutOfOffice)."""
    found = _NO_BACKEND.fullmatch(fault.strip())
    if found is None:
        return None
    kind = f"{found.group(1)}::{found.group(2)}"
    message = (
        f'{operation}: the server has no {kind} operation: it answered HTTP {status_code} "{fault.strip()}" '
        "(the web service lists the operation, but the server cannot run it)"
    )
    try:
        known = TicketOperation(found.group(2))
    except ValueError:
        known = None
    if known is not None and not ServerFlavor.OTOBO.has_operation(known):
        message += (
            f". OTOBO 11 has no {known.value}: for an OTOBO server set flavor='otobo' "
            "(ClientConfig(..., flavor=ServerFlavor.OTOBO), --flavor otobo), and the client explains it without sending"
        )
    return ConfigurationError(message)


def check_http_reply(
    operation: str,
    status_code: int,
    content_type: str | None,
    body: bytes,
    retry_after: str | None = None,
    secrets: Iterable[str | None] = (),
) -> None:
    """Raise ``ResponseError`` unless the reply is HTTP 2xx GenericInterface JSON.

    A JSON body with an ``Error`` object is left to the operation's parser (the GI answers business
    errors with HTTP 200, but a proxy could change the status). A fault saying the server cannot load
    the operation's backend raises ``ConfigurationError`` instead (not retried: it will not go away).
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    is_json = mime == "application/json" or mime.endswith("+json")
    if is_json and 200 <= status_code < 300:
        return
    if is_json:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("Error"), dict):
            return
    secrets = list(secrets)
    fault = _fault_string(body) if body else None
    text = snippet(body, secrets) if body else "(empty body)"
    kind = mime or "no content type"
    missing = _no_backend(operation, status_code, fault) if fault and status_code >= 500 else None
    if missing is not None:
        raise missing
    fault = snippet(fault, secrets) if fault else None
    detail = fault or text
    raise ResponseError(
        f"{operation}: HTTP {status_code} with {kind} instead of GenericInterface JSON: {detail}",
        operation=operation,
        status_code=status_code,
        content_type=content_type,
        body_snippet=text,
        fault=fault,
        retry_after=parse_retry_after(retry_after),
    )


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False)[:3]:
        loc = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"{loc}: {item['msg']}")
    more = error.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _validated(operation: str, body: bytes, validate: Callable[[bytes], T]) -> T:
    """``validate(body)``, with its failures as the library's errors.

    Raises:
        ResponseError: the body is not JSON.
        OTOBOError: the data did not validate, and the reply is an ``Error`` object.
        UnexpectedReplyError: JSON of the wrong shape (the message names the keys).
    """
    try:
        return validate(body)
    except ValidationError as exc:
        if any(item["type"] == "json_invalid" for item in exc.errors(include_url=False)):
            raise ResponseError(
                f"{operation}: the reply is not valid JSON: {snippet(body)}",
                operation=operation,
                status_code=200,
                body_snippet=snippet(body),
            ) from None
        error = _error_object(body)
        if error is not None:
            raise error from None
        raise UnexpectedReplyError(
            f"{operation}: unexpected reply shape: {_describe(exc)}",
            operation=operation,
            status_code=200,
            body_snippet=snippet(body),
        ) from None


def reply_parser(operation: str, model: type[R], convert: Callable[[R], T]) -> Callable[[bytes], T]:
    """A parser for one operation: validate the bytes as ``model`` in one pass, raise on ``Error``, convert.

    The parser raises ``OTOBOError`` subclasses for ``Error`` objects, ``ResponseError`` for a body
    that is not JSON, and ``UnexpectedReplyError`` for JSON of the wrong shape.
    """
    adapter: TypeAdapter[R] = TypeAdapter(model)

    def parse(body: bytes) -> T:
        reply = _validated(operation, body, adapter.validate_json)
        if reply.Error is not None:
            raise error_from_reply(reply.Error.ErrorCode, reply.Error.ErrorMessage, operation=operation)
        try:
            return convert(reply)
        except (ValueError, TypeError) as exc:
            raise UnexpectedReplyError(
                f"{operation}: unexpected reply content: {exc}", operation=operation, status_code=200
            ) from None

    return parse


def read_reply(operation: str, reader: SchemaValidator, body: bytes, context: Any) -> dict[str, Any]:
    """The data keys of a reply, validated by ``reader`` (one of ``wire.replies``) in one pass.

    Raises:
        OTOBOError: the reply is an ``Error`` object (the subclass for its ErrorCode).
        ResponseError: the body is not JSON.
        UnexpectedReplyError: JSON of the wrong shape (the message names the keys).
    """
    reply: dict[str, Any] = _validated(operation, body, lambda data: reader.validate_json(data, context=context))
    error = reply["Error"]
    if error is not None:
        raise error_from_reply(error["ErrorCode"], error["ErrorMessage"], operation=operation)
    return reply


def _error_object(body: bytes) -> Exception | None:
    """An ``Error`` object found in a reply whose data part did not validate."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("Error"), dict):
        code = data["Error"].get("ErrorCode")
        message = data["Error"].get("ErrorMessage", "")
        if isinstance(code, str):
            return error_from_reply(code, message if isinstance(message, str) else str(message))
    return None
