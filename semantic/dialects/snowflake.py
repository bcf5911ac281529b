"""Snowflake (compiled and parsed in tests; no account here). Each session gets a statement timeout and a
query tag naming the layer; read-only is a role's grants only (docs/warehouses.md), so the layer's role
should hold SELECT and nothing more. The driver has no cancel from another thread: the server's
STATEMENT_TIMEOUT_IN_SECONDS is what stops a runaway statement."""
from __future__ import annotations

import math

from sqlalchemy.engine import URL, Dialect

from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session

QUERY_TAG = "revenue-semantic-layer"


def _dialect() -> Dialect:
    from snowflake.sqlalchemy.snowdialect import SnowflakeDialect

    return SnowflakeDialect()


def _trunc(expr: str, unit: str) -> str:
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    if unit == "week":  # DATE_TRUNC('week') follows the session's WEEK_START; ISO weekday does not
        return f"DATEADD(day, 1 - DAYOFWEEKISO({expr}), CAST({expr} AS DATE))"
    return f"CAST(DATE_TRUNC('{unit}', {expr}) AS DATE)"


def _session(_url: URL, limits: Limits) -> Session:
    return Session(engine_options={"pool_pre_ping": True, "pool_timeout": limits.pool_timeout_s}, statements=(
        f"ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = {max(1, math.ceil(limits.statement_timeout_s))}",
        f"ALTER SESSION SET QUERY_TAG = '{QUERY_TAG}'"))


FACTS = DialectFacts(
    name="snowflake", sqlglot_name="snowflake", sqlalchemy=_dialect, sqlalchemy_names=("snowflake",),
    dates=DateSQL(trunc=_trunc,
                  shift=lambda d, n, unit: f"CAST(DATEADD({unit}, {int(n)}, {d}) AS DATE)",
                  shift_by=lambda d, n, unit: f"CAST(DATEADD({unit}, {n}, {d}) AS DATE)",
                  iso_weekday=lambda d: f"DAYOFWEEKISO({d})",
                  days_between=lambda a, b: f"DATEDIFF(day, {a}, {b})"),
    filter_clause=False, date_plus_integer=False, compares_timestamp_with_date=True,
    date_table="union",  # VALUES columns are untyped on Snowflake
    like_escape=True, dotted_column_names=True, array_literal="[{}]", timestamp_keyword="TIMESTAMP",
    placeholder_style="numeric", named_marker=":", console_literals=True,
    functions=frozenset({"date_part", "nullifzero", "to_date"}),
    session=_session,
    # 000630: "Statement reached its statement or warehouse timeout of 30 second(s) and was canceled."
    timeout_messages=("statement or warehouse timeout",),
)
