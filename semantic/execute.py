"""Run compiled questions read-only, interruptible by the caller and by the statement timeout.

Each query checks out its own pooled connection (semantic/engines.py), so many threads can query one
database at once. A watchdog thread interrupts the running statement when the caller's cancel event is
set or the statement timeout passes: DuckDB's `interrupt()`, PostgreSQL's cancel request, Spark's
interrupt of the query's tag (a `sc://` URL runs through semantic/spark_connect.py). Both paths are
the same mechanism, so a client that hangs up stops its database work as surely as a timeout does.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from semantic.dberrors import Reason, cancelled_error, connect_error, query_error
from semantic.dialects import facts_of, facts_of_url
from semantic.engines import CHECK_INTERVAL_S, EngineLimits, backend_of, database_for, dispose_engines, engine_for
from semantic.result import Result

__all__ = ["dialect_of_url", "dispose_engines", "engine_for", "execute_compiled", "fetch", "json_rows", "run_compiled"]

POLL_S = 0.05  # how often a cancel event is looked at while a statement runs
log = logging.getLogger("semantic.execute")
dialect_of_url = backend_of


class Watchdog:
    """Interrupts one connection's statement on cancel or timeout, never after the statement has ended
    (the connection may by then be running someone else's query). Every watchdog is watched by one shared
    thread (`WATCHER`): starting a thread per statement cost more than a small question's whole SQL."""

    def __init__(self, interrupt: Callable[[], Any] | None, timeout_s: float,
                 cancel: threading.Event | None) -> None:
        self.reason: Reason = None
        self._interrupt = interrupt
        self.deadline = time.monotonic() + timeout_s
        self.cancel = cancel
        self._done = False
        self._lock = threading.Lock()
        if interrupt is not None:
            WATCHER.add(self)

    def due(self, now: float) -> Reason:
        if self.cancel is not None and self.cancel.is_set():
            return "cancelled"
        return "timeout" if now >= self.deadline else None

    def fire(self, reason: Reason) -> None:
        with self._lock:
            if self._done:
                return
            self.reason = reason
            try:
                self._interrupt()
            except Exception as exc:  # the statement may have ended meanwhile; nothing left to stop
                log.debug("interrupt failed: %s", exc)

    def stop(self) -> None:
        with self._lock:
            self._done = True
        WATCHER.discard(self)


class Watcher:
    """One daemon thread that wakes at the earliest deadline (every POLL_S while a watched statement has a
    cancel event) and fires the watchdogs that are due, each in a thread of its own: an interrupt can block
    (PostgreSQL's cancel request waits for the server) and must not delay the others."""

    def __init__(self) -> None:
        self._watched: set[Watchdog] = set()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf  # when the thread looks next on its own (monotonic seconds)

    def add(self, dog: Watchdog) -> None:
        """Watch `dog`, waking the thread only when it would otherwise look too late for this one: under load
        it already looks every POLL_S, and a wake-up per statement cost a thread switch per question."""
        with self._changed:
            self._watched.add(dog)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="semantic-watchdog", daemon=True)
                self._thread.start()
            due = min(dog.deadline, time.monotonic() + POLL_S) if dog.cancel is not None else dog.deadline
            if due < self._wakes_at:
                self._changed.notify()

    def discard(self, dog: Watchdog) -> None:
        with self._changed:
            self._watched.discard(dog)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                due = [(dog, reason) for dog in self._watched if (reason := dog.due(now)) is not None]
                self._watched.difference_update(dog for dog, _ in due)
                wait = min((dog.deadline - now for dog in self._watched), default=None)
                if any(dog.cancel is not None for dog in self._watched):
                    wait = POLL_S if wait is None else min(wait, POLL_S)
                if not due:
                    self._wakes_at = math.inf if wait is None else now + wait
                    self._changed.wait(wait)
                    self._wakes_at = -math.inf  # awake: the next look sees every watchdog added meanwhile
            for dog, reason in due:
                threading.Thread(target=dog.fire, args=(reason,), name="semantic-interrupt", daemon=True).start()


