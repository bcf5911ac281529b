"""Make a database ready for ingest: create the tables it lacks, refuse tables of another shape.

Tables ingest creates carry no foreign-key constraints. Sources reference records that arrive in a later file,
a later run, or never (a Salesforce Task's OwnerId of a user not exported): a reference is kept as the id it
will have, and joins resolve it once the parent is there. Ledger tables that enforce foreign keys (the demo's,
made by `semantic demo`) would turn such legitimate exports into failures halfway through a file, so they are
refused up front with a coded error: ingest goes into a database of its own.
"""
from __future__ import annotations

from sqlalchemy import Connection, inspect, literal_column, select
from sqlalchemy import table as sql_table

from semantic.ingest.errors import FOREIGN_KEYS, TABLE_SHAPE, IngestError
from semantic.ledger.guard import tables_with_foreign_keys
from semantic.ledger.schema import bookkeeping, metadata, without_foreign_keys


INGEST_TABLES = without_foreign_keys([*metadata.sorted_tables, *bookkeeping.sorted_tables])


def prepare(conn: Connection) -> None:
    """Create the missing ledger and bookkeeping tables; check the present ones' columns and constraints.

    Columns are read from an empty SELECT rather than reflected: duckdb-engine cannot reflect columns under
    SQLAlchemy 2.1.
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
    enforcing = tables_with_foreign_keys(conn, present & set(INGEST_TABLES.tables))
    if enforcing:
        raise IngestError(FOREIGN_KEYS, f"table(s) {', '.join(enforcing)} enforce foreign keys (a demo ledger?); "
                          "exports reference records they do not include, so ingest needs tables without them",
                          "ingest into a database of its own, e.g. --database duckdb:///data/crm.duckdb, where "
                          "ingest creates the tables")
    created = [t.name for t in INGEST_TABLES.sorted_tables if t.name not in present]
    INGEST_TABLES.create_all(conn, tables=[INGEST_TABLES.tables[name] for name in created])
