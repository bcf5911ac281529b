"""Database failures as coded errors whose messages say nothing about the server's files or processes.

Driver messages are useful ("Binder Error: column x not found") but some carry server details a client
must not see: DuckDB's lock error names the file's absolute path, the program holding the lock, its
process id and user. `sanitize` strips those before a message leaves the library.
"""
from __future__ import annotations

import re
from typing import Any, Literal

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from semantic.dialects import BYTES_CAP_MESSAGES, TIMEOUT_MESSAGES
from semantic.errors import SemanticError, first_line

Reason = Literal["cancelled", "timeout"] | None

_HOLDER = re.compile(r"\s*Conflicting lock is held in .*?(?:by user \S+?)?(?:\.\s|\.$|$)", re.IGNORECASE)
_QUOTED_PATH = re.compile(r"([\"'])/[^\"']*\1")
_BARE_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.@+-]+/)*[\w.@+-]+")
_PID = re.compile(r"\s*\(PID:?\s*\d+\)|\s*\bPID:?\s*\d+", re.IGNORECASE)
_SEE_ALSO = re.compile(r"\s*See also https?://\S+", re.IGNORECASE)

LOCK_HINT = ("another program has the DuckDB file open for writing; refresh the ledger by writing a new file "
             "and renaming it over the old one (docs/operations.md)")


def sanitize(message: str) -> str:
    """The message without file paths, process ids or the program holding a lock."""
    text = _HOLDER.sub(" another program holds a conflicting lock. ", message)
    text = _SEE_ALSO.sub("", text)
    text = _QUOTED_PATH.sub(r"\1<file>\1", text)
    text = _BARE_PATH.sub("<file>", text)
    text = _PID.sub("", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def driver_message(exc: BaseException) -> str:
    return sanitize(first_line(exc))


def connect_error(exc: BaseException, pool_timeout_s: float) -> SemanticError:
    """A failure to get a connection: the pool is full, or the database cannot be reached."""
    if isinstance(exc, PoolTimeout):
        return SemanticError("E_DATABASE_BUSY", f"every database connection stayed busy for {pool_timeout_s:g} s "
                             "(setting pool_timeout_s)", "retry shortly; if it persists, ask fewer questions at "
                             "once or raise pool_timeout_s")
    message = driver_message(exc)
    hint = LOCK_HINT if "lock" in message.lower() else "check that the database is running and the URL is right"
    return SemanticError("E_DATABASE_UNAVAILABLE", f"cannot connect to the database: {message}", hint)


def cancelled_error() -> SemanticError:
    return SemanticError("E_QUERY_CANCELLED", "the query was cancelled before it finished",
                         "ask again if the answer is still needed")


def query_error(exc: SQLAlchemyError, reason: Reason, settings: Any) -> SemanticError:
    """A failure while a statement ran; `reason` says whether this layer interrupted it and why."""
    if reason == "cancelled":
        return cancelled_error()
    message = driver_message(exc)
    lowered = message.lower()
    if reason == "timeout" or any(fragment in lowered for fragment in TIMEOUT_MESSAGES):
        return SemanticError("E_QUERY_TIMEOUT", f"the query ran longer than {settings.statement_timeout_s:g} s",
                             "narrow the time range or dimensions, or raise the statement timeout")
    if any(fragment in lowered for fragment in BYTES_CAP_MESSAGES):  # refused before it ran: nothing billed
        cap = settings.max_bytes_billed
        limit = f"the limit of {cap:,} (setting max_bytes_billed)" if cap else "the project's default limit"
        return SemanticError("E_QUERY_TOO_COSTLY", f"the query would bill more bytes than {limit}",
                             "narrow the time range, use a coarser grain or fewer dimensions, or raise "
                             + ("max_bytes_billed" if cap else "the project's maximum bytes billed"))
    if "out of memory" in lowered:
        return SemanticError("E_QUERY_TOO_COSTLY", "the query needed more database memory than the limit of "
                             f"{settings.db_memory_limit_mb} MB (setting db_memory_limit_mb)",
                             "narrow the time range, use a coarser grain or fewer dimensions, "
                             "or raise db_memory_limit_mb")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return SemanticError("E_DATABASE_UNAVAILABLE", f"lost the database connection: {message}",
                             "check that the database is running")
    if not isinstance(exc, DBAPIError):
        return SemanticError("E_QUERY_FAILED", f"query failed: {message}", "")
    return SemanticError("E_QUERY_FAILED", f"the database refused the query: {message}",
                         "check that the tables and columns in the definitions exist "
                         "(semantic validate --database URL)")
