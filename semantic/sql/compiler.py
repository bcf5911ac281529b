"""Plan -> one SQLAlchemy Core SELECT with a named CTE per step.

1. one CTE per source group: the entity's rows, joined many-to-one to what the dimensions and filters need,
   filtered, and aggregated at the question's period and dimensions (so no row is ever counted twice);
2. `keys`: every (period, dimensions) combination to report, the date spine included, when groups must meet;
3. the final SELECT: groups joined on the keys null-safely, metric formulas computed after aggregation.
Every user value (filter values, time range bounds, spine dates, limit) is a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlglot import exp

from semantic.definitions.expressions import parse_select
from semantic.definitions.project import Definitions
from semantic.graph import SemanticGraph
from semantic.plan.model import DimensionUse, FilterUse, MeasureUse, Plan, SourceGroup
from semantic.plan.resolve import build_plan
from semantic.question import Question
from semantic.result import Column
from semantic.sql.dialects import SQLGLOT_NAMES, dialect_for, normalize
from semantic.sql.render import needs_quotes, render, render_formula
from semantic.sql.timefns import period_start

DIMENSION_TYPES = {"category": "string", "number": "number", "boolean": "boolean", "time": "timestamp"}


@dataclass(frozen=True)
class CompiledQuery:
    """A question's statement; its text is rendered only when someone asks for it (execution does not)."""

    statement: sa.Select
    dialect: str
    columns: tuple[Column, ...]
    plan: Plan

    @cached_property
    def _text(self) -> Any:
        return self.statement.compile(dialect=dialect_for(self.dialect))

    @property
    def sql(self) -> str:
        return str(self._text)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._text.params)


def internal_name(ref: str) -> str:
    """Column name of a dimension inside the CTEs: `account.segment` -> `account__segment`."""
    return ref.replace(".", "__")


def _qualified(alias: str, column: str, dialect: str) -> ColumnElement:
    node = exp.column(column, table=exp.to_identifier(alias, quoted=needs_quotes(alias, dialect)),
                      quoted=needs_quotes(column, dialect))
    return sa.literal_column(node.sql(dialect=SQLGLOT_NAMES[dialect]))


def _source(defs: Definitions, entity_name: str, dialect: str) -> sa.FromClause:
    entity = defs.entities[entity_name]
    if entity.table:
        schema, _, name = entity.table.rpartition(".")
        return sa.table(name, schema=schema or None).alias(entity_name)
    tree, columns = parse_select(entity.sql or "")
    text = tree.sql(dialect=SQLGLOT_NAMES[dialect])
    return sa.text(text).columns(*[sa.column(c) for c in columns]).subquery(entity_name)


def _dimension_sql(defs: Definitions, dim: DimensionUse, dialect: str) -> ColumnElement:
    return render(dim.dimension.expr or dim.name, dim.entity, dim.entity, defs, dialect, expand_dimensions=False)


def _day_filter_sql(col: ColumnElement, op: str, days: tuple[date, ...]) -> ColumnElement:
    """A date compared with a time dimension means the whole day, as in time ranges: 'eq 2025-11-03'
    matches 09:00 that day, 'lte 2025-11-03' includes it, 'gt 2025-11-03' starts the next day."""
    def on(day: date) -> ColumnElement:
        return sa.and_(col >= sa.literal(day, sa.Date), col < sa.literal(day + timedelta(days=1), sa.Date))

    if op in ("eq", "in"):
        return sa.or_(*[on(d) for d in days])
    if op in ("neq", "not_in"):
        return sa.or_(sa.not_(sa.or_(*[on(d) for d in days])), col.is_(None))
    if op == "between":
        return sa.and_(col >= sa.literal(days[0], sa.Date), col < sa.literal(days[1] + timedelta(days=1), sa.Date))
    next_day = sa.literal(days[0] + timedelta(days=1), sa.Date)
    return {"lt": lambda: col < sa.literal(days[0], sa.Date), "lte": lambda: col < next_day,
            "gt": lambda: col >= next_day, "gte": lambda: col >= sa.literal(days[0], sa.Date)}[op]()


