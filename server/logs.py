"""Log lines as JSON (one object per line, for log shippers) or text, each carrying its request's id.

The request id lives in a context variable set by the `Observe` middleware: every line logged while a request
is handled (in the event loop or in the worker threads it starts, which copy the context) carries it, with no
logger having to pass it along. Lines logged outside a request carry `"request_id": null`.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import IO

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCEPTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")  # short, printable, no spaces or control characters
FORMATS = ("json", "text")
ENV_LOG_FORMAT = "SEMANTIC_LOG_FORMAT"
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "operation", "subject")  # never tokens or claims
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "request_id"}


def request_id_from(incoming: str | None) -> str:
    """The client's X-Request-ID when it is short and plain, otherwise a new random one."""
    if incoming is not None and ACCEPTED_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id", ...extra fields}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None)}
        line.update({k: v for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")


def configure_logging(log_format: str = "text", level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """One handler (stderr) on the root logger; uvicorn's own loggers propagate to it (run it with log_config=None)."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not '{log_format}'")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the app writes its own access line (semantic.access)
