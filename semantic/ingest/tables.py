"""Make a database ready for ingest: create the tables it lacks, refuse tables of another shape.

Tables ingest creates carry no foreign-key constraints. Sources reference records that arrive in a later file,
a later run, or never (a Salesforce Task's OwnerId of a user not exported): a reference is kept as the id it
will have, and joins resolve it once the parent is there. A database whose tables already enforce foreign
keys (the demo's) still works when a run brings parents before children, which is why adapters order files.
"""
from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, Table, inspect, literal_column, select
from sqlalchemy import table as sql_table

from semantic.ingest.errors import TABLE_SHAPE, IngestError
from semantic.ledger.guard import MARKER
from semantic.ledger.schema import bookkeeping, metadata


def _unenforced(tables: list[Table]) -> MetaData:
    """Copies of `tables` with their keys and nullability but without foreign-key constraints."""
    copy = MetaData()
    for table in tables:
        Table(table.name, copy, *[Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                                         autoincrement=False) for c in table.columns])
    return copy


INGEST_TABLES = _unenforced([*metadata.sorted_tables, *bookkeeping.sorted_tables])


def prepare(conn: Connection) -> list[str]:
    """Create the missing ledger and bookkeeping tables (returned by name); check the present ones' columns.

    Columns are read from an empty SELECT rather than reflected: duckdb-engine cannot reflect columns under
    SQLAlchemy 2.1. Also removes the demo's marker: once ingested data is in, `semantic demo` must no longer replace the
    database without --force (semantic.ledger.guard).
    """
    present = set(inspect(conn).get_table_names())
    for table in INGEST_TABLES.sorted_tables:
        if table.name in present:
            found = set(conn.execute(select(literal_column("*")).select_from(sql_table(table.name)).limit(0)).keys())
            missing = [c.name for c in table.columns if c.name not in found]
            if missing:
                raise IngestError(TABLE_SHAPE, f"table {table.name} exists without column(s) {', '.join(missing)}",
                                  "ingest into a database whose ledger tables follow docs/ingest.md (or a new one, "
                                  "e.g. --database duckdb:///data/ingested.duckdb), or add the columns")
    created = [t.name for t in INGEST_TABLES.sorted_tables if t.name not in present]
    INGEST_TABLES.create_all(conn, tables=[INGEST_TABLES.tables[name] for name in created])
    MARKER.drop(conn, checkfirst=True)
    return created
