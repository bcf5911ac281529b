"""What the server does with an exception nobody expected: a coded answer, and one short log line.

A RecursionError is deep input (nested parentheses in `where`, a filter value nested hundreds of levels)
that got past the library's own depth limits: it is the client's doing, so it becomes a 400-class refusal,
not E_INTERNAL. Anything else is a bug: the client gets E_INTERNAL with a reference id.

Either way the log gets ONE line per failure (reference, exception type, a short message). A traceback is
logged only the first time an exception type is seen, cut to its last frames and a few KB: a RecursionError's
traceback is thousands of identical frames, and fifty of them once filled 38 MB of log.
"""
from __future__ import annotations

import logging
import threading
import traceback
import uuid
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semantic.dberrors import sanitize
from server.http_errors import send_error

log = logging.getLogger("semantic.server")
MESSAGE_CHARS = 200
TRACEBACK_FRAMES = 12
TRACEBACK_CHARS = 4000
DATABASE_CODES = frozenset({"E_QUERY_FAILED", "E_DATABASE_UNAVAILABLE", "E_DATABASE_BUSY", "E_QUERY_TIMEOUT"})
BUG_HINT = "this is a bug in the server, not in your request; the server log has the details"
_seen_types: set[str] = set()
_seen_lock = threading.Lock()


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    hint: str
    status: int


def short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "..."


def too_deep(exc: BaseException) -> bool:
    """A RecursionError, or a serialiser's own depth guard (pydantic: 'Maximum serialization depth')."""
    return isinstance(exc, RecursionError) or "depth exceeded" in str(exc)


def unexpected(exc: BaseException, where: str, deep_code: str = "E_VALUE_TOO_DEEP") -> Failure:
    """Log `exc` (briefly) and say what the client gets; `deep_code` names what was too deep here."""
    reference = uuid.uuid4().hex[:12]
    if too_deep(exc):
        log.warning("refused %s in %s: input nested too deeply (%s)", reference, where, type(exc).__name__)
        return Failure(deep_code, f"the input is nested too deeply to process (reference {reference})",
                       "nest fewer parentheses, not/and/or, or list levels", 400)
    name = type(exc).__name__
    log.error("unexpected error %s in %s: %s: %s", reference, where, name, sanitize(short(exc)))
    with _seen_lock:
        first = name not in _seen_types
        _seen_types.add(name)
    if first:
        text = "".join(traceback.format_exception(exc, limit=-TRACEBACK_FRAMES, chain=False))
        log.error("first %s seen (reference %s); traceback, last frames:\n%s", name, reference,
                  text[-TRACEBACK_CHARS:])
    return Failure("E_INTERNAL", f"internal error (reference {reference})", BUG_HINT, 500)


class LastResort:
    """ASGI middleware: an exception that escaped every handler still gets a coded JSON answer and one log
    line, instead of Starlette's plain-text 500 plus the server's full traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001 - the point of this middleware
            failure = unexpected(exc, f"{scope.get('method')} {scope.get('path')}")
            if not started:
                await send_error(send, failure.status, failure.message, failure.hint, code=failure.code)
