"""Ledgers written once to Parquet and opened by each engine over the very same files.

DuckDB: a plain connection with views over `read_parquet` for hand-written SQL, and a database file whose
tables are read from the Parquet for the layer (the layer's DuckDB engine may not read files itself:
`enable_external_access` is off). Spark: tables over the Parquet directories (semantic/ledger/parquet.py).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from semantic.ledger.parquet import duckdb_views, parquet_glob, register_in_spark
from semantic.ledger.schema import TABLE_NAMES


def duckdb_file_to_parquet(database: Path, directory: Path) -> Path:
    """Every canonical table of a DuckDB ledger file as `<directory>/<table>/part-0.parquet`."""
    with duckdb.connect(str(database), read_only=True) as conn:
        for name in TABLE_NAMES:
            (directory / name).mkdir(parents=True, exist_ok=True)
            conn.execute(f"COPY \"{name}\" TO '{directory / name / 'part-0.parquet'}' (FORMAT parquet)")
    return directory


def duckdb_file_from_parquet(directory: Path, database: Path) -> str:
    """A DuckDB file whose tables hold exactly the Parquet files' rows; returns its URL."""
    with duckdb.connect(str(database)) as conn:
        for name in TABLE_NAMES:
            conn.execute(f"CREATE TABLE \"{name}\" AS SELECT * FROM read_parquet('{parquet_glob(directory, name)}')")
    return f"duckdb:///{database}"


def parquet_connection(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose ledger tables are views over the Parquet files (for hand-written SQL)."""
    conn = duckdb.connect()
    duckdb_views(conn, directory)
    return conn


def spark_ledger(spark_url: str, load: Callable[[str], None], database: str, tmp: Path) -> str:
    """A fixture ledger (`load(url)` writes it) loaded into DuckDB, written to Parquet and registered in Spark
    as `database`; returns the `sc://` URL that reads it."""
    load(f"duckdb:///{tmp / 'source.duckdb'}")
    return register_in_spark(spark_url, duckdb_file_to_parquet(tmp / "source.duckdb", tmp / "parquet"), database)
