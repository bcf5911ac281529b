"""Bulk writes of one batch: stage the rows next to the target table, then upsert with one statement.

DuckDB reads the batch as a registered Arrow table; PostgreSQL gets it by COPY into a temporary table
dropped at commit. From there one SQLAlchemy Core statement, the same on both, moves the rows:
INSERT .. SELECT .. ON CONFLICT (key) DO UPDATE for tables with a primary key, and DELETE + INSERT for
opportunity_stage_history, whose rows are keyed only by their source_id.
"""
from __future__ import annotations

import io
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Column, Connection, MetaData, Table, delete, exists, select
from sqlalchemy.dialects.postgresql import insert

from semantic.dialects import facts_of
from semantic.ledger.demo_common import arrow_schema

_names = itertools.count()


@contextmanager
def staged(conn: Connection, like: Table, rows: Sequence[dict[str, Any]]) -> Iterator[Table]:
    """`rows` (dicts with every column of `like`) as a table the next statements can select from."""
    name = f"ingest_batch_{next(_names)}"
    shape = Table(name, MetaData(), *[Column(c.name, c.type) for c in like.columns],
                  prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    batch = pa.Table.from_pylist(list(rows), schema=arrow_schema(like))
    raw = conn.connection.driver_connection
    dialect = facts_of(conn.dialect.name)
    if dialect is not None and dialect.bulk_write == "arrow":
        raw.register(name, batch)
        try:
            yield shape
        finally:
            raw.unregister(name)
        return
    shape.create(conn)
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c.name) for c in like.columns)
    buffer = io.BytesIO()
    pa_csv.write_csv(batch, buffer, pa_csv.WriteOptions(include_header=False))
    with raw.cursor() as cursor, cursor.copy(f"COPY {quote(name)} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getbuffer())
    yield shape
    shape.drop(conn)  # now, not at commit: a dry run's one long transaction would pile them up


def upsert(conn: Connection, target: Table, source: Table, *, keep: Sequence[str] = ()) -> None:
    """Insert the staged rows into `target`, replacing rows with the same key (columns in `keep` are kept as
    they are on an existing row: first-seen times)."""
    names = [c.name for c in target.columns]
    rows = select(*[source.c[n] for n in names])
    keys = [c.name for c in target.primary_key.columns]
    if not keys:  # opportunity_stage_history: keyed by the source's id of the change
        conn.execute(delete(target).where(target.c.source_id.in_(select(source.c.source_id))))
        conn.execute(target.insert().from_select(names, rows))
        return
    statement = insert(target).from_select(names, rows)
    changing = {n: statement.excluded[n] for n in names if n not in keys and n not in keep}
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changing))


def drop_missing_participants(conn: Connection, participants: Table, activities: Table, staged_rows: Table) -> None:
    """Delete the participants an updated activity no longer lists (the rest were just upserted by position)."""
    same = exists().where(staged_rows.c.activity_id == participants.c.activity_id,
                          staged_rows.c.position == participants.c.position)
    conn.execute(delete(participants).where(participants.c.activity_id.in_(select(activities.c.activity_id)), ~same))
