"""In-process httpx transport: requests go straight to an :class:`Emulator`, no sockets."""

from __future__ import annotations

import asyncio
import time

import httpx

from otobo_znuny.emulator.core import DropConnection, Emulator, EmulatorRequest, EmulatorResponse


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Use as ``httpx.Client(transport=...)`` or ``httpx.AsyncClient(transport=...)``.

    A connection dropped by fault injection raises ``httpx.ConnectError`` (before processing) or
    ``httpx.RemoteProtocolError`` (after processing: the server closed without a reply). An unknown
    web-service name also raises ``httpx.RemoteProtocolError`` with the Znuny flavour, like a live
    Znuny; the OTOBO flavour answers it with HTTP 500 and an empty body, like a live OTOBO.
    """

    def __init__(self, emulator: Emulator, *, client_address: str = "127.0.0.1") -> None:
        self.emulator = emulator
        self.client_address = client_address

    def _to_emulator(self, request: httpx.Request, body: bytes) -> EmulatorRequest:
        return EmulatorRequest(
            method=request.method,
            path=request.url.raw_path.split(b"?", 1)[0].decode("ascii"),
            query=request.url.query.decode("ascii"),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            client=self.client_address,
        )

    def _call(self, request: httpx.Request, body: bytes) -> EmulatorResponse:
        try:
            return self.emulator.handle(self._to_emulator(request, body))
        except DropConnection as drop:
            if drop.when == "before" and drop.injected:
                raise httpx.ConnectError("emulator: connection dropped before the request", request=request) from None
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    @staticmethod
    def _to_httpx(response: EmulatorResponse, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            content=response.body,
            request=request,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._call(request, request.read())
        if response.delay:
            time.sleep(response.delay)
        return self._to_httpx(response, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self._call(request, await request.aread())
        if response.delay:
            await asyncio.sleep(response.delay)
        return self._to_httpx(response, request)
