"""Questions run on Spark (a cluster, Databricks, or a local server) through Spark Connect.

The URL is Spark Connect's own, `sc://host:port/;param=value...`, plus one parameter of the layer's,
`database=NAME` (or `catalog.schema`), the schema the definitions' table names are read in. Statements are
compiled in Spark SQL (semantic/dialects/spark_sql.py) and sent with `spark.sql(text, args={...})`: every value is
bound by Spark, never spliced into the text. Only a single SELECT (or WITH ... SELECT) is ever sent; that is
checked here before sending, but the real guard is the server's own permissions (docs/spark.md).

Each query runs under a tag of its own; the execution watchdog (semantic/execute.py) interrupts that tag on
cancel or timeout, so a question stops on the cluster as it does on DuckDB or PostgreSQL.
"""
from __future__ import annotations

import re
import socket
import threading
import uuid
import warnings
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from semantic.dberrors import Reason, cancelled_error, sanitize
from semantic.definitions.sql_policy import STATEMENT_NODES
from semantic.errors import SemanticError

SCHEME = "sc://"
_CHANGES = tuple(n for n in STATEMENT_NODES if n not in (exp.Placeholder, exp.Parameter))
_UNREACHABLE = re.compile(r"UNAVAILABLE|failed to connect|connection refused|Connection reset|Socket closed|"
                          r"RetriesExceeded|deadline exceeded", re.IGNORECASE)


def is_spark_url(url: str | None) -> bool:
    return bool(url) and url.startswith(SCHEME)  # type: ignore[union-attr]


def split_url(url: str) -> tuple[str, str | None]:
    """Spark Connect's URL without the layer's `database=` parameter, and that database."""
    head, _, tail = url.partition(";")
    params = [p for p in tail.split(";") if p]
    database = next((p.partition("=")[2] for p in params if p.partition("=")[0] == "database"), None)
    rest = [p for p in params if p.partition("=")[0] != "database"]
    return head + (";" + ";".join(rest) if rest else ""), database or None


def with_database(url: str, database: str) -> str:
    """`url` reading its tables in `database`."""
    base, _ = split_url(url)
    separator = ";" if ";" in base else (";" if base.endswith("/") else "/;")
    return f"{base}{separator}database={database}"


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url.partition(";")[0].replace(SCHEME, "http://", 1))
    if not parts.hostname:
        raise SemanticError("E_BAD_DATABASE_URL", f"'{url}' names no Spark Connect host",
                            "use sc://HOST:PORT, e.g. sc://127.0.0.1:15002")
    return parts.hostname, parts.port or 15002


def _unavailable(detail: str) -> SemanticError:
    return SemanticError("E_DATABASE_UNAVAILABLE", f"cannot connect to the database: {detail}",
                         "check that the Spark Connect server is running (bash scripts/ensure-spark.sh) and the "
                         "URL is right")


class _Sessions:
    """One Spark Connect session per URL, shared by every thread (tags and interrupts are per thread)."""

    def __init__(self) -> None:
        self._by_url: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, url: str, connect_timeout_s: float) -> Any:
        with self._lock:
            session = self._by_url.get(url)
            if session is None:
                session = self._by_url[url] = _open(url, connect_timeout_s)
            return session

    def drop(self, url: str) -> None:
        with self._lock:
            session = self._by_url.pop(url, None)
        if session is not None:
            try:
                session.stop()
            except Exception:  # already gone with its server
                pass

    def close_all(self) -> None:
        for url in list(self._by_url):
            self.drop(url)


def _open(url: str, connect_timeout_s: float) -> Any:
    """A new session on the server at `url` (E_DATABASE_UNAVAILABLE rather than minutes of retries)."""
    host, port = _address(url)
    try:
        socket.create_connection((host, port), timeout=max(1.0, connect_timeout_s)).close()
    except OSError as exc:
        raise _unavailable(f"{host}:{port}: {exc.strerror or exc}") from None
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")  # pandas 3 notice
    from pyspark.sql import SparkSession
    from pyspark.sql.connect.client.retries import DefaultPolicy

    connect_url, database = split_url(url)
    try:
        session = SparkSession.builder.remote(connect_url).create()
        # a server that went away is reported within seconds, not after the default ten minutes of retries
        session.client.set_retry_policies([DefaultPolicy(max_retries=3, max_backoff=2000)])
        if database:
            catalog, _, schema = database.rpartition(".")
            if catalog:
                session.catalog.setCurrentCatalog(catalog)
            session.catalog.setCurrentDatabase(schema)
    except SemanticError:
        raise
    except Exception as exc:
        raise _unavailable(_message(exc)) from None
    return session


SESSIONS = _Sessions()


def session_for(url: str, connect_timeout_s: float = 10.0) -> Any:
    """The shared Spark Connect session of a `sc://` URL (for the layer, tests and benchmarks)."""
    return SESSIONS.get(url, connect_timeout_s)


