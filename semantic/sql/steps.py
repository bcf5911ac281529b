"""One render function per step kind (`RENDERERS`), each turning a plan step into SQLAlchemy Core.

Row steps (read, join, shift, filter) render to `Rows`: a FROM clause, the expression of each named column
and WHERE conditions. The step that consumes them (aggregate) renders them as one SELECT, so the database
plans one scan-join-filter-aggregate as it would for a hand-written query (the same chain as a CTE per
row step measured 5-10% slower on DuckDB, which plans every extra projection). Aggregate, spine and
combine return a SELECT the compiler makes a CTE (window.py renders the Window step); compute returns the final
statement. Dialect facts stay in semantic/dialects/; every user value is a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Mapping, Union

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.definitions.project import Definitions
from semantic.plan.steps import (PRIMARY_KEY, TIME, Aggregate, AggregateMeasure, Combine, Compute, Filter, Join,
                                 Read, ReadColumn, Shift, Spine, Step, internal_name)
from semantic.plan.conversion import Cohort, Conversion
from semantic.plan.entity_metric import EntityValues
from semantic.plan.model import EntityMetricUse, filter_leaves
from semantic.plan.funnel import FunnelCounts, FunnelSteps
from semantic.plan.history import Changes, Intervals, StateAt, StateEach
from semantic.plan.window import Window
from semantic.sql.conversion import cohort, conversion
from semantic.sql.date_parts import date_part
from semantic.sql.dates import date_table
from semantic.sql.entity_metric import entity_values, join_values
from semantic.dialects import facts
from semantic.sql.eager import eager_aggregate
from semantic.sql.filters import answer_filter_sql, row_filter_sql, within_days
from semantic.sql.funnel import funnel_counts, funnel_steps
from semantic.sql.history import changes, intervals, state_at, state_each
from semantic.sql.render import render, render_formula
from semantic.sql.tables import entity_source, every_column, qualified as _qualified
from semantic.sql.timefns import ShiftDate, period_start
from semantic.sql.waterfall import WATERFALL_RENDERERS
from semantic.sql.window import window


@dataclass(frozen=True)
class Rows:
    """What row steps render to: rows not yet made a statement (a FROM clause, columns, conditions)."""

    source: sa.FromClause
    columns: dict[str, ColumnElement]
    where: tuple[ColumnElement, ...]


@dataclass(frozen=True)
class Context:
    """What every render function gets: the definitions, the dialect, and a way to use earlier steps."""

    defs: Definitions
    dialect: str
    today: date | None = None  # what `current_date` in a definition means (the plan's today)
    policies: Mapping[str, Filter] = field(default_factory=dict)  # entity -> the rows the caller may see

    def source(self, entity: str, alias: str) -> sa.FromClause:
        """The entity's rows under `alias`: its table, or only the rows its row policy lets through (the
        policy's own joins read the tables unfiltered: a rule is judged on the data as it is)."""
        policy = self.policies.get(entity)
        if policy is None:
            return entity_source(self.defs, entity, alias, self.dialect, self.today)
        rows = replace(self, policies={}).rows(policy)
        return sa.select(every_column(entity, self.dialect)).select_from(rows.source).where(*rows.where) \
            .prefix_with(f"/* row policy: {policy.describe()} */").subquery(alias)

    def rows(self, step: Step) -> Rows:
        rows = RENDERERS[type(step)](self, step)
        assert isinstance(rows, Rows), f"step {step.name} is not a row step"
        return rows

    def table(self, step: Step) -> sa.TableClause:
        """An earlier step's CTE by name, as a light table of its output columns (the compiler attaches
        the CTEs themselves to the statement once, in the plan's order)."""
        return sa.table(step.name, *[sa.column(c) for c in step.outputs])


def _read_column(ctx: Context, step: Read, column: ReadColumn) -> ColumnElement:
    if column.key:
        return _qualified(step.alias, column.texts[0], ctx.dialect)
    parts = [render(t, step.alias, step.entity, ctx.defs, ctx.dialect, column.expand, ctx.today)
             for t in column.texts]
    if column.part is not None:
        return date_part(parts[0], column.part, ctx.defs.calendar)
    return sa.and_(*parts) if len(parts) > 1 else parts[0]


