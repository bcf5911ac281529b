"""The ledger as Parquet files, read in place by DuckDB and by Spark: one copy of the data for every engine.

The layout is one directory per canonical table holding one file, `<dir>/<table>/part-0.parquet`: Spark
reads a table from a directory, DuckDB from a glob, so both read the very same bytes. Parts are appended to
each table's file as they are drawn (one row group per part), so the memory held is one part whatever the
scale. Each file is written under a hidden temporary name (which Spark and the glob skip) and renamed when
complete: an interrupted run never leaves a file that looks whole. Timestamps are written without a time
zone, so Spark reads them as TIMESTAMP_NTZ, the wall-clock times DuckDB reads.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semantic.ledger.demo import Part, generate_parts
from semantic.ledger.demo_common import arrow_schema
from semantic.ledger.guard import LedgerError
from semantic.ledger.load import Progress, as_parts
from semantic.ledger.schema import TABLE_NAMES, metadata

FILE = "part-0.parquet"


def parquet_path(folder: Path, table: str) -> Path:
    return folder / table / FILE


def parquet_glob(directory: str | Path, table: str) -> str:
    return str(Path(directory) / table / "*.parquet")


def write_parquet(folder: str | Path, tables: dict[str, pa.Table] | Iterable[Part],
                  progress: Progress | None = None) -> dict[str, int]:
    """Write every canonical table under `folder` (replacing those files only; a table `tables` lacks is
    written empty with its schema, so every engine finds every table); returns the rows written per table
    given."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"cannot create folder {folder}: {exc.strerror}", "choose a writable --parquet folder") from exc
    counts: dict[str, int] = {}
    writer: pq.ParquetWriter | None = None
    current = ""
    try:
        for part in as_parts(tables):
            if part.table != current:
                _close(writer, folder, current)
                writer, current = _open(folder, part.table), part.table
                counts[current] = 0
                if progress:
                    progress(current, 0, part.table_rows)
            writer.write_table(part.rows.cast(writer.schema))
            counts[current] += part.rows.num_rows
            if progress:
                progress(current, counts[current], part.table_rows)
        _close(writer, folder, current)
        writer = None
        for name in TABLE_NAMES:
            if name not in counts:
                _open(folder, name).close()
                os.replace(_temporary(folder, name), parquet_path(folder, name))
    except OSError as exc:
        raise LedgerError(f"could not write Parquet files in {folder}: {exc.strerror or exc}",
                          "check that the folder is writable and the disk has room") from exc
    finally:
        if writer is not None:
            writer.close()
            _temporary(folder, current).unlink(missing_ok=True)
    return counts


def write_demo_parquet(folder: Path, scale: float = 1.0, seed: int = 42, as_of: date | None = None,
                       progress: Progress | None = None) -> dict[str, int]:
    """The demo ledger as Parquet files, drawn and written part by part."""
    return write_parquet(folder, generate_parts(scale=scale, seed=seed, as_of=as_of or date.today()), progress)


def _temporary(folder: Path, table: str) -> Path:
    return folder / table / f".{FILE}.partial"


def _open(folder: Path, table: str) -> pq.ParquetWriter:
    (folder / table).mkdir(parents=True, exist_ok=True)
    schema = arrow_schema(metadata.tables[table])
    return pq.ParquetWriter(_temporary(folder, table), schema, compression="zstd")


def _close(writer: pq.ParquetWriter | None, folder: Path, table: str) -> None:
    if writer is None:
        return
    writer.close()
    os.replace(_temporary(folder, table), parquet_path(folder, table))


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
