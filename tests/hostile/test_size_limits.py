"""Size limits: oversized input is refused before sending; oversized replies are not read whole."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from otobo_znuny import (
    Article,
    Attachment,
    OTOBOZnunyClient,
    OTOBOZnunySyncClient,
    ReplyTooLargeError,
    RequestValidationError,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_async_client, make_sync_client

from .clients import KINDS, Kind, call, close, mock_client

LIMIT = 1000


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    kind: Kind = request.param
    return kind


def _emulated(kind: Kind, emulator: Emulator, **options: Any) -> OTOBOZnunyClient | OTOBOZnunySyncClient:
    maker = make_sync_client if kind == "sync" else make_async_client
    return maker(emulator, **options)


def _file(size: int) -> Attachment:
    return Attachment.from_bytes("data.bin", bytes(range(256)) * (size // 256) + b"x" * (size % 256))


def _writes(
    attachment: Attachment | None = None, body: str = "body"
) -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every client method that sends an article: its arguments, with ``attachment`` and ``body``."""
    attachments = [attachment] if attachment else []
    article = Article(subject="s", body=body, attachments=attachments)
    return {
        "add_note": ((1, body), {"attachments": attachments}),
        "add_email_article": ((1,), {"to": "a@example.com", "subject": "s", "body": body, "attachments": attachments}),
        "create_ticket": ((TicketCreate(title="t", queue="Raw", customer_user="carla", article=article),), {}),
        "update_ticket": ((TicketUpdate(id=1, article=article),), {}),
    }


# ---- input limits ----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", sorted(_writes()))
async def test_attachment_over_the_limit_is_refused_before_sending(kind: Kind, operation: str) -> None:
    emulator = Emulator.from_seed("demo")
    client = _emulated(kind, emulator, max_attachment_bytes=LIMIT)
    args, kwargs = _writes(_file(LIMIT + 1))[operation]
    with pytest.raises(RequestValidationError) as raised:
        await call(client, operation, *args, **kwargs)
    await close(client)
    assert raised.value.field.endswith("attachments[0].content")
    assert f"{LIMIT + 1} bytes exceeds the limit of {LIMIT} bytes" in str(raised.value)
    assert emulator.counters.total == 0, "a request reached the server"


@pytest.mark.parametrize("operation", sorted(_writes()))
async def test_body_over_the_limit_is_refused_before_sending(kind: Kind, operation: str) -> None:
    emulator = Emulator.from_seed("demo")
    client = _emulated(kind, emulator, max_body_chars=LIMIT)
    args, kwargs = _writes(body="ü" * (LIMIT + 1))[operation]
    with pytest.raises(RequestValidationError) as raised:
        await call(client, operation, *args, **kwargs)
    await close(client)
    assert raised.value.field.endswith("body")
    assert f"{LIMIT + 1} characters exceeds the limit of {LIMIT}" in str(raised.value)
    assert emulator.counters.total == 0, "a request reached the server"


async def test_attachment_and_body_at_the_limit_are_sent_whole(kind: Kind) -> None:
    emulator = Emulator.from_seed("demo")
    client = _emulated(kind, emulator, max_attachment_bytes=LIMIT, max_body_chars=LIMIT)
    ticket_id = (await call(client, "search_tickets", TicketSearch(limit=1)))[0]
    attachment = _file(LIMIT)
    body = "ü" * LIMIT  # characters, not bytes: 2000 bytes of UTF-8
    reference = await call(client, "add_note", ticket_id, body, attachments=[attachment])
    ticket = await call(client, "get_ticket", ticket_id, attachments=True)
    await close(client)
    article = next(a for a in ticket.articles if a.id in reference.article_ids)
    assert article.body == body
    assert [a.content for a in article.attachments] == [attachment.content]


# ---- reply limits ------------------------------------------------------------------------------


class CountingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A reply body of ``count`` chunks that records how many the client consumed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.consumed = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.consumed += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.consumed += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _streaming(stream: CountingStream, headers: dict[str, str] | None = None) -> tuple[Any, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, headers={"Content-Type": "application/json", **(headers or {})}, stream=stream)

    return handler, sent


async def test_streamed_reply_over_the_limit_stops_early(kind: Kind) -> None:
    stream = CountingStream([b" " * 100] * 100_000)  # 10 MB in 100-byte chunks
    handler, sent = _streaming(stream)
    client = mock_client(kind, handler, max_reply_bytes=LIMIT, max_retries=2)
    with pytest.raises(ReplyTooLargeError) as raised:
        await call(client, "get_ticket", 1)
    await close(client)
    assert stream.consumed == LIMIT // 100 + 1, "the client read past the limit"
    assert stream.closed
    assert len(sent) == 1, "an oversized reply is not retried"
    assert raised.value.operation == "TicketGet"
    assert f"larger than max_reply_bytes ({LIMIT + 100} > {LIMIT} bytes)" in str(raised.value)


async def test_announced_content_length_over_the_limit_reads_nothing(kind: Kind) -> None:
    stream = CountingStream([b" " * 100] * 100)
    handler, _ = _streaming(stream, {"Content-Length": str(10**12)})
    client = mock_client(kind, handler, max_reply_bytes=LIMIT)
    with pytest.raises(ReplyTooLargeError, match=r"\(1000000000000 > 1000 bytes\)"):
        await call(client, "search_tickets", TicketSearch())
    await close(client)
    assert stream.consumed == 0
    assert stream.closed


async def test_understated_content_length_is_not_trusted(kind: Kind) -> None:
    stream = CountingStream([b" " * 100] * 100_000)
    handler, _ = _streaming(stream, {"Content-Length": "10"})
    client = mock_client(kind, handler, max_reply_bytes=LIMIT)
    with pytest.raises(ReplyTooLargeError):
        await call(client, "get_ticket_history", 1)
    await close(client)
    assert stream.consumed == LIMIT // 100 + 1


async def test_compressed_reply_is_limited_after_decompression(kind: Kind) -> None:
    """A gzip bomb: a small compressed reply that inflates far beyond the limit."""
    compressed = gzip.compress(b" " * 50_000_000)
    chunks = [compressed[i : i + 1024] for i in range(0, len(compressed), 1024)]
    stream = CountingStream(chunks)
    handler, _ = _streaming(stream, {"Content-Encoding": "gzip"})
    client = mock_client(kind, handler, max_reply_bytes=100_000)
    with pytest.raises(ReplyTooLargeError):
        await call(client, "get_ticket", 1)
    await close(client)
    assert stream.consumed < len(chunks) // 10, f"read {stream.consumed} of {len(chunks)} compressed chunks"


async def test_oversized_error_page_is_refused_too(kind: Kind) -> None:
    stream = CountingStream([b"<html>" + b"x" * 94] * 100_000)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, headers={"Content-Type": "text/html"}, stream=stream)

    client = mock_client(kind, handler, max_reply_bytes=LIMIT, max_retries=0)
    with pytest.raises(ReplyTooLargeError):
        await call(client, "get_ticket", 1)
    await close(client)
    assert stream.consumed == LIMIT // 100 + 1


async def test_reply_at_the_limit_is_read(kind: Kind) -> None:
    body = json.dumps({"TicketID": [str(i) for i in range(1, 500)]}).encode()
    body += b" " * (LIMIT * 10 - len(body))
    stream = CountingStream([body[i : i + 100] for i in range(0, len(body), 100)])
    handler, _ = _streaming(stream)
    client = mock_client(kind, handler, max_reply_bytes=len(body))
    ids = await call(client, "search_tickets", TicketSearch())
    await close(client)
    assert ids == list(range(1, 500))
