"""The shape of what the layer knows about one SQL dialect (filled in by each dialect's module).

Four groups of facts: how SQL is written for it (the SQL stage), how its console and driver show
parameters and literals (`semantic compile`), how a connection is opened read-only with a timeout
(execution), and, where the layer writes (the demo ledger, ingest, linking), how batches are written.
A fact is data where it can be (a flag, a keyword) and a small function where the dialect spells a
construct its own way (date truncation, shifts, the weekday).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

from sqlalchemy.engine import URL, Dialect


class Limits(Protocol):
    """The engine limits a session is set up with (semantic.engines.EngineLimits)."""

    memory_limit_mb: int
    threads: int
    pool_timeout_s: float
    statement_timeout_s: float
    max_bytes_billed: int


@dataclass(frozen=True)
class Session:
    """How the layer opens a connection: driver arguments, engine options, statements run on each new
    connection (in order). What only a role or grant can enforce is in docs/warehouses.md."""

    connect_args: Mapping[str, Any] = field(default_factory=dict)
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class DateSQL:
    """Date arithmetic as text, given the SQL text of its operands (units: day week month quarter year)."""

    trunc: Callable[[str, str], str]  # (date expression, unit) -> first day of the unit, as DATE
    shift: Callable[[str, int, str], str]  # (date, constant amount, month|day) -> DATE
    shift_by: Callable[[str, str, str], str]  # (date, integer SQL expression, month|day) -> DATE
    iso_weekday: Callable[[str], str]  # 1 = Monday ... 7 = Sunday
    days_between: Callable[[str, str], str]  # (first, second) -> whole days second - first


@dataclass(frozen=True)
class DialectFacts:
    """What the SQL stage and execution need to know about one dialect."""

    name: str  # the layer's name for it: duckdb, postgresql, snowflake, bigquery, trino, spark, databricks
    sqlglot_name: str  # sqlglot's name, for parsing compiled SQL back
    sqlalchemy: Callable[[], Dialect]  # its SQLAlchemy dialect (imported lazily: the driver may be absent)
    sqlalchemy_names: tuple[str, ...]  # the names SQLAlchemy gives it (a URL's backend, a compiler's dialect)
    dates: DateSQL
    filter_clause: bool  # `agg(x) FILTER (WHERE c)`
    date_plus_integer: bool  # DATE + INTEGER is a DATE (cheaper than an INTERVAL)
    compares_timestamp_with_date: bool  # else both sides of a time filter become DATETIME
    date_table: str  # how a small table of bound dates is written: unnest | union | values
    like_escape: bool  # LIKE ... ESCAPE '/' (else `contains` is STRPOS)
    dotted_column_names: bool  # an output column may be named `account.segment`
    array_literal: str  # a list literal, `{}` standing for the items: `[{}]`, `ARRAY[{}]`
    timestamp_keyword: str  # the typed literal of a timestamp without zone: TIMESTAMP, DATETIME
    placeholder_style: str  # SQLAlchemy paramstyle of the shown text: numeric_dollar, numeric, named, qmark
    named_marker: str  # how a named parameter is marked in its console (`@name`), for the named style
    console_literals: bool  # `semantic compile` inlines values by default (its console binds no parameters)
    functions: frozenset[str] = frozenset()  # pass-through functions it has (semantic/definitions/sql_policy.py)
    # partial sums of partial counts keep each aggregate's type, so grouping a fact table by its foreign keys
    # before joining its parents is exact (semantic/sql/eager.py); PostgreSQL's sum of integers is NUMERIC
    eager_aggregation: bool = False
    load_memory_mb: int | None = None  # a memory cap while the demo ledger loads (its indexes must fit)
    string_literal: Callable[[str], str] | None = None  # when SQLAlchemy's quoting is not the console's
    session: Callable[[URL, Limits], Session] = lambda _url, _limits: Session()
    interrupter: Callable[[Any], Callable[[], Any] | None] = lambda _raw: None  # driver connection -> stop it
    data_file: Callable[[URL], str | None] = lambda _url: None  # a file whose identity stamps the data version
    in_memory: Callable[[URL], bool] = lambda _url: False  # each connection is a database of its own
    # questions run on the driver's own cursor, outside SQLAlchemy's transaction: for an embedded database there is
    # no connection to lose, and its real BEGIN and ROLLBACK cost more than a small question's SQL
    plain_cursor: bool = False
    # where the database will write next (any commit moves it): the `table_metadata` probe (semantic/probes.py)
    write_position: Callable[[], Any] | None = None
    reflects_columns: bool = True  # its SQLAlchemy dialect reads a table's columns from the catalogue
    # reached without a SQLAlchemy engine (Spark Connect): the URL scheme that names it, how it runs a statement
    # (semantic.execute.fetch's contract) and how it lists tables and columns (an Inspector's few methods)
    url_scheme: str | None = None
    fetch: Callable[..., tuple[list[Any], str | None]] | None = None
    catalog: Callable[[str], Any] | None = None
    close_all: Callable[[], None] | None = None  # closes the sessions its own fetch keeps open
    # lower-case fragments of its errors: its own time limit ended the statement; its bytes cap refused it
    timeout_messages: tuple[str, ...] = ()
    bytes_cap_messages: tuple[str, ...] = ()
    # writing (the demo ledger, ingest, linking): only where the layer writes at all
    bulk_write: str = ""  # how a batch of Arrow rows is staged: arrow (registered), copy (COPY ... FROM STDIN)
    driver_error_modules: frozenset[str] = frozenset()  # top-level modules of its driver's exceptions
    foreign_keys_query: str | None = None  # tables with foreign keys, where SQLAlchemy cannot reflect them
    analyze_temporary_tables: bool = False  # temporary tables get no statistics unless analysed
    updates_under_foreign_keys: bool = True  # a row other rows reference can be updated in place
