"""One pooled engine per database and limits, with the database's own resource limits and a data stamp.

DuckDB connections get `memory_limit` and `threads` from the settings and no temporary directory (a query
that needs more memory fails with a coded error instead of growing or spilling next to the ledger).
PostgreSQL connections are read-only with `work_mem` and a server-side statement timeout as a backstop.

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

    @classmethod
    def of(cls, settings: Any = None) -> "EngineLimits":
        settings = settings if settings is not None else ExecutionSettings()
        return cls(int(settings.db_memory_limit_mb), int(settings.db_threads), float(settings.pool_timeout_s),
                   float(settings.statement_timeout_s))

    @property
    def work_mem_mb(self) -> int:
        """PostgreSQL work_mem: each sort or hash of each connection may use this much, so a fraction."""
        return max(4, min(self.memory_limit_mb // 32, 2048))

    @property
    def connect_timeout_s(self) -> int:
        """libpq counts whole seconds and treats anything under 2 as 2."""
        return max(2, math.ceil(self.pool_timeout_s))


def backend_of(url: str | None) -> str:
    if not url:
        return "duckdb"
    if url.startswith("sc://"):  # Spark Connect: no SQLAlchemy engine (semantic/spark_connect.py)
        return "spark"
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        raise SemanticError("E_BAD_DATABASE_URL", f"'{url}' is not a database URL",
                            "use a SQLAlchemy URL such as duckdb:///data/ledger.duckdb or "
                            "postgresql+psycopg://user@host/db, or sc://host:port for Spark Connect") from None


def _duckdb_file(url: str) -> str | None:
    database = make_url(url).database
    return database if database and database != ":memory:" else None


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
    backend = backend_of(url)
    try:
        if backend == "duckdb":
            path = _duckdb_file(url)
            # no reading of files or URLs from SQL, and no spilling to disk next to the ledger
            config = {"enable_external_access": False, "temp_directory": ""}
            pooling = {"pool_timeout": limits.pool_timeout_s} if path else {}  # :memory: is one per thread
            engine = sa.create_engine(url, connect_args={"read_only": path is not None, "config": config},
                                      pool_pre_ping=False, **pooling)
            settings = (f"SET memory_limit = '{int(limits.memory_limit_mb)}MB'", f"SET threads = {int(limits.threads)}")

            @sa.event.listens_for(engine, "connect")
            def _apply_limits(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                for statement in settings:
                    cursor.execute(statement)
                cursor.close()

            return engine
        if backend == "postgresql":
            backstop_ms = int((limits.statement_timeout_s + 1) * 1000)  # the client cancels first
            options = (f"-c default_transaction_read_only=on -c statement_timeout={backstop_ms} "
                       f"-c work_mem={limits.work_mem_mb}MB")
            return sa.create_engine(url, pool_pre_ping=True, pool_timeout=limits.pool_timeout_s, connect_args={
                "options": options, "connect_timeout": limits.connect_timeout_s})
        return sa.create_engine(url, pool_pre_ping=True, pool_timeout=limits.pool_timeout_s)
    except NoSuchModuleError:
        raise SemanticError("E_BAD_DATABASE_URL", f"no SQLAlchemy driver for '{url}'",
                            "install the driver package for this database") from None
    except ArgumentError as exc:
        raise SemanticError("E_BAD_DATABASE_URL", f"bad database URL: {exc}", "check the URL") from None


class Database:
    """A URL's engines and, for a DuckDB file, the identity of the file they read."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = _duckdb_file(url) if backend_of(url) == "duckdb" else None
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
    def lease(self, limits: EngineLimits) -> Iterator[tuple[Engine, str | None]]:
        """The engine to run one query on and the stamp of the data it reads, held for the query's length."""
        with self._cond:
            self._follow_file(limits.pool_timeout_s)
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

    def current_version(self, limits: EngineLimits) -> str | None:
        """The stamp the next query would carry (the file is looked at if a second has passed)."""
        with self._cond:
            self._follow_file(limits.pool_timeout_s)
            return self.data_version

    def _follow_file(self, wait_s: float) -> None:
        """Reopen when the file was replaced; called with the lock held.

        Every caller waits (at most `wait_s`) while queries on the old file drain; one that waits longer
        reads the old file with the old stamp, and the next caller tries again.
        """
        if self.path is None:
            return
        if not self._replaced:
            if time.monotonic() - self._checked < CHECK_INTERVAL_S:
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
    from semantic.spark_connect import close_sessions

    close_sessions()
