"""Write ledger tables into a database in bulk: Arrow scans for DuckDB, COPY for PostgreSQL.

Row-by-row INSERTs would take hours at demo scale 100 (millions of activities), so each backend gets
its native bulk path, fed part by part as the generator draws them (memory holds one part); the tables themselves are always (re)created from the SQLAlchemy metadata so both
backends end up with the same types. Only databases `semantic.ledger.guard` deems ours are overwritten.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
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
from semantic.ledger.demo import Part, generate_parts
from semantic.ledger.guard import DemoOrigin, LedgerError, mark, refuse_foreign
from semantic.ledger.schema import bookkeeping, metadata, without_foreign_keys

Progress = Callable[[str, int, int], None]
"""Called as progress(table_name, rows_written_so_far, rows_in_table) after every chunk."""

CHUNK_ROWS = 250_000
BULK_BACKENDS = tuple(name for name in DIALECTS if facts(name).bulk_write)


def write_ledger(database_url: str, tables: dict[str, pa.Table] | Iterable[Part], progress: Progress | None = None,
                 *, replace: bool = False, origin: DemoOrigin | None = None,
                 foreign_keys: bool = True) -> dict[str, int]:
    """Drop and recreate the canonical tables, then bulk-load `tables`; returns the rows written per table.

    `tables` is keyed by table name, or a stream of parts in load order (`generate_parts`): each part is
    written and committed as it comes, then dropped, so a stream of any length needs the memory of one
    part (and the database's, capped by its `load_memory_mb` fact). An interrupted load leaves the tables partly
    filled, marked as the demo's, so the next `semantic demo` replaces them without --force.
    Without `foreign_keys` the tables are created as ingest creates them, so exports can be ingested on top.
    Refuses (LedgerError) when the database holds canonical tables the demo did not write, unless `replace`.
    """
    url = parse_url(database_url)
    engine = bulk_engine(url)
    counts: dict[str, int] = {}
    try:
        with _translated(url), engine.connect() as conn:
            with conn.begin():
                if not replace:
                    refuse_foreign(conn, shown_url(url))
                cap = facts_of(conn.dialect.name).load_memory_mb  # type: ignore[union-attr]
                if cap is not None:
                    conn.exec_driver_sql(f"SET memory_limit = '{int(cap)}MB'")
                metadata.drop_all(conn)
                bookkeeping.drop_all(conn)  # ingest's keys would otherwise claim rows the replaced tables no longer hold
                (metadata if foreign_keys else without_foreign_keys(metadata.sorted_tables)).create_all(conn)
                mark(conn, origin or DemoOrigin())  # ours from now on: a rerun after an interruption may replace it
            for part in as_parts(tables):
                done = counts.get(part.table, 0)
                if progress and not done:
                    progress(part.table, 0, part.table_rows)
                with conn.begin():  # one part per transaction: a transaction holds its rows in memory
                    counts[part.table] = _load_part(conn, part, done, progress)
            with conn.begin():
                mark(conn, origin or DemoOrigin())
    finally:
        engine.dispose()
    return counts


def as_parts(tables: dict[str, pa.Table] | Iterable[Part]) -> Iterable[Part]:
    """Whole tables keyed by name as one part each, in load order; a stream of parts as it is."""
    if not isinstance(tables, dict):
        return tables
    return (Part(name, tables[name], tables[name].num_rows) for name in metadata.tables if name in tables)


def write_demo(database_url: str, scale: float = 1.0, seed: int = 42, as_of: date | None = None,
               progress: Progress | None = None, *, replace: bool = False) -> dict[str, int]:
    """Generate the demo ledger and write it part by part as it is drawn; returns the row count per table.

    Without `replace`, a database holding tables the demo did not write is refused before generating.
    """
    if not replace:
        check_replaceable(database_url)  # also fails on a bad URL before spending time generating
    day = as_of or date.today()
    return write_ledger(database_url, generate_parts(scale=scale, seed=seed, as_of=day), progress,
                        replace=replace, origin=DemoOrigin(seed, scale, day))


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


def _load_part(conn: Connection, part: Part, done: int, progress: Progress | None) -> int:
    """Append one part to its table in batches of CHUNK_ROWS; returns the table's rows written so far."""
    name, table = part.table, part.rows
    expected = [c.name for c in metadata.tables[name].columns]
    if table.column_names != expected:
        raise ValueError(f"table {name} has columns {table.column_names}, expected {expected}")
    quoted = conn.dialect.identifier_preparer.quote(name)
    raw = conn.connection.driver_connection
    batches = table.to_batches(max_chunksize=CHUNK_ROWS)
    if facts_of(conn.dialect.name).bulk_write == "arrow":  # bulk_engine only admits dialects with a bulk path
        for batch in batches:
            raw.register("ledger_chunk", pa.Table.from_batches([batch], schema=table.schema))
            raw.execute(f"INSERT INTO {quoted} SELECT * FROM ledger_chunk")
            raw.unregister("ledger_chunk")
            done += batch.num_rows
            if progress:
                progress(name, done, part.table_rows)
        return done
    # copy: bulk_engine only admits BULK_BACKENDS
    columns = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in expected)
    with raw.cursor() as cursor, cursor.copy(f"COPY {quoted} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for batch in batches:
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, pa_csv.WriteOptions(include_header=False))
            copy.write(buffer.getbuffer())
            done += batch.num_rows
            if progress:
                progress(name, done, part.table_rows)
    return done
