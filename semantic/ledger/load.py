"""Write ledger tables into a database in bulk: Arrow scans for DuckDB, COPY for PostgreSQL.

Row-by-row INSERTs would take hours at demo scale 100 (millions of activities), so each backend gets
its native bulk path; the tables themselves are always (re)created from the SQLAlchemy metadata so both
backends end up with the same types. Only databases `semantic.ledger.guard` deems ours are overwritten.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from semantic.dialects import DIALECTS, DRIVER_ERROR_MODULES, facts, facts_of
from semantic.errors import first_line
from semantic.ledger.demo import generate
from semantic.ledger.guard import DemoOrigin, LedgerError, mark, refuse_foreign
from semantic.ledger.schema import bookkeeping, metadata, without_foreign_keys

Progress = Callable[[str, int, int], None]
"""Called as progress(table_name, rows_written_so_far, rows_in_table) after every chunk."""

CHUNK_ROWS = 250_000
BULK_BACKENDS = tuple(name for name in DIALECTS if facts(name).bulk_write)


def write_ledger(database_url: str, tables: dict[str, pa.Table], progress: Progress | None = None, *,
                 replace: bool = False, origin: DemoOrigin | None = None, foreign_keys: bool = True) -> None:
    """Drop and recreate the canonical tables, then bulk-load `tables` (keyed by table name).

    Without `foreign_keys` the tables are created as ingest creates them, so exports can be ingested on top.
    Refuses (LedgerError) when the database holds canonical tables the demo did not write, unless `replace`.
    """
    url = parse_url(database_url)
    engine = bulk_engine(url)
    try:
        with _translated(url), engine.begin() as conn:
            if not replace:
                refuse_foreign(conn, shown_url(url))
            metadata.drop_all(conn)
            bookkeeping.drop_all(conn)  # ingest's keys would otherwise claim rows the replaced tables no longer hold
            (metadata if foreign_keys else without_foreign_keys(metadata.sorted_tables)).create_all(conn)
            for name in metadata.tables:
                if name in tables:
                    _load_table(conn, name, tables[name], progress)
            mark(conn, origin or DemoOrigin())
    finally:
        engine.dispose()


def write_demo(database_url: str, scale: float = 1.0, seed: int = 42, as_of: date | None = None,
               progress: Progress | None = None, *, replace: bool = False) -> dict[str, int]:
    """Generate the demo ledger and write it; returns the row count per table.

    Without `replace`, a database holding tables the demo did not write is refused before generating.
    """
    if not replace:
        check_replaceable(database_url)  # also fails on a bad URL before spending time generating
    day = as_of or date.today()
    tables = generate(scale=scale, seed=seed, as_of=day)
    write_ledger(database_url, tables, progress, replace=replace, origin=DemoOrigin(seed, scale, day))
    return {name: table.num_rows for name, table in tables.items()}


def check_replaceable(database_url: str) -> None:
    """Raise LedgerError unless loading the demo at this URL would destroy nothing but an earlier demo."""
    url = parse_url(database_url)
    path = _duckdb_file(url)
    if path is not None and not path.exists():
        return  # a new file: connecting would only create it empty
    engine = bulk_engine(url)
    try:
        with _translated(url), engine.connect() as conn:
            refuse_foreign(conn, shown_url(url))
    finally:
        engine.dispose()


@contextmanager
def _translated(url: URL) -> Iterator[None]:
    """Database and driver errors become one-line LedgerErrors with a hint."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise LedgerError(f"could not write the ledger to {shown_url(url)}: {first_line(exc)}",
                          "check that the database is running and writable") from exc
    except Exception as exc:  # driver errors (duckdb.Error, psycopg.Error) that escape SQLAlchemy wrapping
        if type(exc).__module__.split(".")[0] in DRIVER_ERROR_MODULES:
            raise LedgerError(f"could not write the ledger: {first_line(exc)}",
                              "check that the database is running and writable") from exc
        raise


def shown_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def demo_ledger_present(database_url: str) -> bool:
    """True when every canonical table exists and opportunities has rows; never creates a database file."""
    try:
        url = parse_url(database_url, create_dirs=False)
    except LedgerError:
        return False
    path = _duckdb_file(url)
    if path is not None and not path.exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            if not set(metadata.tables) <= present:
                return False
            opportunities = metadata.tables["opportunities"]
            return bool(conn.execute(select(func.count()).select_from(opportunities)).scalar())
    except (SQLAlchemyError, OSError):
        return False
    finally:
        engine.dispose()


def parse_url(database_url: str, create_dirs: bool = True) -> URL:
    """The parsed URL (a LedgerError with examples when it is not one); creates a DuckDB file's folder."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise LedgerError(f"not a database URL: {database_url!r}",
                          "use e.g. duckdb:///data/ledger.duckdb or postgresql+psycopg://user@host:5432/db") from exc
    path = _duckdb_file(url)
    if path is not None and create_dirs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot create folder {path.parent}: {exc.strerror}",
                              "choose a writable path in --database") from exc
    return url


def bulk_engine(url: URL) -> Engine:
    """An engine for a backend with a bulk load path (DuckDB, PostgreSQL); anything else is a LedgerError."""
    if url.get_backend_name() not in BULK_BACKENDS:
        raise LedgerError(f"cannot bulk-load the ledger into a {url.get_backend_name()} database",
                          "use a duckdb:/// or postgresql+psycopg:// URL")
    try:
        return create_engine(url)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise LedgerError(f"unsupported database URL {url.render_as_string(hide_password=True)!r}: "
                          f"{first_line(exc)}",
                          "the ledger loads into duckdb:/// or postgresql+psycopg:// URLs") from exc


def _duckdb_file(url: URL) -> Path | None:
    found = facts_of(url.get_backend_name())
    path = found.data_file(url) if found is not None else None
    return Path(path) if path is not None else None


def _load_table(conn: Connection, name: str, table: pa.Table, progress: Progress | None) -> None:
    expected = [c.name for c in metadata.tables[name].columns]
    if table.column_names != expected:
        raise ValueError(f"table {name} has columns {table.column_names}, expected {expected}")
    dialect = conn.dialect.name
    quoted = conn.dialect.identifier_preparer.quote(name)
    raw = conn.connection.driver_connection
    batches = table.to_batches(max_chunksize=CHUNK_ROWS)
    if progress:
        progress(name, 0, table.num_rows)
    if facts_of(dialect).bulk_write == "arrow":  # bulk_engine only admits dialects with a bulk path
        for done, batch in _counted(batches):
            raw.register("ledger_chunk", pa.Table.from_batches([batch], schema=table.schema))
            raw.execute(f"INSERT INTO {quoted} SELECT * FROM ledger_chunk")
            raw.unregister("ledger_chunk")
            if progress:
                progress(name, done, table.num_rows)
    else:  # copy
        columns = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in expected)
        with raw.cursor() as cursor, cursor.copy(f"COPY {quoted} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for done, batch in _counted(batches):
                buffer = io.BytesIO()
                pa_csv.write_csv(batch, buffer, pa_csv.WriteOptions(include_header=False))
                copy.write(buffer.getbuffer())
                if progress:
                    progress(name, done, table.num_rows)


def _counted(batches: list[pa.RecordBatch]) -> Iterator[tuple[int, pa.RecordBatch]]:
    """Each batch with the number of rows written once it is in."""
    done = 0
    for batch in batches:
        done += batch.num_rows
        yield done, batch


