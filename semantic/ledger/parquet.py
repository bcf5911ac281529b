"""Write the ledger as Parquet files, one per table, so any engine that reads Parquet sees one ledger.

DuckDB (`read_parquet`) and Spark (`spark.read.parquet`) read the same files, which is how the same
numbers are compared across engines. Parts are appended to each table's file as they are drawn (one
row group per part), so the memory held is one part whatever the scale. Each file is written under a
temporary name and renamed when complete: an interrupted run never leaves a file that looks whole.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from semantic.ledger.demo import Part, generate_parts
from semantic.ledger.demo_common import arrow_schema
from semantic.ledger.guard import LedgerError
from semantic.ledger.load import Progress, as_parts
from semantic.ledger.schema import metadata


def parquet_path(folder: Path, table: str) -> Path:
    return folder / f"{table}.parquet"


def write_parquet(folder: Path, tables: dict[str, pa.Table] | Iterable[Part],
                  progress: Progress | None = None) -> dict[str, int]:
    """Write every table to `folder/<table>.parquet` (replacing those files only); rows written per table."""
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
    return folder / f".{table}.parquet.partial"


def _open(folder: Path, table: str) -> pq.ParquetWriter:
    schema = arrow_schema(metadata.tables[table])
    return pq.ParquetWriter(_temporary(folder, table), schema, compression="zstd")


def _close(writer: pq.ParquetWriter | None, folder: Path, table: str) -> None:
    if writer is None:
        return
    writer.close()
    os.replace(_temporary(folder, table), parquet_path(folder, table))
