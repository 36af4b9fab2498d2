"""The event receiver: a plain ASGI application (no framework) that checks the caller, parses the
event and runs the user's handlers.

What it answers, and why (docs/events.md has the table):

* ``200 {}`` once every handler matching the event returned. Both servers count a delivery as done
  only for a 200-209 reply with a non-empty JSON body, or 204 (Znuny 7.0.19 and OTOBO 11
  ``Kernel/GenericInterface/Transport/HTTP/REST.pm`` RequesterPerformRequest): ``{}`` is that body.
* ``500`` when a handler raised: the server records a failed delivery, and its ``RequestRetry``
  error handling (if configured) sends the event again later.
* refusals, each with a JSON ``{"error": ...}`` saying why: ``404`` another path, ``405`` another
  method than POST, ``401`` no credentials, ``403`` wrong credentials, ``413`` a body over
  ``max_body_bytes``, ``415`` a Content-Type that is not JSON, ``400`` a body that is not UTF-8
  JSON, not an object, or not an event.

Nothing secret is logged: refusals name the status, the reason and the caller's address; handler
errors name the handler, the event and the ticket, with the traceback.
"""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from otobo_znuny.events.credentials import DEFAULT_USER, TOKEN_HEADER, EventCredentials
from otobo_znuny.events.model import InvalidEventBody, TicketEvent, parse_event

__all__ = ["DEFAULT_MAX_BODY_BYTES", "DEFAULT_PATH", "EventHandler", "EventReceiver"]

logger = logging.getLogger("otobo_znuny.events")