def _filter_sql(defs: Definitions, flt: FilterUse, dialect: str) -> ColumnElement:
    col = _dimension_sql(defs, flt.dimension, dialect)
    values = flt.values
    is_day = lambda v: isinstance(v, date) and not isinstance(v, datetime)  # noqa: E731
    if flt.dimension.dimension.type == "time" and values and all(is_day(v) for v in values):
        return _day_filter_sql(col, flt.op, values)
    if flt.op == "eq":
        return col == sa.literal(values[0])
    if flt.op == "neq":  # "not X" keeps rows where the value is unknown, as a business reader expects
        return sa.or_(col != sa.literal(values[0]), col.is_(None))
    if flt.op == "in":
        return col.in_([sa.literal(v) for v in values])
    if flt.op == "not_in":
        return sa.or_(col.not_in([sa.literal(v) for v in values]), col.is_(None))
    if flt.op == "between":
        return col.between(sa.literal(values[0]), sa.literal(values[1]))
    if flt.op == "is_null":
        return col.is_(None)
    if flt.op == "not_null":
        return col.is_not(None)
    if flt.op == "contains":
        return col.icontains(values[0], autoescape=True)
    comparisons = {"gt": col.__gt__, "gte": col.__ge__, "lt": col.__lt__, "lte": col.__le__}
    return comparisons[flt.op](sa.literal(values[0]))


def _aggregate(defs: Definitions, m: MeasureUse, condition: ColumnElement | None, dialect: str) -> ColumnElement:
    entity = defs.entities[m.entity]
    if m.expr:
        value: ColumnElement | None = render(m.expr, m.entity, m.entity, defs, dialect)
    elif m.agg == "count":
        value = _qualified(m.entity, entity.primary_key, dialect) if entity.primary_key else None
    else:
        value = render(m.measure, m.entity, m.entity, defs, dialect)
    if condition is not None:
        value = sa.case((condition, value if value is not None else sa.literal_column("1")))
    if m.agg == "count":
        return sa.func.count(value) if value is not None else sa.func.count()
    if m.agg == "count_distinct":
        return sa.func.count(sa.distinct(value))
    if m.agg == "median":
        return sa.func.percentile_cont(0.5).within_group(value)
    return getattr(sa.func, m.agg)(value)


def _group_cte(defs: Definitions, plan: Plan, group: SourceGroup, dialect: str) -> sa.CTE:
    source = _source(defs, group.entity, dialect)
    joined = {group.entity}
    for path in group.joins:
        for step in path.steps:
            if step.target in joined:
                continue
            target = _source(defs, step.target, dialect)
            on = _qualified(step.source, step.foreign_key, dialect) == _qualified(step.target, step.target_key, dialect)
            source = source.outerjoin(target, on)
            joined.add(step.target)
    keys: list[ColumnElement] = []
    where: list[ColumnElement] = []
    if group.time_dimension is not None:
        moment = _dimension_sql(defs, group.time_dimension, dialect)
        if plan.grain:
            keys.append(period_start(moment, plan.grain, defs.calendar).label("period"))
        if plan.time_range:
            start, end = plan.time_range
            where += [moment >= sa.literal(start, sa.Date), moment < sa.literal(end + timedelta(days=1), sa.Date)]
    keys += [_dimension_sql(defs, d, dialect).label(internal_name(d.ref)) for d in plan.dimensions]
    where += [_filter_sql(defs, f, dialect) for f in plan.filters]
    shared = {m.conditions for m in group.measures}
    per_measure = len(shared) > 1
    if not per_measure:
        where += [render(c, group.entity, group.entity, defs, dialect) for c in next(iter(shared))]
    aggregates = []
    for m in group.measures:
        condition = sa.and_(*[render(c, m.entity, m.entity, defs, dialect) for c in m.conditions]) \
            if per_measure and m.conditions else None
        aggregates.append(_aggregate(defs, m, condition, dialect).label(m.column))
    stmt = sa.select(*keys, *aggregates).select_from(source).where(*where)
    if keys:  # by position: valid on every target dialect and keeps long expressions written once
        stmt = stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))])
    return stmt.cte(group.name)


