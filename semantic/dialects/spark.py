"""Spark SQL, run through Spark Connect (`sc://host:port`, semantic/spark_connect.py); the SQL text comes from a
compile-only SQLAlchemy dialect (semantic/dialects/spark_sql.py) bound by `spark.sql(text, args=...)`.

Read-only: the layer sends only single SELECTs (checked before sending); Spark has no read-only session
setting, so the server's permissions (a principal granted SELECT only) are the real guard. Timeout: the
layer interrupts the query's tag when `statement_timeout_s` passes; there is no server-side statement
timeout to set from a session. pyspark is imported only when a `sc://` URL is used.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect

from semantic.dialects import standard
from semantic.dialects.facts import DateSQL, DialectFacts


def _dialect() -> Dialect:
    from semantic.dialects.spark_sql import SparkDialect

    return SparkDialect()


def _string(value: str) -> str:
    from semantic.dialects.spark_sql import spark_string

    return spark_string(value)


def _fetch(*args: Any) -> tuple[list[Any], str | None]:
    from semantic.spark_connect import fetch

    return fetch(*args)


def _catalog(url: str) -> Any:
    from semantic.spark_connect import SparkCatalog

    return SparkCatalog(url)


def _close_all() -> None:
    from semantic.spark_connect import close_sessions

    close_sessions()


def _shift(expr: str, amount: Any, unit: str) -> str:
    """add_months / date_add take a whole number of months or days (a constant or an integer expression)."""
    return f"{'add_months' if unit == 'month' else 'date_add'}(CAST({expr} AS DATE), {amount})"


FACTS = DialectFacts(
    name="spark", sqlglot_name="spark", sqlalchemy=_dialect, sqlalchemy_names=("spark",),
    dates=DateSQL(trunc=standard.trunc,  # date_trunc('unit', x): Spark's weeks start on Monday, as ISO's do
                  shift=lambda d, n, unit: _shift(d, int(n), unit), shift_by=_shift,
                  iso_weekday=lambda d: f"(weekday({d}) + 1)",  # weekday(): Monday = 0
                  days_between=lambda a, b: f"datediff({b}, {a})"),
    filter_clause=True, date_plus_integer=False, compares_timestamp_with_date=True, date_table="values",
    like_escape=True, dotted_column_names=True, array_literal="array({})", timestamp_keyword="TIMESTAMP",
    placeholder_style="named", named_marker=":",  # the very markers spark.sql(text, args=...) binds
    console_literals=False, string_literal=_string,  # 'it''s' is two literals in Spark SQL: backslash escapes
    url_scheme="sc", fetch=_fetch, catalog=_catalog, close_all=_close_all,
)
