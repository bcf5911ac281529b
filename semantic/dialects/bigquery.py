"""BigQuery (compiled and parsed in tests; no project here). Every query job carries the layer's timeout
(`job_timeout_ms`), the bytes-billed cap of the `max_bytes_billed` setting (0: the project's own quota) and
a label naming the layer; read-only is IAM only (docs/warehouses.md: BigQuery Data Viewer + Job User).
GoogleSQL differs most: DATE_TRUNC(x, UNIT), no FILTER clause or LIKE ESCAPE, no TIMESTAMP = DATE
comparison, no `.` in column names, and backslash escapes in strings."""
from __future__ import annotations

import math
from typing import Any

from sqlalchemy.engine import URL, Dialect

from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session

LABELS = {"client": "revenue-semantic-layer"}


def _dialect() -> Dialect:
    from sqlalchemy_bigquery import BigQueryDialect

    return BigQueryDialect()


def _trunc(expr: str, unit: str) -> str:
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    part = "WEEK(MONDAY)" if unit == "week" else unit.upper()
    return f"DATE_TRUNC(CAST({expr} AS DATE), {part})"


def string_literal(value: str) -> str:
    """A GoogleSQL string literal: backslash escapes, not doubled quotes (and no `%` doubling)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def job_config(limits: Limits) -> Any:
    """The QueryJobConfig every query of the layer runs with (merged over the URL's own defaults)."""
    from google.cloud.bigquery import QueryJobConfig

    config = QueryJobConfig(job_timeout_ms=max(1, math.ceil(limits.statement_timeout_s * 1000)),
                            labels=dict(LABELS))
    if limits.max_bytes_billed:
        config.maximum_bytes_billed = int(limits.max_bytes_billed)
    return config


def _session(_url: URL, limits: Limits) -> Session:
    return Session(engine_options={"pool_pre_ping": True, "pool_timeout": limits.pool_timeout_s,
                                   "execution_options": {"job_config": job_config(limits)}})


FACTS = DialectFacts(
    name="bigquery", sqlglot_name="bigquery", sqlalchemy=_dialect, sqlalchemy_names=("bigquery",),
    dates=DateSQL(trunc=_trunc,
                  shift=lambda d, n, unit: f"DATE_ADD({d}, INTERVAL {int(n)} {unit.upper()})",
                  shift_by=lambda d, n, unit: f"DATE_ADD({d}, INTERVAL ({n}) {unit.upper()})",
                  iso_weekday=lambda d: f"MOD(EXTRACT(DAYOFWEEK FROM {d}) + 5, 7) + 1",  # DAYOFWEEK: Sunday = 1
                  days_between=lambda a, b: f"DATE_DIFF({b}, {a}, DAY)"),
    filter_clause=False, date_plus_integer=False, compares_timestamp_with_date=False,
    date_table="union",  # no VALUES
    like_escape=False, dotted_column_names=False, array_literal="[{}]", timestamp_keyword="DATETIME",
    placeholder_style="named", named_marker="@", console_literals=True, string_literal=string_literal,
    session=_session,
    # "Query exceeded limit for bytes billed: 1000. 10485760 or higher required." (bytesBilledLimitExceeded)
    bytes_cap_messages=("limit for bytes billed", "bytesbilledlimitexceeded"),
)
