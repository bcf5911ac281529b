"""Refusals made before GraphQL runs (bad JSON, no query, no token, too big) in the GraphQL `errors` shape.

Strawberry answers request-level problems with plain text, and middleware answers before any router; a
client reading `errors[0].extensions.code` (our python client, BI tools) would otherwise get nothing it can
act on. Every such answer here is `{"data": null, "errors": [{message, extensions: {code, hint}}]}`.
"""
from __future__ import annotations

import json
from typing import Awaitable, Callable

from cross_web import HTTPException
from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Send

CODES: dict[int, str] = {400: "E_BAD_REQUEST", 401: "E_UNAUTHORIZED", 404: "E_NOT_FOUND",
                         405: "E_METHOD_NOT_ALLOWED", 408: "E_REQUEST_TIMEOUT",
                         413: "E_REQUEST_TOO_LARGE", 500: "E_INTERNAL"}
SHAPE = 'send a JSON object {"query": "...", "variables": {...}} with content-type: application/json'
# Hints for the reasons strawberry itself gives (matched by fragment; the messages are strawberry's).
HINTS: tuple[tuple[str, str], ...] = (
    ("Batching", "batched requests (a JSON array of operations) are not supported: send one operation per "
                 "request, as a JSON object"),
    ("content type", "POST with content-type: application/json, or GET /graphql?query=..."),
    ("`query` must be", '"query" is the GraphQL document as one JSON string'),
    ("`variables` must be", '"variables" is a JSON object keyed by variable name, e.g. {"m": ["bookings"]}'),
    ("`extensions` must be", '"extensions" is a JSON object, or leave it out'),
    ("operation named", '"operationName" must name an operation in the document, or leave it out'),
    ("Can't get GraphQL operation type", "the document holds no operation to run, or several without a "
                                         'chosen "operationName"'),
    ("when using GET", "send this operation with POST"),
    ("Not Found", "GraphiQL is turned off (the graphiql setting); POST a query to /graphql instead"),
)
PATH_HINTS: dict[int, str] = {405: "POST a JSON body (or GET with ?query=) to /graphql",
                              404: "the GraphQL endpoint is /graphql itself, with nothing after it"}


class RequestError(HTTPException):
    """An HTTP-level refusal that already knows how to fix it."""

    def __init__(self, status_code: int, reason: str, hint: str) -> None:
        super().__init__(status_code, reason)
        self.hint = hint


def error_body(status: int, message: str, hint: str, code: str | None = None) -> bytes:
    """The JSON error body; `code` defaults to the one that goes with the status."""
    error = {"message": message, "extensions": {"code": code or CODES.get(status, f"E_HTTP_{status}"), "hint": hint}}
    return json.dumps({"data": None, "errors": [error]}).encode()


def error_response(exc: HTTPException) -> Response:
    """Strawberry's (or our own) HTTPException as a JSON error with a code and a hint."""
    hint = getattr(exc, "hint", None) or next((h for fragment, h in HINTS if fragment in exc.reason), SHAPE)
    return Response(error_body(exc.status_code, exc.reason, hint), status_code=exc.status_code,
                    media_type="application/json")


async def send_error(send: Send, status: int, message: str, hint: str,
                     headers: tuple[tuple[bytes, bytes], ...] = (), code: str | None = None) -> None:
    """The same body from plain ASGI middleware, which answers before any router exists."""
    body = error_body(status, message, hint, code)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def api_path_errors(hints: dict[str, dict[int, str]]) -> Callable[[Request, StarletteHTTPException],
                                                                   Awaitable[Response]]:
    """A FastAPI handler for routing refusals (wrong method, unknown sub-path) under the API's prefixes.

    `hints` maps a path prefix to hints by status; other paths keep FastAPI's own `{"detail": ...}` answers.
    """
    async def handle(request: Request, exc: StarletteHTTPException) -> Response:
        prefix = next((p for p in hints if request.url.path.startswith(p)), None)
        if prefix is None or exc.status_code not in CODES:
            return await http_exception_handler(request, exc)
        hint = hints[prefix].get(exc.status_code, SHAPE)
        return Response(error_body(exc.status_code, str(exc.detail), hint), status_code=exc.status_code,
                        headers=exc.headers, media_type="application/json")
    return handle
