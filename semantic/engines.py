"""One pooled engine per database and limits, with the database's own resource limits and a data stamp.

Each connection is opened as its dialect's facts say (semantic/dialects/: driver arguments and statements run
on connect): DuckDB read-only with `memory_limit` and `threads` from the settings and no temporary directory,
PostgreSQL read-only with `work_mem` and a server-side statement timeout as a backstop, the warehouses with
their own statement timeouts (docs/warehouses.md).

A DuckDB file's data version is a hash of its identity (inode, size, mtime), checked at most once a
second. When the file was replaced (a new file renamed over it: docs/operations.md), the engines are
disposed and reopened. DuckDB shares one open database per file path inside a process, so the reopen
waits until queries still reading the old file have finished; until then answers keep the old stamp.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from semantic.dialects import DIALECTS, Session, facts, facts_of, facts_of_url
from semantic.errors import SemanticError
from semantic.settings import ExecutionSettings

CHECK_INTERVAL_S = 1.0


@dataclass(frozen=True)
class EngineLimits:
    """The settings that shape an engine (engines are shared per URL and these); made from ExecutionSettings,
    which holds the defaults."""

    memory_limit_mb: int
    threads: int
    pool_timeout_s: float
    statement_timeout_s: float
    max_bytes_billed: int

    @classmethod
    def of(cls, settings: Any = None) -> "EngineLimits":
        settings = settings if settings is not None else ExecutionSettings()
        return cls(int(settings.db_memory_limit_mb), int(settings.db_threads), float(settings.pool_timeout_s),
                   float(settings.statement_timeout_s), int(settings.max_bytes_billed))


def backend_of(url: str | None) -> str:
    if not url:
        return "duckdb"
    own = facts_of_url(url)  # a scheme of its own (Spark Connect's sc://): no SQLAlchemy engine
    if own is not None:
        return own.name
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        raise SemanticError("E_BAD_DATABASE_URL", f"'{url}' is not a database URL",
                            "use a SQLAlchemy URL such as duckdb:///data/ledger.duckdb or "
                            "postgresql+psycopg://user@host/db, or sc://host:port for Spark Connect") from None


def _data_file(url: str) -> str | None:
    """The file whose identity stamps the data (a DuckDB file), or None where the engine has no such file."""
    found = facts_of(backend_of(url))
    return found.data_file(make_url(url)) if found is not None else None


def _identity(path: str) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        raise SemanticError("E_DATABASE_UNAVAILABLE", f"DuckDB file '{path}' does not exist",
                            "create the demo ledger with `semantic demo`, or pass --database URL") from None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _stamp(identity: tuple[int, int, int]) -> str:
    return hashlib.sha256(repr(identity).encode()).hexdigest()[:16]


def _create(url: str, limits: EngineLimits) -> Engine:
    """An engine whose every new connection is set up as its dialect's facts say (read-only, timeout, limits)."""
    found = facts_of(backend_of(url))
    try:
        session = found.session(make_url(url), limits) if found is not None else Session(
            engine_options={"pool_pre_ping": True, "pool_timeout": limits.pool_timeout_s})
        engine = sa.create_engine(url, connect_args=dict(session.connect_args), **session.engine_options)
    except NoSuchModuleError:
        raise SemanticError("E_BAD_DATABASE_URL", f"no SQLAlchemy driver for '{url}'",
                            "install the driver package for this database") from None
    except ArgumentError as exc:
        raise SemanticError("E_BAD_DATABASE_URL", f"bad database URL: {exc}", "check the URL") from None
    if session.statements:
        statements = session.statements

        @sa.event.listens_for(engine, "connect")
        def _set_up(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for statement in statements:
                cursor.execute(statement)
            cursor.close()

    return engine


class Database:
    """A URL's engines and, for a DuckDB file, the identity of the file they read."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = _data_file(url)
        self._engines: dict[EngineLimits, Engine] = {}
        self._cond = threading.Condition()
        self._in_flight = 0
        self._identity: tuple[int, int, int] | None = None
        self._checked = -math.inf
        self._replaced = False  # the file changed; reopen once the queries on the old one have finished

    @property
    def data_version(self) -> str | None:
        return _stamp(self._identity) if self._identity else None

    @contextmanager
    def lease(self, limits: EngineLimits, check_interval_s: float = CHECK_INTERVAL_S
              ) -> Iterator[tuple[Engine, str | None]]:
        """The engine to run one query on and the stamp of the data it reads, held for the query's length."""
        with self._cond:
            self._follow_file(limits.pool_timeout_s, check_interval_s)
            engine = self.engine(limits)
            version = self.data_version
            self._in_flight += 1
        try:
            yield engine, version
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def engine(self, limits: EngineLimits) -> Engine:
        engine = self._engines.get(limits)
        if engine is None:
            engine = self._engines[limits] = _create(self.url, limits)
        return engine

    def current_version(self, limits: EngineLimits, check_interval_s: float = CHECK_INTERVAL_S) -> str | None:
        """The stamp the next query would carry (the file is looked at if `check_interval_s`, at most a second,
        has passed)."""
        with self._cond:
            self._follow_file(limits.pool_timeout_s, check_interval_s)
            return self.data_version

    def settled_version(self, check_interval_s: float = CHECK_INTERVAL_S) -> tuple[bool, str | None]:
        """(True, the stamp the next query would carry) when that is known without waiting: the file was looked
        at within the interval, or is looked at now (one stat) and was not replaced. (False, None) otherwise:
        the caller takes the path that waits for queries on the old file to drain."""
        with self._cond:
            if self.path is None:
                return True, None
            if not self._replaced and time.monotonic() - self._checked >= min(check_interval_s, CHECK_INTERVAL_S):
                try:
                    identity = _identity(self.path)
                except SemanticError:
                    return False, None
                if identity != self._identity:
                    return False, None
                self._checked = time.monotonic()
            return (False, None) if self._replaced else (True, self.data_version)

    def _follow_file(self, wait_s: float, check_interval_s: float = CHECK_INTERVAL_S) -> None:
        """Reopen when the file was replaced; called with the lock held.

        Every caller waits (at most `wait_s`) while queries on the old file drain; one that waits longer
        reads the old file with the old stamp, and the next caller tries again.
        """
        if self.path is None:
            return
        if not self._replaced:
            if time.monotonic() - self._checked < min(check_interval_s, CHECK_INTERVAL_S):
                return
            identity = _identity(self.path)
            self._checked = time.monotonic()
            if self._identity is None or identity == self._identity:
                self._identity = identity
                return
            self._replaced = True
        deadline = time.monotonic() + wait_s
        while self._in_flight:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._cond.wait(remaining)
        if self._replaced:  # not already done by another waiter
            self.dispose()
            self._identity = _identity(self.path)
            self._checked = time.monotonic()
            self._replaced = False

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def database_for(url: str | None) -> Database:
    if not url:
        raise SemanticError("E_NO_DATABASE", "no database is configured",
                            "pass --database URL or set SEMANTIC_DATABASE_URL (run `semantic demo` for a demo ledger)")
    with _lock:
        database = _databases.get(url)
        if database is None:
            database = _databases[url] = Database(url)
        return database


def engine_for(url: str | None, settings: Any = None) -> Engine:
    """The shared read-only engine for a URL and settings (for hand-written SQL in tests and benchmarks)."""
    database = database_for(url)
    limits = EngineLimits.of(settings)
    with database.lease(limits) as (engine, _):
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests and servers call it on shutdown)."""
    with _lock:
        for database in _databases.values():
            with database._cond:
                database.dispose()
        _databases.clear()
    for name in DIALECTS:  # dialects reached without SQLAlchemy keep sessions of their own (Spark Connect)
        close = facts(name).close_all
        if close is not None:
            close()