def read(ctx: Context, step: Read) -> Rows:
    """The entity's table, or the step it is read from instead (its rows as of an instant)."""
    source = ctx.table(step.source).alias(step.alias) if step.source is not None else \
        ctx.source(step.entity, step.alias)
    return Rows(source,
                {c.name: _read_column(ctx, step, c) for c in step.columns}, ())


def join(ctx: Context, step: Join) -> Rows:
    """The base rows LEFT JOINed to each parent's rows (its table under its alias) on the parent's key."""
    base = ctx.rows(step.base)
    source, columns = base.source, dict(base.columns)
    for edge in step.edges:
        target = ctx.rows(edge.target)
        source = source.outerjoin(target.source, columns[edge.foreign_key] == target.columns[PRIMARY_KEY])
        columns.update((name, col) for name, col in target.columns.items() if name != PRIMARY_KEY)
    return Rows(source, columns, base.where)


def shift(ctx: Context, step: Shift) -> Rows:
    """Each row moved forward by the shift, so it lands in the period it is compared with (29 February 2024
    counts in February 2025); at the day grain a day with no twin a year later is left out rather than
    doubled onto 28 February."""
    rows = ctx.rows(step.input)
    day = sa.cast(rows.columns[TIME], sa.Date)
    forward = ShiftDate(day, step.amount, step.unit)
    where = (ShiftDate(forward, -step.amount, "month") == day,) if step.drop_days_without_twin else ()
    return Rows(rows.source, {**rows.columns, TIME: forward}, rows.where + where)


def filter_rows(ctx: Context, step: Filter) -> Rows:
    rows = ctx.rows(step.input)
    leaves = [leaf for leaf in filter_leaves(step.filters) if isinstance(leaf, EntityMetricUse)]
    if leaves:  # a metric computed per entity row: its values joined on the key the rows reach
        source, columns = join_values(ctx, rows, leaves)
        rows = replace(rows, source=source, columns=columns)
    c = rows.columns
    where = [within_days(c[TIME], *step.window, ctx.dialect)] if step.window is not None else []
    where += [sa.not_(within_days(c[TIME], *step.left_out, ctx.dialect))] if step.left_out is not None else []
    where += [row_filter_sql(c, f, ctx.dialect) for f in step.filters]
    where += [c[name] for name in step.conditions]
    return replace(rows, where=rows.where + tuple(where))


def _aggregate(m: AggregateMeasure, c: dict[str, ColumnElement], dialect: str) -> ColumnElement:
    """One measure's aggregate; a per-measure condition is `agg(x) FILTER (WHERE c)` where the dialect has it
    (DuckDB plans it faster than CASE), else `agg(CASE WHEN c THEN x END)`."""
    value: ColumnElement | None = c[m.value] if m.value else None  # None: count(*) of the rows
    condition = c[m.condition] if m.condition else None
    use_filter = condition is not None and facts(dialect).filter_clause and m.agg != "median"
    if condition is not None and not use_filter:
        value = sa.case((condition, value if value is not None else sa.literal_column("1")))
    if m.agg == "count":
        agg = sa.func.count(value) if value is not None else sa.func.count()
    elif m.agg == "count_distinct":
        agg = sa.func.count(sa.distinct(value))
    elif m.agg == "median":
        return sa.func.percentile_cont(0.5).within_group(value)
    else:
        agg = getattr(sa.func, m.agg)(value)
    return agg.filter(condition) if use_filter else agg


def aggregate(ctx: Context, step: Aggregate) -> sa.Select:
    rows = ctx.rows(step.input)
    eager = eager_aggregate(rows, step, ctx.dialect, ctx.rows, _aggregate)
    if eager is not None:  # grouped by the foreign keys before the join (eager.py says when)
        return eager
    c = rows.columns
    keys = [period_start(c[TIME], step.grain, ctx.defs.calendar).label("period")] if step.grain else []
    keys += [c[internal_name(d.ref)].label(internal_name(d.ref)) for d in step.dimensions]
    measures = [_aggregate(m, c, ctx.dialect).label(m.column) for m in step.measures]
    stmt = sa.select(*keys, *measures).select_from(rows.source).where(*rows.where)
    if keys:  # by position: valid on every target dialect and keeps long expressions written once
        stmt = stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))])
    return stmt