@lru_cache(maxsize=1024)
def require_select(text: str) -> None:
    """Refuse anything but one SELECT: the compiler builds nothing else, so this is a bug, never user input."""
    try:
        trees = [t for t in sqlglot.parse(text, read="spark") if t is not None]
    except sqlglot.errors.ParseError as exc:
        raise AssertionError(f"compiled Spark SQL does not parse: {exc}") from None
    if len(trees) != 1 or not isinstance(trees[0], exp.Query) or trees[0].find(*_CHANGES):
        raise AssertionError("only a single SELECT is ever sent to Spark")


def _message(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return sanitize(first[:300])


def _plain(column: pa.ChunkedArray) -> list[Any]:
    """Python values of one column; Spark's instants (TIMESTAMP) as wall-clock times of the session zone."""
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        column = pc.local_timestamp(column)
    return column.to_pylist()


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return list(zip(*(_plain(c) for c in table.columns))) if table.num_columns else []


class SparkCursor:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return self._rows[:size]


class SparkConnection:
    """What the layer's fetch callbacks use of a SQLAlchemy connection (`execute`, `exec_driver_sql`,
    `engine.dialect`), answered by one Spark Connect session; rows come back as tuples."""

    def __init__(self, session: Any, limit: int | None) -> None:
        from semantic.dialects import dialect_for

        self.session = session
        self.engine = SimpleNamespace(dialect=dialect_for("spark"))  # what execute_compiled compiles for
        self._limit = limit

    def execute(self, statement: Any) -> SparkCursor:
        compiled = statement.compile(dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True})
        return self.exec_driver_sql(str(compiled), compiled.construct_params())

    def exec_driver_sql(self, text: str, args: dict[str, Any] | None = None) -> SparkCursor:
        require_select(text)
        frame = self.session.sql(text, args=dict(args or {}))
        if self._limit is not None:
            frame = frame.limit(self._limit)
        return SparkCursor(_rows(frame.toArrow()))


def _query_error(exc: BaseException, reason: Reason, settings: Any) -> SemanticError:
    if reason == "cancelled":
        return cancelled_error()
    message = _message(exc)
    if reason == "timeout" or "OPERATION_CANCELED" in message or "interrupt" in message.lower():
        return SemanticError("E_QUERY_TIMEOUT", f"the query ran longer than {settings.statement_timeout_s:g} s",
                             "narrow the time range or dimensions, or raise the statement timeout")
    if _UNREACHABLE.search(str(exc)[:2000]):
        return SemanticError("E_DATABASE_UNAVAILABLE", f"lost the database connection: {message}",
                             "check that the Spark Connect server is running")
    return SemanticError("E_QUERY_FAILED", f"the database refused the query: {message}",
                         "check that the tables and columns in the definitions exist "
                         "(semantic validate --database URL)")


def fetch(url: str, settings: Any, cancel: threading.Event | None, execute: Callable[[Any, Any], Any],
          limit: int | None) -> tuple[list[Any], None]:
    """`semantic.execute.fetch` for a `sc://` URL: the rows of one statement, interruptible; no data stamp
    (a warehouse's tables change under it, so answers carry none)."""
    from semantic.execute import Watchdog  # the one watchdog every engine shares

    if cancel is not None and cancel.is_set():
        raise cancelled_error()
    session = session_for(url, float(settings.pool_timeout_s))
    tag = f"semantic-{uuid.uuid4().hex}"
    watchdog = Watchdog(lambda: session.interruptTag(tag), settings.statement_timeout_s, cancel)
    session.addTag(tag)
    try:
        cursor = execute(SparkConnection(session, limit), None)
        rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
    except (SemanticError, AssertionError):
        raise
    except Exception as exc:  # pyspark's and gRPC's errors: coded, never a traceback
        error = _query_error(exc, watchdog.reason, settings)
        if error.code == "E_DATABASE_UNAVAILABLE":
            SESSIONS.drop(url)  # the next question opens a fresh session (the server may be back)
        raise error from None
    finally:
        watchdog.stop()
        session.removeTag(tag)
    return rows, None


class SparkCatalog:
    """The catalogue questions `semantic validate --database` asks (as SQLAlchemy's Inspector names them),
    answered by Spark's catalog API: no SQL, no data read."""

    def __init__(self, url: str) -> None:
        self.catalog = session_for(url).catalog

    @staticmethod
    def _name(name: str, schema: str | None) -> str:
        return f"{schema}.{name}" if schema else name

    def has_table(self, name: str, schema: str | None = None) -> bool:
        return bool(self.catalog.tableExists(self._name(name, schema)))

    def get_table_names(self, schema: str | None = None) -> list[str]:
        return [t.name for t in self.catalog.listTables(schema) if (t.tableType or "").upper() != "VIEW"]

    def get_view_names(self, schema: str | None = None) -> list[str]:
        return [t.name for t in self.catalog.listTables(schema) if (t.tableType or "").upper() == "VIEW"]

    def get_columns(self, name: str, schema: str | None = None) -> list[dict[str, Any]]:
        return [{"name": c.name} for c in self.catalog.listColumns(self._name(name, schema))]


def close_sessions() -> None:
    SESSIONS.close_all()
