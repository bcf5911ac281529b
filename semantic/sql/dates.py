"""Small tables of bound dates (a report's periods, a window's reading days), written the way each target
reads them fastest or at all.

DuckDB plans `VALUES` lists as a table of known size and picks a merge join against it, which measured
0.25-0.5 ms slower on a 14-row spine than `unnest` of a list (a nested-loop join), and binds one list
parameter per column faster than one parameter per date (and it compiles faster); BigQuery has no `VALUES`
and Snowflake leaves its columns untyped, so those get a UNION ALL of typed rows; every other target reads
`VALUES`. Every date is a bound parameter.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

import sqlalchemy as sa

from semantic.dialects import facts


def _bound(day: date) -> sa.ColumnElement:
    return sa.cast(sa.literal(day, sa.Date), sa.Date)


def date_table(columns: Sequence[str], rows: Sequence[Sequence[date]], dialect: str, name: str) -> sa.Select:
    """A SELECT of `rows` (one date per column each) under the column names given."""
    form = facts(dialect).date_table
    if form == "unnest":  # one bound list per column, unnested side by side (they have the same length)
        return sa.select(*[sa.func.unnest(sa.bindparam(None, [r[i] for r in rows], sa.ARRAY(sa.Date))).label(c)
                           for i, c in enumerate(columns)])
    if form == "union":  # typed dates: no VALUES on BigQuery, untyped on Snowflake
        selects = [sa.select(*[_bound(d).label(c) for d, c in zip(r, columns)]) for r in rows]
        return sa.select(sa.union_all(*selects).subquery(name)) if len(selects) > 1 else selects[0]
    values = sa.values(*[sa.column(c, sa.Date) for c in columns], name=name).data([tuple(r) for r in rows])
    return sa.select(*values.c)