def spine(ctx: Context, step: Spine) -> sa.Select:
    """The report's periods as a tiny table of bound dates."""
    return date_table(("period",), [(d,) for d in step.periods], ctx.dialect, "periods")


def _distinct_rows(selects: list[sa.Select]) -> sa.Select | sa.CompoundSelect:
    """UNION of the selects (a lone select gets DISTINCT: a one-member UNION would keep duplicates)."""
    return sa.union(*selects) if len(selects) > 1 else selects[0].distinct()


def combine(ctx: Context, step: Combine) -> sa.Select:
    """Every key to report (the aggregates' own, or every spine period for every combination of dimension
    values) with each aggregate joined null-safely on it; without keys, the totals side by side."""
    aggs = [ctx.table(a) for a in step.aggregates]
    measures = [g.c[m.column].label(m.column) for a, g in zip(step.aggregates, aggs) for m in a.measures]
    if not step.keys:
        frame: sa.FromClause = aggs[0]
        for g in aggs[1:]:
            frame = frame.join(g, sa.true())
        return sa.select(*measures).select_from(frame)
    dims = [k for k in step.keys if k != "period"]
    if step.spine is None:
        keys: sa.FromClause = _distinct_rows([sa.select(*[g.c[k] for k in step.keys]) for g in aggs]).subquery("keys")
    elif not dims:
        keys = ctx.table(step.spine)
    else:
        periods = ctx.table(step.spine)
        combos = _distinct_rows([sa.select(*[g.c[k] for k in dims]) for g in aggs]).subquery("dimension_values")
        keys = sa.select(periods.c.period, *[combos.c[k] for k in dims]) \
            .select_from(periods.join(combos, sa.true())).subquery("keys")
    frame = keys
    for g in aggs:
        frame = frame.outerjoin(g, sa.and_(*[keys.c[k].is_not_distinct_from(g.c[k]) for k in step.keys]))
    return sa.select(*[keys.c[k] for k in step.keys], *measures).select_from(frame)


def compute(ctx: Context, step: Compute) -> sa.Select:
    src = ctx.table(step.input)
    dotted_ok = facts(ctx.dialect).dotted_column_names  # else rows are named by position (BigQuery)
    outputs = {name: src.c[column].label(name if dotted_ok else column) for name, column in step.keys}
    for m in step.metrics:
        outputs[m.name] = render_formula(m.formula, ctx.dialect).label(m.name)
    stmt = sa.select(*outputs.values()).select_from(src)
    if step.kept:  # a WHERE over the combined rows: every other column's number is already final
        stmt = stmt.where(*[answer_filter_sql(node, ctx.dialect) for node in step.kept])
    if step.top is not None:  # a rank is a window: only an enclosing SELECT can keep rows by it
        ranked = stmt.subquery("ranked")
        outputs = {name: ranked.c[label.name] for name, label in outputs.items()}
        stmt = sa.select(*ranked.c).where(outputs[step.top[0]] <= step.top[1])
    for column, descending in step.order_by:
        target = outputs[column]
        target = target.element if isinstance(target, sa.Label) else target
        stmt = stmt.order_by((target.desc() if descending else target.asc()).nulls_last())
    return stmt.limit(step.limit) if step.limit is not None else stmt


ROW_STEPS = (Read, Join, Shift, Filter)
RENDERERS: dict[type, Callable[[Context, Step], Union[Rows, sa.Select]]] = {
    Read: read, Join: join, Shift: shift, Filter: filter_rows, Aggregate: aggregate, Spine: spine,
    Combine: combine, Compute: compute, Window: window, Cohort: cohort, Conversion: conversion,
    FunnelCounts: funnel_counts, FunnelSteps: funnel_steps, EntityValues: entity_values,
    StateAt: state_at, Changes: changes, Intervals: intervals, StateEach: state_each,
    **WATERFALL_RENDERERS,
}