DEFAULT_PATH = "/otobo-znuny/events"
"""The path a rendered requester web service posts to (its ``Controller``)."""
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
"""Pass-through events are small; Znuny's ``Ticket::Generic`` body carries every article and the
current article's attachments (base64), so the default leaves room for those."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
EventHandler = Callable[[TicketEvent], Union[Awaitable[None], None]]
"""``async def handler(event)`` or ``def handler(event)`` (run in a worker thread)."""
H = TypeVar("H", bound=EventHandler)

_SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True)
class _Registered:
    handler: EventHandler
    patterns: tuple[str, ...]  # empty: every event
    is_async: bool

    @property
    def name(self) -> str:
        return getattr(self.handler, "__qualname__", None) or repr(self.handler)

    def wants(self, event: str) -> bool:
        return not self.patterns or any(fnmatch.fnmatchcase(event, pattern) for pattern in self.patterns)


def _is_async(handler: Any) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(type(handler).__call__)


def _normal_path(path: str) -> str:
    return _SLASHES.sub("/", path).rstrip("/") or "/"


class _Refusal(Exception):
    def __init__(self, status: int, reason: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers


class EventReceiver:
    """An ASGI application receiving the events of a requester web service.

    ``secret`` is the shared secret of the rendered web service (or an :class:`EventCredentials`
    with it); ``user`` its BasicAuth user; ``token_header`` the header of ``--auth header``.
    ``path`` is the Controller it answers (``None``: any path, e.g. when mounted under a prefix).
    Serve it with uvicorn (``uvicorn mymodule:receiver``) or :func:`otobo_znuny.events.serve`::

        receiver = EventReceiver(secret=os.environ["OTOBO_ZNUNY_EVENTS_SECRET"])

        @receiver.on("TicketCreate", "ArticleCreate")
        async def triage(event: TicketEvent) -> None:
            ...

    Handlers of one event run one after the other, in the order they were added; all of them run
    even when one fails, and then the reply is 500.

    Raises:
        ValueError: an invalid secret or user, a ``path`` not starting with ``/``, or a
            ``max_body_bytes`` below 1.
    """

    def __init__(
        self,
        secret: str | EventCredentials,
        *,
        user: str = DEFAULT_USER,
        token_header: str = TOKEN_HEADER,
        path: str | None = DEFAULT_PATH,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.credentials = (
            secret
            if isinstance(secret, EventCredentials)
            else EventCredentials(secret, user=user, token_header=token_header)
        )
        if path is not None and not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        if max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be at least 1, got {max_body_bytes}")
        self.path = _normal_path(path) if path is not None else None
        self.max_body_bytes = max_body_bytes
        self._handlers: list[_Registered] = []

    def __repr__(self) -> str:
        return f"EventReceiver(path={self.path!r}, handlers={len(self._handlers)}, credentials={self.credentials!r})"

    # ------------------------------------------------------------------ handlers
    def add_handler(self, handler: EventHandler, *events: str) -> None:
        """Call ``handler`` for the named events (shell-style patterns such as
        ``TicketDynamicFieldUpdate_*`` work); no names: every event.

        Raises:
            TypeError: ``handler`` is not callable.
        """
        if not callable(handler):
            raise TypeError(f"handler must be callable, got {type(handler).__name__}")
        self._handlers.append(_Registered(handler, tuple(events), _is_async(handler)))

    def on(self, *events: str) -> Callable[[H], H]:
        """Decorator form of :meth:`add_handler`."""

        def register(handler: H) -> H:
            self.add_handler(handler, *events)
            return handler

        return register

    async def _run_handlers(self, event: TicketEvent) -> int:
        """Run every matching handler; the number that raised (each is logged)."""
        failed = 0
        matching = [registered for registered in self._handlers if registered.wants(event.name)]
        if not matching:
            logger.debug("no handler for %s (ticket %s)", event.name, event.ticket_id)
        for registered in matching:
            try:
                if registered.is_async:
                    await registered.handler(event)  # type: ignore[misc]
                else:
                    result = await asyncio.to_thread(registered.handler, event)
                    if inspect.isawaitable(result):
                        await result
            except Exception:
                failed += 1
                logger.exception(
                    "event handler %s failed on %s (ticket %s); answered 500 so that the server's retry applies",
                    registered.name,
                    event.name,
                    event.ticket_id,
                )
        return failed

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        client = (scope.get("client") or ("?", 0))[0]
        try:
            event = await self._accept(scope, receive)
        except _Refusal as refusal:
            logger.warning(
                "refused %s %s from %s: %s %s", scope.get("method"), scope.get("path"), client, refusal.status, refusal
            )
            await _reply(send, refusal.status, {"error": refusal.reason}, refusal.headers)
            return
        except _Disconnected:
            return
        failed = await self._run_handlers(event)
        if failed:
            count = sum(1 for registered in self._handlers if registered.wants(event.name))
            reason = f"{failed} of {count} handlers failed on {event.name}; see the receiver's log"
            await _reply(send, 500, {"error": reason})
            return
        await _reply(send, 200, {})

    async def _accept(self, scope: Scope, receive: Receive) -> TicketEvent:
        """The event of an acceptable request.

        Raises:
            _Refusal: the status and reason of a refusal.
            _Disconnected: the caller went away while sending the body.
        """
        if self.path is not None and _normal_path(scope.get("path", "")) != self.path:
            raise _Refusal(404, f"no receiver at this path; events are posted to {self.path}")
        if scope.get("method") != "POST":
            raise _Refusal(405, "events are sent with POST", ((b"allow", b"POST"),))
        headers = [(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in scope["headers"]]
        verdict = self.credentials.verdict(headers)
        if verdict == "missing":
            raise _Refusal(
                401,
                "no credentials: the web service must send BasicAuth or the token header",
                ((b"www-authenticate", b'Basic realm="otobo-znuny events"'),),
            )
        if verdict == "wrong":
            raise _Refusal(403, "wrong credentials: the secret does not match this receiver's")
        lookup = dict(headers)
        declared = lookup.get("content-length", "").strip()
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _Refusal(413, f"body of {declared} bytes is over the limit of {self.max_body_bytes}")
        media = lookup.get("content-type", "").split(";", 1)[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise _Refusal(415, f"the body must be JSON (application/json), got {media!r}")
        body = await self._read_body(receive)
        try:
            decoded = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise _Refusal(400, "the body is not UTF-8") from None
        except ValueError as exc:
            raise _Refusal(400, f"malformed JSON: {exc}") from None
        except RecursionError:
            raise _Refusal(400, "malformed JSON: nested too deeply") from None
        try:
            return parse_event(decoded)
        except InvalidEventBody as exc:
            raise _Refusal(400, f"not an event: {exc}") from None

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body_bytes:
                raise _Refusal(413, f"body is over the limit of {self.max_body_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _Disconnected(Exception):
    pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _reply(
    send: Send, status: int, payload: dict[str, Any], headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    body = json.dumps(payload).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
