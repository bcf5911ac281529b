"""DuckDB: the embedded default. Opened read-only (a file), with no file or URL access from SQL, no
spilling next to the ledger, and the settings' memory and thread limits; a statement is stopped by the
connection's own `interrupt()`."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.engine import URL, Dialect

from semantic.dialects import standard
from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session


def _dialect() -> Dialect:
    from duckdb_engine import Dialect as DuckDBDialect

    return DuckDBDialect()


def database_file(url: URL) -> str | None:
    """The DuckDB file a URL opens, or None for an in-memory database."""
    return url.database if url.database and url.database != ":memory:" else None


def _session(url: URL, limits: Limits) -> Session:
    path = database_file(url)
    config = {"enable_external_access": False, "temp_directory": ""}
    # a pool larger than the server's default 8 query slots: concurrent questions reuse connections instead of
    # opening (and setting up) overflow ones; :memory: is one database per thread, so no pool. A read-only file
    # has nothing to roll back on a connection's return (a SQLAlchemy connection ends its own transaction), and
    # DuckDB answers a ROLLBACK with no transaction by raising: no reset
    pooling = {"pool_timeout": limits.pool_timeout_s, "pool_size": 16, "pool_reset_on_return": None} if path else {}
    return Session(connect_args={"read_only": path is not None, "config": config},
                   engine_options={"pool_pre_ping": False, **pooling},
                   statements=(f"SET memory_limit = '{int(limits.memory_limit_mb)}MB'",
                               f"SET threads = {int(limits.threads)}"))


def _interrupter(raw: Any) -> Callable[[], Any]:
    return raw.interrupt


FACTS = DialectFacts(
    name="duckdb", sqlglot_name="duckdb", sqlalchemy=_dialect, sqlalchemy_names=("duckdb",),
    dates=DateSQL(trunc=standard.trunc, shift=standard.shift, shift_by=standard.shift_by,
                  iso_weekday=lambda d: f"isodow({d})", days_between=standard.days_between),
    filter_clause=True, date_plus_integer=True, compares_timestamp_with_date=True,
    date_table="unnest",  # a bound list per column: faster to plan and bind than VALUES (semantic/sql/dates.py)
    like_escape=True, dotted_column_names=True, array_literal="[{}]", timestamp_keyword="TIMESTAMP",
    placeholder_style="numeric_dollar", named_marker=":", console_literals=False,
    functions=frozenset({"age", "date_part", "datepart", "hash", "now", "try_strptime"}),
    eager_aggregation=True, load_memory_mb=1024,  # 1 GB holds scale 100's primary-key indexes; 256 MB does not
    session=_session, interrupter=_interrupter, data_file=database_file, plain_cursor=True,
    in_memory=lambda url: database_file(url) is None,
    reflects_columns=False,  # duckdb-engine's pg_catalog emulation lacks pg_collation under SQLAlchemy 2.1
    timeout_messages=("interrupt",),  # "INTERRUPT Error: Interrupted!"
    bulk_write="arrow", driver_error_modules=frozenset({"duckdb", "_duckdb"}),
    foreign_keys_query="select distinct table_name from duckdb_constraints() where constraint_type = 'FOREIGN KEY'",
    updates_under_foreign_keys=False,  # DuckDB refuses to update a row a foreign key points at
)
