"""The shape of what the layer knows about one SQL dialect (filled in by each dialect's module)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DialectFacts:
    """What the SQL stage and execution need to know about one dialect."""

    name: str  # the layer's name for it: duckdb, postgresql, snowflake, bigquery, trino, spark, databricks
    sqlglot_name: str  # sqlglot's name, for parsing compiled SQL back
    filter_clause: bool  # `agg(x) FILTER (WHERE c)`
    placeholder_style: str  # how its own driver/console writes parameters: numeric_dollar, named, qmark, ...
