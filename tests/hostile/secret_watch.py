"""``SecretWatch``: learns every secret that travels, and checks every place one could leak.

Secrets are the passwords used and every SessionID seen on the wire (in requests or replies), found
by a spy transport wrapped around the real one. Places checked: every log record (message, args,
formatted traceback), every raised exception with its chained causes and traceback, and the
``repr``/``str`` of every client, configuration, credential, internal request/reply object and
returned model.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from typing import Any

import httpx

__all__ = ["SecretWatch", "SpyTransport"]


class SpyTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Forwards to ``inner`` and reports every SessionID it sees to ``found``."""

    def __init__(self, inner: Any, found: set[str]) -> None:
        self.inner = inner
        self.found = found

    def _learn_request(self, request: httpx.Request, body: bytes) -> None:
        self.found.update(value for key, value in request.url.params.multi_items() if key == "SessionID")
        if "x-otrs-header-sessionid" in request.headers:
            self.found.add(request.headers["x-otrs-header-sessionid"])
        if "/Session/" in request.url.path:
            self.found.add(request.url.path.rsplit("/Session/", 1)[1].split("/", 1)[0])
        self._learn_json(body)

    def _learn_json(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            return
        if isinstance(data, dict) and isinstance(data.get("SessionID"), str):
            self.found.add(data["SessionID"])

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._learn_request(request, request.read())
        response: httpx.Response = self.inner.handle_request(request)
        response.read()
        self._learn_json(response.content)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._learn_request(request, await request.aread())
        response: httpx.Response = await self.inner.handle_async_request(request)
        await response.aread()
        self._learn_json(response.content)
        return response


def exception_texts(error: BaseException) -> Iterable[tuple[str, str]]:
    """What a user sees of an exception: str, repr, message attributes and the full traceback,
    for it and every exception chained to it."""
    yield "traceback", "".join(traceback.format_exception(type(error), error, error.__traceback__))
    seen: set[int] = set()
    current: BaseException | None = error
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        yield f"str({name})", str(current)
        yield f"repr({name})", repr(current)
        for attribute in ("message", "body_snippet", "fault", "problem", "field"):
            value = getattr(current, attribute, None)
            if isinstance(value, str):
                yield f"{name}.{attribute}", value
        for chained in (current.__cause__, current.__context__):
            if chained is not None:
                pending.append(chained)


class SecretWatch:
    """Collects secrets and the texts they must not appear in."""

    def __init__(self, *passwords: str) -> None:
        self.secrets: set[str] = set(passwords)
        self.texts: list[tuple[str, str]] = []

    def spy(self, transport: Any) -> SpyTransport:
        """Wrap a transport so the SessionIDs it carries become known secrets."""
        return SpyTransport(transport, self.secrets)

    def show(self, where: str, *objects: Any) -> None:
        """Record ``repr`` and ``str`` of objects a user may print."""
        for index, obj in enumerate(objects):
            self.texts.append((f"repr {where}[{index}]", repr(obj)))
            self.texts.append((f"str {where}[{index}]", str(obj)))

    def raised(self, where: str, error: BaseException) -> None:
        """Record everything visible of a raised exception."""
        self.texts.extend((f"{where}: {part}", text) for part, text in exception_texts(error))

    def logs(self, records: Iterable[logging.LogRecord]) -> None:
        """Record every log record: message, arguments, traceback and stack."""
        formatter = logging.Formatter()
        for record in records:
            where = f"log {record.name}:{record.levelname}"
            self.texts.append((where, record.getMessage()))
            self.texts.append((f"{where} args", repr(record.args)))
            if record.exc_info:
                self.texts.append((f"{where} exc_text", formatter.formatException(record.exc_info)))
            if record.exc_text:
                self.texts.append((f"{where} exc_text", record.exc_text))
            if record.stack_info:
                self.texts.append((f"{where} stack", record.stack_info))

    def leaks(self) -> list[str]:
        """Every (place, secret) where a secret shows, as readable lines (the secret itself masked)."""
        found = []
        for where, text in self.texts:
            for secret in self.secrets:
                if secret and secret in text:
                    position = text.index(secret)
                    context = text[max(0, position - 60) : position] + "<SECRET>" + text[position + len(secret) :][:40]
                    found.append(f"{where}: ...{context}...")
        return found

    def text_containing(self, marker: str) -> list[str]:
        """Places whose text contains ``marker`` (e.g. a request body that must not be logged)."""
        return [where for where, text in self.texts if marker in text]