WATCHER = Watcher()


def _interrupter(conn: sa.Connection, backend: str) -> Callable[[], Any] | None:
    """How to stop the connection's statement from another thread (its dialect's facts), or None."""
    found = facts_of(backend)
    return found.interrupter(conn.connection.driver_connection) if found is not None else None


def fetch(url: str | None, settings: Any, cancel: threading.Event | None,
          execute: Callable[[sa.Connection, Any], Any], limit: int | None) -> tuple[list[Any], str | None]:
    """Rows of one statement (`execute(conn, engine)` returns a cursor), at most `limit`, and the data stamp."""
    own = facts_of_url(url) if url else None
    if own is not None and own.fetch is not None:  # a dialect that runs statements without SQLAlchemy
        return own.fetch(url, settings, cancel, execute, limit)
    if cancel is not None and cancel.is_set():
        raise cancelled_error()
    limits = EngineLimits.of(settings)
    check_interval_s = getattr(settings, "data_probe_interval_s", CHECK_INTERVAL_S)
    with database_for(url).lease(limits, check_interval_s) as (engine, data_version):
        try:
            conn = engine.connect()
        except (SQLAlchemyError, OSError) as exc:
            raise connect_error(exc, limits.pool_timeout_s) from None
        watchdog = Watchdog(_interrupter(conn, engine.dialect.name), settings.statement_timeout_s, cancel)
        try:
            cursor = execute(conn, engine)
            rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
        except SQLAlchemyError as exc:
            raise query_error(exc, watchdog.reason, settings) from None
        except engine.dialect.loaded_dbapi.Error as exc:  # read from a driver's own cursor (plain_cursor)
            raise query_error(_wrapped(exc, engine.dialect), watchdog.reason, settings) from None
        finally:
            watchdog.stop()
            if watchdog.reason is not None:
                conn.invalidate()  # an interrupted connection is not worth trusting with the next query
            conn.close()
    return rows, data_version


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def run_compiled(url: str | None, compiled: Any, version: str, settings: Any,
                 cancel: threading.Event | None = None) -> Result:
    """Execute a CompiledQuery; rows come back JSON-ready (floats, ISO dates), capped at max_rows."""
    fetched, data_version = fetch(url, settings, cancel, lambda conn, _engine: execute_compiled(conn, compiled),
                                  settings.max_rows + 1)
    truncated = len(fetched) > settings.max_rows
    return Result(compiled.columns, json_rows(compiled, fetched[: settings.max_rows]), version, truncated, compiled,
                  data_version)


def execute_compiled(conn: sa.Connection, compiled: Any) -> Any:
    """The cursor of a CompiledQuery run on a connection (bound values in the driver's own style): the driver's
    own cursor where the dialect's facts say `plain_cursor` (no transaction begun), else SQLAlchemy's."""
    dialect = conn.engine.dialect
    text, args = compiled.driver_sql(dialect)
    if not args:
        return conn.execute(compiled.statement)
    found = facts_of(dialect.name) if isinstance(conn, sa.Connection) else None
    if found is None or not found.plain_cursor:
        return conn.exec_driver_sql(text, args)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(text, args)
    except dialect.loaded_dbapi.Error as exc:
        raise _wrapped(exc, dialect, text, args) from None
    return cursor


def _wrapped(exc: Exception, dialect: Any, text: str | None = None, args: Any = None) -> DBAPIError:
    """A driver's error as SQLAlchemy would have raised it, so every caller reads one kind of error."""
    return DBAPIError.instance(text, args, exc, dialect.loaded_dbapi.Error, dialect=dialect)


def json_rows(compiled: Any, fetched: Any) -> list[dict[str, Any]]:
    """Rows keyed by column name with JSON-ready values (floats, ISO dates): what every consumer receives."""
    names = [c.name for c in compiled.columns]
    return [dict(zip(names, (_json_value(v) for v in row))) for row in fetched]
