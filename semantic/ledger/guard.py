"""Which databases the demo loader may overwrite.

Loading drops and recreates the canonical tables. Someone who set SEMANTIC_DATABASE_URL to their warehouse
for queries and then follows the README tour (`semantic demo`) would lose their real `accounts` and
`opportunities`. So the loader replaces tables only in a database that has none of them, or that holds a
demo ledger we wrote before (recognised by a one-row marker table), unless explicitly told to replace.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import BigInteger, Column, Connection, Date, DateTime, Double, MetaData, Table, inspect, text

from semantic.dialects import facts_of
from semantic.ledger.schema import metadata

MARKER = Table(
    "semantic_demo_ledger", MetaData(),
    Column("written_at", DateTime, nullable=False),
    Column("seed", BigInteger),
    Column("scale", Double),
    Column("as_of", Date),
)


class LedgerError(Exception):
    """A ledger could not be written; `hint` says what the user can do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class DemoOrigin:
    """How a demo ledger was generated, recorded in the marker (None when the caller brought its tables)."""

    seed: int | None = None
    scale: float | None = None
    as_of: date | None = None


def foreign_tables(conn: Connection) -> list[str]:
    """Canonical tables present in a database the demo did not write; empty means safe to replace."""
    present = set(inspect(conn).get_table_names())
    if MARKER.name in present:
        return []
    return sorted(present & set(metadata.tables))


def refuse_foreign(conn: Connection, shown_url: str) -> None:
    """Raise a LedgerError naming the tables that would be dropped, with the ways out."""
    tables = foreign_tables(conn)
    if tables:
        raise LedgerError(
            f"{shown_url} already holds tables the demo did not write ({', '.join(tables)}); not replacing them",
            "point --database (or $SEMANTIC_DATABASE_URL) at a new database, e.g. duckdb:///data/ledger.duckdb; "
            "pass --force only if these tables may be dropped")


def mark(conn: Connection, origin: DemoOrigin) -> None:
    """Record that this database now holds a demo ledger, so the next `semantic demo` may replace it."""
    MARKER.drop(conn, checkfirst=True)
    MARKER.create(conn)
    conn.execute(MARKER.insert().values(written_at=datetime.now(timezone.utc).replace(tzinfo=None),
                                        seed=origin.seed, scale=origin.scale, as_of=origin.as_of))


def tables_with_foreign_keys(conn: Connection, names: set[str]) -> list[str]:
    """Which of these tables enforce foreign keys (the demo's do; the tables ingest creates do not)."""
    dialect = facts_of(conn.dialect.name)
    if dialect is not None and dialect.foreign_keys_query:  # the driver cannot reflect them; the database lists them
        found = {name for (name,) in conn.execute(text(dialect.foreign_keys_query))}
    else:
        inspector = inspect(conn)
        found = {name for name in names if inspector.get_foreign_keys(name)}
    return sorted(found & names)
