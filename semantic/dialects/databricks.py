"""Databricks SQL is Spark SQL: the same compiler (`--dialect databricks` is an alias of spark) and the same
execution through Spark Connect (`sc://<workspace>:443/;token=...;x-databricks-cluster-id=...`).

Read-only: grant the layer's principal only SELECT (Unity Catalog `GRANT SELECT`); nothing in a session can
make it read-only. Timeout: the layer interrupts the query's tag; a SQL warehouse also has its own
`STATEMENT_TIMEOUT` parameter, set by a workspace admin (docs/spark.md).
"""
from __future__ import annotations

from dataclasses import replace

from semantic.dialects.spark import FACTS as SPARK

FACTS = replace(SPARK, name="databricks", sqlglot_name="databricks")
