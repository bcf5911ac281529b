"""Request-body limits as plain ASGI middleware, applied before anything parses the body.

Size: a declared Content-Length over the limit is refused at once; a chunked body is buffered up to the
limit and refused as soon as it goes over, so a client can never make the server hold more than the limit.

Time: the whole body must arrive within `body_timeout_s` of the request's headers. A client that sends
headers and half a body and then stalls gets HTTP 408 E_REQUEST_TIMEOUT with `Connection: close`, so the
server closes the socket instead of holding it (and a buffer) for as long as the client likes.
"""
from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.http_errors import send_error

CLOSE = ((b"connection", b"close"),)


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body_bytes
            except ValueError:
                too_big = False  # the server's HTTP parser rejects malformed lengths itself
            if too_big:
                await self._refuse(send)
                return
        deadline = time.monotonic() + self.body_timeout_s
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                await send_error(send, 408, f"the request body did not arrive within {self.body_timeout_s:g} s",
                                 "send the whole body at once; the operator can raise the body_timeout_s setting",
                                 headers=CLOSE)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send) -> None:
        await send_error(send, 413, f"request body is larger than {self.max_body_bytes} bytes",
                         "send a smaller query, or raise the max_body_bytes setting")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that hands the buffered body over once, then defers to the real channel."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
