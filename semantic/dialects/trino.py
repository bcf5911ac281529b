"""Trino (compiled and parsed in tests; no cluster here). Each session sets `query_max_execution_time` to
the layer's timeout and names the layer as its `source`; read-only is the cluster's access control only
(docs/warehouses.md). The driver cancels from a cursor, which execution does not hold while the statement
runs: the server's time limit is what stops a runaway query."""
from __future__ import annotations

import json
import math

from sqlalchemy.engine import URL, Dialect

from semantic.dialects import standard
from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session

SOURCE = "revenue-semantic-layer"


def _dialect() -> Dialect:
    from trino.sqlalchemy.dialect import TrinoDialect

    return TrinoDialect()


def _session(url: URL, limits: Limits) -> Session:
    """The URL's own session properties are kept; the time limit is the layer's."""
    properties = json.loads(url.query.get("session_properties", "{}"))
    properties["query_max_execution_time"] = f"{max(1, math.ceil(limits.statement_timeout_s))}s"
    connect_args = {"session_properties": properties}
    if "source" not in url.query:
        connect_args["source"] = SOURCE
    return Session(connect_args=connect_args,
                   engine_options={"pool_pre_ping": True, "pool_timeout": limits.pool_timeout_s})


FACTS = DialectFacts(
    name="trino", sqlglot_name="trino", sqlalchemy=_dialect, sqlalchemy_names=("trino",),
    dates=DateSQL(trunc=standard.trunc,
                  shift=lambda d, n, unit: f"date_add('{unit}', {int(n)}, {d})",
                  shift_by=lambda d, n, unit: f"date_add('{unit}', {n}, {d})",
                  iso_weekday=lambda d: f"day_of_week({d})",
                  days_between=lambda a, b: f"date_diff('day', {a}, {b})"),
    filter_clause=True, date_plus_integer=False, compares_timestamp_with_date=True, date_table="values",
    like_escape=True, dotted_column_names=True, array_literal="ARRAY[{}]", timestamp_keyword="TIMESTAMP",
    placeholder_style="qmark", named_marker=":", console_literals=True, functions=frozenset({"now"}),
    session=_session,
    # TrinoUserError(type=USER_ERROR, name=EXCEEDED_TIME_LIMIT, message="Query exceeded the maximum execution ...")
    timeout_messages=("exceeded_time_limit", "maximum execution time"),
)
