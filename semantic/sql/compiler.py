"""Plan -> one SQLAlchemy Core SELECT with a named CTE per step.

1. one CTE per source group: the entity's rows, joined many-to-one to what the dimensions and filters need,
   filtered, and aggregated at the question's period and dimensions (so no row is ever counted twice);
2. `keys`: every (period, dimensions) combination to report, the date spine included, when groups must meet;
3. the final SELECT: groups joined on the keys null-safely, metric formulas computed after aggregation.
Every user value (filter values, time range bounds, spine dates, limit) is a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlglot import exp

from semantic.definitions.expressions import parse_select
from semantic.definitions.project import Definitions
from semantic.graph import SemanticGraph
from semantic.plan.calendar import shift_back
from semantic.plan.model import DimensionUse, MeasureUse, Plan, SourceGroup
from semantic.plan.resolve import build_plan
from semantic.question import Question
from semantic.result import Column
from semantic.sql.dialects import SQLGLOT_NAMES, dialect_for, normalize
from semantic.sql.filters import filter_sql, within_days
from semantic.sql.render import needs_quotes, render, render_formula
from semantic.sql.timefns import ShiftDate, period_start

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

    def driver_sql(self, dialect: Any) -> tuple[str, Any]:
        """The statement as the driver of an engine takes it (text + parameters), compiled once per driver.

        Executing this text skips SQLAlchemy's per-execution compile, which duckdb-engine cannot cache.
        """
        key = (type(dialect), dialect.paramstyle)
        cache = self.__dict__.setdefault("_driver_sql", {})
        if key not in cache:
            compiled = self.statement.compile(dialect=dialect)
            params = compiled.construct_params()
            args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
            cache[key] = (str(compiled), args)
        return cache[key]


def internal_name(ref: str) -> str:
    """Column name of a dimension inside the CTEs: `account.segment` -> `account__segment`."""
    return ref.replace(".", "__")


def _qualified(alias: str, column: str, dialect: str) -> ColumnElement:
    node = exp.column(column, table=exp.to_identifier(alias, quoted=needs_quotes(alias, dialect)),
                      quoted=needs_quotes(column, dialect))
    return sa.literal_column(node.sql(dialect=SQLGLOT_NAMES[dialect]))


def _source(defs: Definitions, entity_name: str, alias: str, dialect: str) -> sa.FromClause:
    entity = defs.entities[entity_name]
    if entity.table:
        schema, _, name = entity.table.rpartition(".")
        return sa.table(name, schema=schema or None).alias(alias)
    tree, columns = parse_select(entity.sql or "")
    text = tree.sql(dialect=SQLGLOT_NAMES[dialect])
    return sa.text(text).columns(*[sa.column(c) for c in columns]).subquery(alias)


def _dimension_sql(defs: Definitions, group: SourceGroup, dim: DimensionUse, dialect: str) -> ColumnElement:
    """The dimension read from the table alias its join path gave it in this group."""
    return render(dim.dimension.expr or dim.name, group.alias_of(dim.ref), dim.entity, defs, dialect,
                  expand_dimensions=False)


FILTER_CLAUSE_DIALECTS = frozenset({"duckdb", "postgresql", "trino"})


def _aggregate(defs: Definitions, m: MeasureUse, condition: ColumnElement | None, dialect: str) -> ColumnElement:
    """One measure's aggregate; a per-measure condition is `agg(x) FILTER (WHERE c)` where the dialect has it
    (DuckDB plans it faster than CASE), else `agg(CASE WHEN c THEN x END)`."""
    if m.expr:
        value: ColumnElement | None = render(m.expr, m.entity, m.entity, defs, dialect)
    elif m.agg == "count":
        value = None  # rows of the entity: count(*), its primary key is never NULL
    else:
        value = render(m.measure, m.entity, m.entity, defs, dialect)
    use_filter = condition is not None and dialect in FILTER_CLAUSE_DIALECTS and m.agg != "median"
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


def _shifted_time(defs: Definitions, plan: Plan, shift: tuple[int, str], moment: ColumnElement,
                  dialect: str) -> tuple[ColumnElement, list[ColumnElement]]:
    """An earlier window, seen from the periods it is compared with: (moment to take the period of, filters).

    With a grain each row moves forward by the shift and lands in the period it is compared with (Feb 29
    2024 counts in February 2025); at the day grain a day with no twin a year later (Feb 29) is left out
    rather than doubled onto Feb 28. With no grain the question's range itself moves back, day for day.
    """
    if plan.grain is None:
        first, last = plan.time_range
        return moment, [within_days(moment, shift_back(first, shift), shift_back(last, shift), dialect)]
    day = sa.cast(moment, sa.Date)
    forward = ShiftDate(day, *shift)
    window = [within_days(forward, *plan.time_range, dialect)]
    if plan.grain == "day" and shift[1] == "month":
        window.append(ShiftDate(forward, -shift[0], "month") == day)
    return forward, window


def _group_cte(defs: Definitions, plan: Plan, group: SourceGroup, dialect: str) -> sa.CTE:
    source = _source(defs, group.entity, group.entity, dialect)
    for join in group.joins:
        step = join.step
        on = _qualified(join.source_alias, step.foreign_key, dialect) == \
            _qualified(join.target_alias, step.target_key, dialect)
        source = source.outerjoin(_source(defs, step.target, join.target_alias, dialect), on)
    keys: list[ColumnElement] = []
    where: list[ColumnElement] = []
    if group.time_dimension is not None:
        moment = _dimension_sql(defs, group, group.time_dimension, dialect)
        period, window = (_shifted_time(defs, plan, group.shift, moment, dialect) if group.shift
                          else (moment, [within_days(moment, *plan.time_range, dialect)] if plan.time_range else []))
        if plan.grain:
            keys.append(period_start(period, plan.grain, defs.calendar).label("period"))
        where += window
    keys += [_dimension_sql(defs, group, d, dialect).label(internal_name(d.ref)) for d in plan.dimensions]
    where += [filter_sql(_dimension_sql(defs, group, f.dimension, dialect), f, dialect) for f in plan.filters]
    conditions = {m: [render(c, m.entity, m.entity, defs, dialect) for c in m.conditions] for m in group.measures}
    per_measure = len({m.conditions for m in group.measures}) > 1
    if not per_measure:  # one filter for every measure: a plain WHERE, as hand-written SQL would do
        where += next(iter(conditions.values()))
    aggregates = []
    for m in group.measures:
        condition = sa.and_(*conditions[m]) if per_measure and m.conditions else None
        aggregates.append(_aggregate(defs, m, condition, dialect).label(m.column))
    stmt = sa.select(*keys, *aggregates).select_from(source).where(*where)
    if keys:  # by position: valid on every target dialect and keeps long expressions written once
        stmt = stmt.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(keys))])
    return stmt.cte(group.name)


def _spine(dates: tuple[date, ...], dialect: str) -> sa.FromClause:
    """The report's periods as a tiny table of bound dates."""
    if dialect in ("bigquery", "snowflake"):  # typed dates: no VALUES on BigQuery, untyped VALUES on Snowflake
        rows = [sa.select(sa.cast(sa.literal(d, sa.Date), sa.Date).label("period")) for d in dates]
        return (sa.union_all(*rows) if len(rows) > 1 else rows[0]).subquery("spine")
    return sa.values(sa.column("period", sa.Date), name="spine").data([(d,) for d in dates])


def _distinct_rows(selects: list[sa.Select]) -> sa.Select | sa.CompoundSelect:
    """UNION of the selects (a lone select gets DISTINCT: a one-member UNION would keep duplicates)."""
    return sa.union(*selects) if len(selects) > 1 else selects[0].distinct()


def _keys_cte(plan: Plan, groups: list[sa.CTE], key_names: list[str], dialect: str) -> sa.CTE:
    """Every row to report: the groups' own keys; with a date spine, every spine period for every
    combination of dimension values (the data's periods are inside the spine: tests/plan/test_calendar.py
    checks that SQL and Python agree on every period, day by day)."""
    if plan.spine is None:
        return _distinct_rows([sa.select(*[g.c[k] for k in key_names]) for g in groups]).cte("keys")
    spine = _spine(plan.spine, dialect)
    dim_names = [k for k in key_names if k != "period"]
    if not dim_names:
        return sa.select(spine.c.period).cte("keys")
    combos = _distinct_rows([sa.select(*[g.c[k] for k in dim_names]) for g in groups]).subquery("dimension_values")
    return (sa.select(spine.c.period, *[combos.c[k] for k in dim_names])
            .select_from(spine.join(combos, sa.true())).cte("keys"))


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
