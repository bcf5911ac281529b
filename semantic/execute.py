"""Run compiled questions read-only, with a statement timeout, and turn failures into clear errors.

Engines are cached per URL (one pool per database); each query checks out its own connection, so many
threads can query one DuckDB file at once. PostgreSQL gets `default_transaction_read_only` and
`statement_timeout` as connection options; DuckDB opens files read-only and is interrupted by a timer.
"""
from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from semantic.errors import SemanticError, first_line
from semantic.result import Result

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def dialect_of_url(url: str | None) -> str:
    if not url:
        return "duckdb"
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        raise SemanticError("E_BAD_DATABASE_URL", f"'{url}' is not a database URL",
                            "use a SQLAlchemy URL such as duckdb:///data/ledger.duckdb or "
                            "postgresql+psycopg://user@host/db") from None


def engine_for(url: str | None) -> Engine:
    """The shared read-only engine for a URL (created on first use)."""
    if not url:
        raise SemanticError("E_NO_DATABASE", "no database is configured",
                            "pass --database URL or set SEMANTIC_DATABASE_URL (run `semantic demo` for a demo ledger)")
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create(url)
        return engine


def _create(url: str) -> Engine:
    backend = dialect_of_url(url)
    try:
        if backend == "duckdb":
            database = make_url(url).database
            if database and database != ":memory:" and not Path(database).exists():
                raise SemanticError("E_DATABASE_UNAVAILABLE", f"DuckDB file '{database}' does not exist",
                                    "create the demo ledger with `semantic demo`, or pass --database URL")
            read_only = bool(database and database != ":memory:")
            # no reading of files or URLs from SQL: questions see the ledger's tables and nothing else
            config = {"enable_external_access": False}
            return sa.create_engine(url, connect_args={"read_only": read_only, "config": config},
                                    pool_pre_ping=False)
        if backend == "postgresql":
            return sa.create_engine(url, pool_pre_ping=True, connect_args={
                "options": "-c default_transaction_read_only=on", "connect_timeout": 5})
        return sa.create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError:
        raise SemanticError("E_BAD_DATABASE_URL", f"no SQLAlchemy driver for '{url}'",
                            "install the driver package for this database") from None
    except ArgumentError as exc:
        raise SemanticError("E_BAD_DATABASE_URL", f"bad database URL: {exc}", "check the URL") from None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value




def _arm_timeout(conn: sa.Connection, backend: str, seconds: float) -> threading.Timer | None:
    if backend == "postgresql":
        conn.exec_driver_sql(f"SET statement_timeout = {int(seconds * 1000)}")
        return None
    if backend == "duckdb":
        raw = conn.connection.driver_connection
        timer = threading.Timer(seconds, raw.interrupt)
        timer.daemon = True
        timer.start()
        return timer
    return None


def run_compiled(url: str | None, compiled: Any, version: str, settings: Any) -> Result:
    """Execute a CompiledQuery; rows come back JSON-ready (floats, ISO dates), capped at max_rows."""
    engine = engine_for(url)
    backend = engine.dialect.name
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        raise SemanticError("E_DATABASE_UNAVAILABLE", f"cannot connect to the database: {first_line(exc)}",
                            "check that the database is running and the URL is right") from None
    timer = None
    try:
        timer = _arm_timeout(conn, backend, settings.statement_timeout_s)
        text, args = compiled.driver_sql(engine.dialect)
        cursor = conn.exec_driver_sql(text, args) if args else conn.execute(compiled.statement)
        fetched = cursor.fetchmany(settings.max_rows + 1)
    except DBAPIError as exc:
        message = first_line(exc)
        if "cancel" in message.lower() or "interrupt" in message.lower() or "timeout" in message.lower():
            raise SemanticError("E_QUERY_TIMEOUT", f"the query ran longer than {settings.statement_timeout_s:g} s",
                                "narrow the time range or dimensions, or raise the statement timeout") from None
        if exc.connection_invalidated:
            raise SemanticError("E_DATABASE_UNAVAILABLE", f"lost the database connection: {message}",
                                "check that the database is running") from None
        raise SemanticError("E_QUERY_FAILED", f"the database refused the query: {message}",
                            "check that the tables and columns in the definitions exist "
                            "(semantic validate --database URL)") from None
    except SQLAlchemyError as exc:
        raise SemanticError("E_QUERY_FAILED", f"query failed: {first_line(exc)}", "") from None
    finally:
        if timer is not None:
            timer.cancel()
        conn.close()
    names = [c.name for c in compiled.columns]
    truncated = len(fetched) > settings.max_rows
    rows = [dict(zip(names, (_json_value(v) for v in row))) for row in fetched[: settings.max_rows]]
    return Result(compiled.columns, rows, version, truncated, compiled)


def dispose_engines() -> None:
    """Close every pooled connection (tests and servers call it on shutdown)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
