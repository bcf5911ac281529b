"""A ledger as Parquet files, read in place by DuckDB and by Spark: one copy of the data for every engine.

The layout is one directory per canonical table holding one file, `<dir>/<table>/part-0.parquet`: Spark
reads a table from a directory, DuckDB from a glob, so both read the very same bytes. Timestamps are written
without a time zone, so Spark reads them as TIMESTAMP_NTZ, the wall-clock times DuckDB reads.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semantic.ledger.demo_common import empty_table
from semantic.ledger.schema import TABLE_NAMES

FILE = "part-0.parquet"


def write_parquet(tables: dict[str, pa.Table], directory: str | Path) -> Path:
    """Write every canonical table (empty with its schema when `tables` lacks it) under `directory`."""
    root = Path(directory)
    for name in TABLE_NAMES:
        table = tables.get(name)
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table if table is not None else empty_table(name), folder / FILE)
    return root


def parquet_glob(directory: str | Path, table: str) -> str:
    return str(Path(directory) / table / "*.parquet")


def duckdb_views(connection: Any, directory: str | Path) -> None:
    """Views over `read_parquet` for every table, on a plain duckdb connection (hand-written SQL reads them)."""
    for name in TABLE_NAMES:
        path = parquet_glob(directory, name).replace("'", "''")
        connection.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM read_parquet(\'{path}\')')


def register_in_spark(url: str, directory: str | Path, database: str = "ledger") -> str:
    """Create `database` on the Spark Connect server at `url` with one table per canonical table over the
    Parquet files in `directory` (replacing tables of that name), and return the `sc://` URL that reads it.

    The files must be readable by the server at the same path (a local server, or a shared file system).
    """
    from semantic.spark_connect import session_for, with_database

    spark = session_for(url)
    quoted = "`" + database.replace("`", "``") + "`"
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {quoted}")
    for name in TABLE_NAMES:
        location = str(Path(directory, name).resolve()).replace("\\", "\\\\").replace("'", "\\'")
        spark.sql(f"DROP TABLE IF EXISTS {quoted}.`{name}`")
        spark.sql(f"CREATE TABLE {quoted}.`{name}` USING parquet LOCATION '{location}'")
    return with_database(url, database)
