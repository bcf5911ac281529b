"""Every request gets an id, an access log line and its place in the metrics.

`Observe` is the outermost middleware: it takes the client's X-Request-ID when it is short and plain (else makes
one), sets it for every log line of the request (server/logs.py), echoes it in the response header, and when
the answer has gone out writes one access line (method, path, status, duration, operation, caller subject: never
a token, a query string or a claim's value) and records the request in the metrics.

The operation is what the GraphQL extension `OperationLabel` left in the request's state (the operation name,
and the codes of the errors it answered), else the route's path template. HTTP refusals made before GraphQL
(401, 413, 503...) carry their code in a small JSON body, read here only for error statuses.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from server import metrics
from server.context import CALLER_STATE
from server.logs import REQUEST_ID, request_id_from

access_log = logging.getLogger("semantic.access")
REQUEST_ID_HEADER = b"x-request-id"
OPERATION_STATE, CODES_STATE = "graphql_operation", "error_codes"
MAX_PATH_CHARS = 200
MAX_ERROR_BODY = 16_384


class OperationLabel(SchemaExtension):
    """Leaves the GraphQL operation's label and its error codes in the request state, for `Observe`.

    Listed before ApiErrors, so its code after `yield` runs once ApiErrors has given every error its code."""

    names = metrics.OperationNames()

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        request = getattr(context, "request", None)
        if request is None:
            return
        state = request.scope.setdefault("state", {})
        state[OPERATION_STATE] = self.names.label(self.execution_context.operation_name)
        result = self.execution_context.result
        errors = result.errors if result is not None and result.errors else ()
        state[CODES_STATE] = [(e.extensions or {}).get("code", "E_INTERNAL") for e in errors]


def operation_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    if OPERATION_STATE in state:
        return state[OPERATION_STATE]
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def codes_in(body: bytes) -> list[str]:
    """The error codes of one of our JSON error bodies (`{"errors": [{"extensions": {"code"}}]}`), if it is one."""
    try:
        errors = json.loads(body).get("errors") or []
        return [str(e["extensions"]["code"]) for e in errors if isinstance(e, dict)]
    except (ValueError, AttributeError, KeyError, TypeError):
        return []


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        metrics.time_database_statements()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = next((v for k, v in scope["headers"] if k == REQUEST_ID_HEADER), b"").decode("latin-1") or None
        request_id = request_id_from(incoming)
        token = REQUEST_ID.set(request_id)
        status = 500
        error_body = bytearray()

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, (REQUEST_ID_HEADER, request_id.encode())]}
            elif status >= 400 and len(error_body) < MAX_ERROR_BODY:
                error_body.extend(message.get("body", b"")[:MAX_ERROR_BODY])
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self._account(scope, status, time.perf_counter() - started, bytes(error_body))
            REQUEST_ID.reset(token)

    @staticmethod
    def _account(scope: Scope, status: int, duration_s: float, error_body: bytes) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        operation = operation_of(scope)
        codes = state.get(CODES_STATE) or (codes_in(error_body) if error_body else [])
        metrics.record(operation, status, duration_s, codes)
        caller = state.get(CALLER_STATE)
        access_log.info("%s %s %s %.1f ms", scope.get("method"), scope.get("path", "")[:MAX_PATH_CHARS], status,
                        duration_s * 1000, extra={
                            "method": scope.get("method"), "path": scope.get("path", "")[:MAX_PATH_CHARS],
                            "status": status, "duration_ms": round(duration_s * 1000, 2), "operation": operation,
                            "subject": getattr(caller, "subject", None)})
