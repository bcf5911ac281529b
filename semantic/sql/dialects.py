"""SQLAlchemy dialect objects by name, for compiling to warehouses we may not be connected to."""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from sqlalchemy.engine import Dialect

from semantic.errors import SemanticError

DIALECTS = ("duckdb", "postgresql", "snowflake", "bigquery", "trino", "spark")
SQLGLOT_NAMES = {"duckdb": "duckdb", "postgresql": "postgres", "snowflake": "snowflake", "bigquery": "bigquery",
                 "trino": "trino", "spark": "spark"}
FILTER_CLAUSE_DIALECTS = frozenset({"duckdb", "postgresql", "trino", "spark"})  # have `agg(x) FILTER (WHERE c)`


def _duckdb() -> Dialect:
    from duckdb_engine import Dialect as DuckDBDialect

    return DuckDBDialect()


def _postgresql() -> Dialect:
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    return dialect()


def _snowflake() -> Dialect:
    from snowflake.sqlalchemy.snowdialect import SnowflakeDialect

    return SnowflakeDialect()


def _bigquery() -> Dialect:
    from sqlalchemy_bigquery import BigQueryDialect

    return BigQueryDialect()


def _trino() -> Dialect:
    from trino.sqlalchemy.dialect import TrinoDialect

    return TrinoDialect()


def _spark() -> Dialect:
    from semantic.sql.spark import SparkDialect  # compile-only; Spark Connect runs it (semantic/spark_connect.py)

    return SparkDialect()


_FACTORIES: dict[str, Callable[[], Dialect]] = {
    "duckdb": _duckdb, "postgresql": _postgresql, "snowflake": _snowflake, "bigquery": _bigquery, "trino": _trino,
    "spark": _spark,
}
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "databricks": "spark"}  # Databricks SQL is Spark SQL


def normalize(name: str) -> str:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in _FACTORIES:
        raise SemanticError("E_UNKNOWN_DIALECT", f"unknown SQL dialect '{name}'", f"use one of: {', '.join(DIALECTS)}")
    return key


@lru_cache(maxsize=None)
def dialect_for(name: str) -> Dialect:
    key = normalize(name)
    try:
        return _FACTORIES[key]()
    except ImportError:
        raise SemanticError("E_DIALECT_UNAVAILABLE", f"the SQLAlchemy dialect for {key} is not installed",
                            "pip install 'revenue-semantic-layer[warehouses]'") from None
