"""A plain ASGI application serving an :class:`Emulator` over real HTTP (no framework)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from otobo_znuny.emulator.core import DropConnection, Emulator, EmulatorRequest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


#: Returned (instead of ``None``) to make uvicorn close the socket without writing a reply.
DROP = "drop-connection"


def make_app(emulator: Emulator) -> Callable[[Scope, Receive, Send], Awaitable[Any]]:
    """Build the ASGI callable.

    A dropped connection (unknown web service, injected fault) is signalled by returning a
    non-``None`` value before ``http.response.start``: uvicorn's h11 protocol then closes the
    transport without sending anything (it logs "ASGI callable should return None"). Other ASGI
    servers may answer 500 instead.
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return None
        if scope["type"] != "http":
            return None
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        client = scope.get("client") or ("127.0.0.1", 0)
        request = EmulatorRequest(
            method=scope["method"],
            path=raw_path.decode("latin-1").split("?", 1)[0],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=b"".join(chunks),
            client=str(client[0]),
        )
        try:
            response = await asyncio.to_thread(emulator.handle, request)
        except DropConnection:
            return DROP
        if response.delay:
            await asyncio.sleep(response.delay)
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers],
            }
        )
        await send({"type": "http.response.body", "body": response.body})
        return None

    return app
