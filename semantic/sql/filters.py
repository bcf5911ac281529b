"""Question filters and time bounds as SQL conditions; every value is a bound parameter.

`and`/`or`/`not` trees are decided per joined row; `not` keeps a row whose inner condition is unknown
(NULL), as `neq` keeps a row whose value is missing: "not (segment = 'SMB')" includes accounts with no segment.
Dates against time dimensions are whole days ([day, day + 1)), whether the column holds dates or
timestamps. Where a dialect will not compare a TIMESTAMP with a DATE (BigQuery), both sides become DATETIME.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.dialects import facts
from semantic.plan.entity_metric import joined_columns
from semantic.plan.model import AnswerFilter, EntityMetricUse, FilterUse, MetricCondition, RowFilter
from semantic.plan.steps import internal_name
from semantic.sql.render import render_formula


def _moment(col: ColumnElement, dialect: str) -> ColumnElement:
    return col if facts(dialect).compares_timestamp_with_date else sa.cast(col, sa.DateTime)


def _day(day: date, dialect: str) -> ColumnElement:
    if not facts(dialect).compares_timestamp_with_date:
        return sa.literal(datetime.combine(day, time()), sa.DateTime)
    return sa.literal(day, sa.Date)


def _after(day: date) -> date | None:
    """The next day, or None past the end of the calendar (9999-12-31 has no successor)."""
    return day + timedelta(days=1) if day < date.max else None


def within_days(col: ColumnElement, first: date | None, last: date | None, dialect: str) -> ColumnElement:
    """first <= col < last + 1 day: inclusive dates, right for DATE and TIMESTAMP columns alike; a None
    bound (or the last day of the calendar) leaves that side open."""
    moment = _moment(col, dialect)
    end = _after(last) if last is not None else None
    conditions = [moment >= _day(first, dialect)] if first is not None else []
    conditions += [moment < _day(end, dialect)] if end is not None else []
    return sa.and_(*conditions) if conditions else moment.is_not(None)


def _day_filter(col: ColumnElement, op: str, days: tuple[date, ...], dialect: str) -> ColumnElement:
    """'eq 2025-11-03' matches 09:00 that day, 'lte' includes the day, 'gt' starts the next day."""
    if op in ("eq", "in"):
        return sa.or_(*[within_days(col, d, d, dialect) for d in days])
    if op in ("neq", "not_in"):
        return sa.or_(sa.not_(sa.or_(*[within_days(col, d, d, dialect) for d in days])), col.is_(None))
    if op == "between":
        return within_days(col, days[0], days[1], dialect)
    day, next_day = days[0], _after(days[0])
    if op in ("lt", "gte"):
        before = within_days(col, None, day - timedelta(days=1), dialect) if day > date.min else sa.false()
        return before if op == "lt" else within_days(col, day, None, dialect)
    if op == "lte":
        return within_days(col, None, day, dialect)
    return within_days(col, next_day, None, dialect) if next_day else sa.false()  # gt


def _contains(col: ColumnElement, text: str, dialect: str) -> ColumnElement:
    if not facts(dialect).like_escape:  # BigQuery's LIKE has no ESCAPE clause; STRPOS needs no escaping at all
        return sa.func.strpos(sa.func.lower(col), sa.func.lower(sa.literal(text))) > sa.literal_column("0")
    return col.icontains(text, autoescape=True)


def _is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def filter_sql(col: ColumnElement, flt: FilterUse, dialect: str) -> ColumnElement:
    values = flt.values
    if flt.dimension.dimension.type == "time":
        if values and all(_is_day(v) for v in values):
            return _day_filter(col, flt.op, values, dialect)
        if flt.op in ("in", "not_in") and any(_is_day(v) for v in values):  # days and instants mixed
            match = sa.or_(*[_day_filter(col, "eq", (v,), dialect) if _is_day(v) else _moment(col, dialect) ==
                             sa.literal(v) for v in values])
            return match if flt.op == "in" else sa.or_(sa.not_(match), col.is_(None))
        col = _moment(col, dialect)
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
        return _contains(col, values[0], dialect)
    comparisons = {"gt": col.__gt__, "gte": col.__ge__, "lt": col.__lt__, "lte": col.__le__}
    return comparisons[flt.op](sa.literal(values[0]))


def _entity_metric(columns: dict[str, ColumnElement], leaf: EntityMetricUse, dialect: str) -> ColumnElement:
    """The row reaches an entity row, and that row's metric (joined by semantic/sql/entity_metric.py; the
    metric of nothing when it had no rows to aggregate) meets the condition."""
    key_name, value_name = joined_columns(leaf.values)
    empty = render_formula(leaf.values.empty, dialect)
    value = sa.case((columns[key_name].is_(None), empty), else_=columns[value_name])
    return sa.and_(columns[internal_name(leaf.dimension.ref)].is_not(None), filter_sql(value, leaf.test, dialect))


def row_filter_sql(columns: dict[str, ColumnElement], node: RowFilter, dialect: str) -> ColumnElement:
    """A filter tree over the row's dimension columns (named by internal_name); nests as deep as the tree,
    which the question bounds (MAX_FILTER_DEPTH)."""
    if isinstance(node, FilterUse):
        return filter_sql(columns[internal_name(node.dimension.ref)], node, dialect)
    if isinstance(node, EntityMetricUse):
        return _entity_metric(columns, node, dialect)
    parts = [row_filter_sql(columns, part, dialect) for part in node.parts]
    if node.kind == "not":
        return sa.not_(sa.func.coalesce(parts[0], sa.false()))
    return sa.and_(*parts) if node.kind == "and" else sa.or_(*parts)


def answer_filter_sql(node: AnswerFilter, dialect: str) -> ColumnElement:
    """Conditions on metric values over the combined measure columns (the metric's own formula, so the
    value tested is the value shown); `not` keeps a row whose metric is NULL, like `neq`."""
    if isinstance(node, MetricCondition):
        return filter_sql(render_formula(node.formula, dialect), node.test, dialect)
    parts = [answer_filter_sql(part, dialect) for part in node.parts]
    if node.kind == "not":
        return sa.not_(sa.func.coalesce(parts[0], sa.false()))
    return sa.and_(*parts) if node.kind == "and" else sa.or_(*parts)
