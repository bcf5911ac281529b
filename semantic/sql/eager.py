"""Aggregate before joining: a fact table's rows grouped by their foreign keys first, the parents joined after.

`activities by account.segment` joins 5M activities to their accounts only to read a segment that is the
same for every activity of an account. Counting per `account_id` first (100k rows) and joining those
partial counts to the accounts does the same sum with a fiftieth of the join's probes: at scale 100 the
query's CPU time halves (0.41 s to 0.20 s). It is exact when

- every group key is a parent's column (no period, no column of the fact row: those keep as many groups
  as rows, and the pre-aggregation would be pure cost),
- every measure is a count, sum, min or max of the fact row's own columns, under conditions on its own
  columns (an average, distinct count or median does not split into partial results),
- the WHERE conditions and every join's foreign key are the fact row's own columns,

since a parent's columns are a function of the foreign key. Only where the dialect's facts say summing the partial
results keeps each aggregate's type (DuckDB: a count is cast back to BIGINT); PostgreSQL would turn a sum of
integers into NUMERIC. Anything else renders as the one scan-join-aggregate of `steps.aggregate`.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.dialects import facts
from semantic.plan.model import EntityMetricUse, filter_leaves
from semantic.plan.steps import PRIMARY_KEY, TIME, Aggregate, AggregateMeasure, Filter, Join, internal_name

DECOMPOSABLE = frozenset({"count", "sum", "min", "max"})


def _join_of(step: Aggregate) -> Join | None:
    """The Join the aggregate's rows come from, through at most one Filter."""
    rows = step.input
    if isinstance(rows, Filter):
        rows = rows.input
    return rows if isinstance(rows, Join) else None


def _fact_columns_only(step: Aggregate, join: Join) -> bool:
    """Measures, conditions, filters and foreign keys all read the fact row's own columns."""
    own = set(join.base.outputs)
    used = {m.value for m in step.measures if m.value} | {m.condition for m in step.measures if m.condition}
    used |= {edge.foreign_key for edge in join.edges}
    if isinstance(step.input, Filter):
        flt = step.input
        leaves = filter_leaves(flt.filters)
        if any(isinstance(leaf, EntityMetricUse) for leaf in leaves):
            return False
        used |= set(flt.conditions) | {internal_name(leaf.dimension.ref) for leaf in leaves}
        if flt.window is not None or flt.left_out is not None:
            used.add(TIME)
    return used <= own


def eager_aggregate(rows, step: Aggregate, dialect: str, table_rows: Callable,
                    render_measure: Callable[[AggregateMeasure, dict, str], ColumnElement]) -> sa.Select | None:
    """The aggregate as partial aggregates joined to the parents, or None when that would not be exact.

    `rows` are the rendered input rows, `table_rows(step)` renders an earlier row step (the join's base
    and parents), `render_measure` renders one measure over a dict of columns.
    """
    join = _join_of(step)
    if not facts(dialect).eager_aggregation or join is None or step.grain is not None or not step.dimensions:
        return None
    if any(m.agg not in DECOMPOSABLE for m in step.measures) or not _fact_columns_only(step, join):
        return None
    parent_columns = {c.name for edge in join.edges for c in edge.target.columns if not c.key}
    names = [internal_name(d.ref) for d in step.dimensions]
    if not set(names) <= parent_columns - set(join.base.outputs):
        return None
    base = table_rows(join.base)
    parents = [table_rows(edge.target) for edge in join.edges]
    c = rows.columns
    fks = [c[edge.foreign_key] for edge in join.edges]
    keys = [c[name] for name in names]

    partial_columns = [fk.label(f"fk{i}") for i, fk in enumerate(fks)]
    partial_columns += [render_measure(m, c, dialect).label(m.column) for m in step.measures]
    partials = (sa.select(*partial_columns).select_from(base.source).where(*rows.where)
                .group_by(*[sa.literal_column(str(i + 1)) for i in range(len(fks))]).subquery("partials"))
    source: sa.FromClause = partials
    for i, parent in enumerate(parents):
        source = source.outerjoin(parent.source, partials.c[f"fk{i}"] == parent.columns[PRIMARY_KEY])
    measures = [_combined(m, partials.c[m.column]).label(m.column) for m in step.measures]
    labelled = [key.label(name) for key, name in zip(keys, names)]
    return (sa.select(*labelled, *measures).select_from(source)
            .group_by(*[sa.literal_column(str(i + 1)) for i in range(len(labelled))]))


def _combined(m: AggregateMeasure, partial: ColumnElement) -> ColumnElement:
    """The measure over its partial results: counts add up (cast back to a count's type), the rest repeat."""
    if m.agg == "count":
        return sa.cast(sa.func.sum(partial), sa.BigInteger)
    return getattr(sa.func, m.agg)(partial)