def _spine(dates: tuple[date, ...], dialect: str) -> sa.FromClause:
    """The report's periods as a tiny table of bound dates (BigQuery has no VALUES list: UNION ALL there)."""
    if dialect == "bigquery":
        rows = [sa.select(sa.cast(sa.literal(d, sa.Date), sa.Date).label("period")) for d in dates]
        return (sa.union_all(*rows) if len(rows) > 1 else rows[0]).subquery("spine")
    return sa.values(sa.column("period", sa.Date), name="spine").data([(d,) for d in dates])


def _keys_cte(plan: Plan, groups: list[sa.CTE], key_names: list[str], dialect: str) -> sa.CTE:
    """Every row to report: the data's own keys, plus every spine period for every dimension combination."""
    data_keys = [sa.select(*[g.c[k] for k in key_names]) for g in groups]
    if plan.spine is None:
        return sa.union(*data_keys).cte("keys")
    spine = _spine(plan.spine, dialect)
    dim_names = [k for k in key_names if k != "period"]
    if dim_names:
        combos = sa.union(*[sa.select(*[g.c[k] for k in dim_names]) for g in groups]).subquery("dimension_values")
        spine_rows = sa.select(spine.c.period, *[combos.c[k] for k in dim_names]).select_from(spine.join(combos, sa.true()))
    else:
        spine_rows = sa.select(spine.c.period)
    return sa.union(spine_rows, *data_keys).cte("keys")


def compile_plan(defs: Definitions, plan: Plan, dialect: str) -> CompiledQuery:
    dialect = normalize(dialect)
    groups = [_group_cte(defs, plan, g, dialect) for g in plan.groups]
    key_names = (["period"] if plan.grain else []) + [internal_name(d.ref) for d in plan.dimensions]
    if not key_names:
        frame: sa.FromClause = groups[0]
        for g in groups[1:]:
            frame = frame.join(g, sa.true())
        key_columns: list[ColumnElement] = []
    elif len(groups) == 1 and plan.spine is None:
        frame = groups[0]
        key_columns = [groups[0].c[k] for k in key_names]
    else:
        keys = _keys_cte(plan, groups, key_names, dialect)
        frame = keys
        for g in groups:
            frame = frame.outerjoin(g, sa.and_(*[keys.c[k].is_not_distinct_from(g.c[k]) for k in key_names]))
        key_columns = [keys.c[k] for k in key_names]
    output_names = (["period"] if plan.grain else []) + [d.ref for d in plan.dimensions]
    dotted_ok = dialect != "bigquery"  # BigQuery column names cannot contain '.'; rows are named by position
    outputs = {name: col.label(name if dotted_ok else col.key) for name, col in zip(output_names, key_columns)}
    for m in plan.metrics:
        outputs[m.name] = render_formula(m.formula, dialect).label(m.name)
    stmt = sa.select(*outputs.values()).select_from(frame)
    for column, descending in plan.order_by:
        target = outputs[column].element
        stmt = stmt.order_by((target.desc() if descending else target.asc()).nulls_last())
    if plan.limit is not None:
        stmt = stmt.limit(plan.limit)
    return CompiledQuery(stmt, dialect, _columns(plan), plan)


def _columns(plan: Plan) -> tuple[Column, ...]:
    cols = [Column("period", "date", None, f"Period ({plan.grain})")] if plan.grain else []
    cols += [Column(d.ref, DIMENSION_TYPES[d.dimension.type], None, d.dimension.label) for d in plan.dimensions]
    cols += [Column(m.name, m.type, m.format, m.label) for m in plan.metrics]
    return tuple(cols)


def compile_question(defs: Definitions, graph: SemanticGraph, question: Question, dialect: str,
                     today: date | None = None) -> CompiledQuery:
    return compile_plan(defs, build_plan(defs, graph, question, today), dialect)
